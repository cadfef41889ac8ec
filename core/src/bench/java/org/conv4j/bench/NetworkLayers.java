package org.conv4j.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The network suite: every distinct convolution layer of ResNet-50, MobileNetV2, VGG-16, ResNeXt-50 32x4d,
 * DeepLabv3 (ResNet-50 backbone, output stride 8: dilated stages and ASPP) and EfficientNet-B0 (TensorFlow "same"
 * padding, so its stride-2 layers pad asymmetrically), at batch 1 and 8, deduplicated by geometry and sampled evenly
 * down to at most {@link #MAX} layers. Classification networks take 224x224 images; DeepLabv3 takes 224x224 crops
 * too (its 28x28 dilated feature maps keep one call of the ASPP layers within a second on two cores).
 *
 * <p>Ids are {@code net.NN.nB}: the network, the layer's index in that network's distinct layers, the batch.
 * The list is fixed by the code below (no randomness), so every run and every machine measures the same layers.
 */
final class NetworkLayers {
    /** At most this many sampled layers (both batch sizes together). */
    static final int MAX = 80;

    private NetworkLayers() {
    }

    /**
     * Prints the suite (id, class, geometry, GFLOP per direction) and how many distinct layers it was sampled from;
     * with the argument {@code all}, every distinct layer (each may be named in {@code -Dside.shapes}).
     */
    public static void main(String[] args) {
        for (Shapes.Conv c : args.length > 0 && args[0].equals("all") ? distinct() : suite()) {
            System.out.printf(Locale.ROOT, "%-14s %-34s %-44s %8.3f%n", c.id(), c.kind(), c.describe(), c.flops() / 1e9);
        }
        System.out.println(suite().size() + " layers sampled from " + distinct().size() + " distinct ones");
    }

    /**
     * The sampled suite, in network order. Sampling is even over layer classes ({@link Shapes.Conv#kind()}), then
     * even within a class: the quotas grow one per class in turn until they reach {@link #MAX}, and a class of m
     * layers with quota q keeps its layers at indices i * m / q. So a rare class (the ResNet stem, a 5x5
     * stride-2 depthwise layer) is always measured, while the many 1x1 layers do not crowd the others out.
     */
    static List<Shapes.Conv> suite() {
        List<Shapes.Conv> all = distinct();
        if (all.size() <= MAX) {
            return all;
        }
        Map<String, List<Shapes.Conv>> byKind = new LinkedHashMap<>();
        for (Shapes.Conv c : all) {
            byKind.computeIfAbsent(c.kind(), k -> new ArrayList<>()).add(c);
        }
        Map<String, Integer> quota = new LinkedHashMap<>();
        int total = 0;
        while (total < MAX) {
            for (Map.Entry<String, List<Shapes.Conv>> e : byKind.entrySet()) {
                int q = quota.getOrDefault(e.getKey(), 0);
                if (total < MAX && q < e.getValue().size()) {
                    quota.put(e.getKey(), q + 1);
                    total++;
                }
            }
        }
        java.util.Set<Shapes.Conv> picked = new java.util.HashSet<>();
        for (Map.Entry<String, List<Shapes.Conv>> e : byKind.entrySet()) {
            List<Shapes.Conv> members = e.getValue();
            int q = quota.getOrDefault(e.getKey(), 0);
            for (int i = 0; i < q; i++) {
                picked.add(members.get((int) ((long) i * members.size() / q)));
            }
        }
        List<Shapes.Conv> out = new ArrayList<>();
        for (Shapes.Conv c : all) {
            if (picked.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /** Every distinct layer of the six networks at batch 1 and 8, before sampling. */
    static List<Shapes.Conv> distinct() {
        Map<String, Shapes.Conv> byKey = new LinkedHashMap<>();
        for (String net : new String[] {"rn50", "mbv2", "vgg16", "rnx50", "dlv3", "effb0"}) {
            List<L> layers = layers(net);
            int index = 0;
            Map<String, Integer> seen = new LinkedHashMap<>();
            for (L l : layers) {
                String geo = l.withBatch(1, "").key();
                if (seen.containsKey(geo)) {
                    continue;
                }
                seen.put(geo, index++);
                for (int n : new int[] {1, 8}) {
                    Shapes.Conv c = l.withBatch(n, String.format(Locale.ROOT, "%s.%02d.n%d", net, seen.get(geo), n));
                    byKey.putIfAbsent(c.key(), c);
                }
            }
        }
        return new ArrayList<>(byKey.values());
    }

    /** One layer without batch: input channels and size, output channels, kernel, stride, pads, dilation, groups. */
    private record L(String net, int cIn, int h, int w, int cOut, int k, int stride, int padT, int padB, int padL,
            int padR, int dil, int groups) {
        Shapes.Conv withBatch(int n, String id) {
            return new Shapes.Conv(id, net, n, cIn, h, w, cOut, k, k, stride, padT, padB, padL, padR, dil, groups);
        }
    }

    /** PyTorch-style symmetric padding dil * (k - 1) / 2. */
    private static L sym(String net, int cIn, int hw, int cOut, int k, int stride, int dil, int groups) {
        int p = dil * (k - 1) / 2;
        return new L(net, cIn, hw, hw, cOut, k, stride, p, p, p, p, dil, groups);
    }

    /** TensorFlow "same" padding: total max((out - 1) * s + k - in, 0), the extra pixel at the bottom / right. */
    private static L same(String net, int cIn, int hw, int cOut, int k, int stride, int groups) {
        int out = (hw + stride - 1) / stride;
        int total = Math.max((out - 1) * stride + k - hw, 0);
        int lo = total / 2;
        int hi = total - lo;
        return new L(net, cIn, hw, hw, cOut, k, stride, lo, hi, lo, hi, 1, groups);
    }

    private static List<L> layers(String net) {
        List<L> out = new ArrayList<>();
        switch (net) {
            case "rn50" -> resnet(out, net, 1, 64, new int[] {1, 1, 1, 1});
            case "rnx50" -> resnet(out, net, 32, 128, new int[] {1, 1, 1, 1});
            case "dlv3" -> {
                // output stride 8 (torchvision's replace_stride_with_dilation = [False, True, True])
                resnet(out, net, 1, 64, new int[] {1, 1, 2, 4});
                int hw = 28;
                out.add(sym(net, 2048, hw, 256, 1, 1, 1, 1));
                for (int rate : new int[] {12, 24, 36}) {
                    out.add(sym(net, 2048, hw, 256, 3, 1, rate, 1));
                }
                out.add(sym(net, 2048, 1, 256, 1, 1, 1, 1));  // image pooling branch
                out.add(sym(net, 1280, hw, 256, 1, 1, 1, 1));  // projection
                out.add(sym(net, 256, hw, 256, 3, 1, 1, 1));   // head
                out.add(sym(net, 256, hw, 21, 1, 1, 1, 1));    // classifier
            }
            case "vgg16" -> {
                int[][] stages = {{3, 64, 224}, {64, 64, 224}, {64, 128, 112}, {128, 128, 112}, {128, 256, 56},
                    {256, 256, 56}, {256, 512, 28}, {512, 512, 28}, {512, 512, 14}};
                for (int[] s : stages) {
                    out.add(sym(net, s[0], s[2], s[1], 3, 1, 1, 1));
                }
            }
            case "mbv2" -> mobilenetV2(out, net);
            case "effb0" -> efficientNetB0(out, net);
            default -> throw new IllegalArgumentException("unknown network " + net);
        }
        return out;
    }

    /**
     * ResNet-50 / ResNeXt-50 bottlenecks (torchvision v1.5: the stride sits on the 3x3). {@code width} is the
     * 3x3's channel count of stage 1 ({@code 64} for ResNet, {@code 128} for ResNeXt 32x4d); {@code dil} per stage:
     * a dilated stage keeps its input size, its first block uses the previous stage's dilation.
     */
    private static void resnet(List<L> out, String net, int groups, int width, int[] dil) {
        out.add(sym(net, 3, 224, 64, 7, 2, 1, 1));  // stem (then 3x3 / 2 max pooling)
        int hw = 56;
        int in = 64;
        int[] blocks = {3, 4, 6, 3};
        for (int stage = 0; stage < 4; stage++) {
            int w = width << stage;
            int o = 256 << stage;
            int stride = stage > 0 && dil[stage] == 1 ? 2 : 1;
            int prevDil = stage == 0 ? 1 : dil[stage - 1];
            for (int b = 0; b < blocks[stage]; b++) {
                int s = b == 0 ? stride : 1;
                int d = b == 0 ? prevDil : dil[stage];
                int hwOut = hw / s;
                out.add(sym(net, in, hw, w, 1, 1, 1, 1));
                out.add(sym(net, w, hw, w, 3, s, d, groups));
                out.add(sym(net, w, hwOut, o, 1, 1, 1, 1));
                if (b == 0) {
                    out.add(sym(net, in, hw, o, 1, s, 1, 1));  // downsample
                }
                in = o;
                hw = hwOut;
            }
        }
    }

    /** MobileNetV2 1.0: inverted residuals (expand 1x1, depthwise 3x3, project 1x1). */
    private static void mobilenetV2(List<L> out, String net) {
        out.add(sym(net, 3, 224, 32, 3, 2, 1, 1));
        int[][] cfg = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2},
            {6, 320, 1, 1}};
        int in = 32;
        int hw = 112;
        for (int[] c : cfg) {
            for (int i = 0; i < c[2]; i++) {
                int s = i == 0 ? c[3] : 1;
                int hidden = in * c[0];
                if (c[0] != 1) {
                    out.add(sym(net, in, hw, hidden, 1, 1, 1, 1));
                }
                out.add(sym(net, hidden, hw, hidden, 3, s, 1, hidden));
                hw = (hw + s - 1) / s;
                out.add(sym(net, hidden, hw, c[1], 1, 1, 1, 1));
                in = c[1];
            }
        }
        out.add(sym(net, 320, 7, 1280, 1, 1, 1, 1));
    }

    /** EfficientNet-B0: MBConv blocks with squeeze-excitation (1x1 convolutions on 1x1 maps), "same" padding. */
    private static void efficientNetB0(List<L> out, String net) {
        out.add(same(net, 3, 224, 32, 3, 2, 1));
        int[][] cfg = {{1, 3, 1, 16, 1}, {6, 3, 2, 24, 2}, {6, 5, 2, 40, 2}, {6, 3, 2, 80, 3}, {6, 5, 1, 112, 3},
            {6, 5, 2, 192, 4}, {6, 3, 1, 320, 1}};  // expand, kernel, stride, out, repeats
        int in = 32;
        int hw = 112;
        for (int[] c : cfg) {
            for (int i = 0; i < c[4]; i++) {
                int s = i == 0 ? c[2] : 1;
                int hidden = in * c[0];
                if (c[0] != 1) {
                    out.add(same(net, in, hw, hidden, 1, 1, 1));
                }
                out.add(same(net, hidden, hw, hidden, c[1], s, hidden));
                hw = (hw + s - 1) / s;
                int se = Math.max(1, in / 4);
                out.add(same(net, hidden, 1, se, 1, 1, 1));  // squeeze
                out.add(same(net, se, 1, hidden, 1, 1, 1));  // excite
                out.add(same(net, hidden, hw, c[3], 1, 1, 1));
                in = c[3];
            }
        }
        out.add(same(net, 320, 7, 1280, 1, 1, 1));
    }
}
