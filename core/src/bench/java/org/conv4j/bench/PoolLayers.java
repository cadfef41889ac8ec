package org.conv4j.bench;

import java.util.ArrayList;
import java.util.List;
import org.conv4j.PoolParams;

/**
 * Every distinct pooling layer of ResNet-50, VGG-16, GoogLeNet/Inception (v1 and v3), the MobileNetV2 /
 * EfficientNet-B0 head and LeNet-5, by channel count and plane size (batch chosen at run time), plus p1-p3 of
 * bench-shapes.md at their own batch. Square windows, floor rounding (torchvision's GoogLeNet rounds its
 * stride-2 pools up: the same work within one output row or column).
 */
final class PoolLayers {
    private PoolLayers() {
    }

    /** One layer: max or average, {@code c x h x h} input, {@code k x k} window, stride, padding, divisor rule. */
    record Layer(String id, String what, boolean max, int n, int c, int h, int k, int stride, int pad,
            boolean includePad) {
        PoolParams params() {
            return PoolParams.of(k, k).stride(stride, stride).padding(pad, pad).countIncludePad(includePad);
        }

        int hOut() {
            return (h + 2 * pad - k) / stride + 1;
        }

        Layer batch(int batch) {
            return new Layer(id, what, max, batch, c, h, k, stride, pad, includePad);
        }

        String label() {
            String kind = max ? "max" : "avg";
            String win = k == h && pad == 0 ? "global " + h + "x" + h : k + "x" + k + " s" + stride + (pad > 0 ? " p" + pad : "");
            return id + " (" + what + ") " + kind + " " + win + (max || includePad ? "" : " excl-pad") + " N" + n + " C"
                    + c + " " + h + "x" + h;
        }
    }

    /** The network layers, without a batch (n = 0). */
    static List<Layer> networkLayers() {
        List<Layer> l = new ArrayList<>();
        l.add(new Layer("resnet-stem", "ResNet-50 maxpool", true, 0, 64, 112, 3, 2, 1, true));
        l.add(new Layer("resnet-head", "ResNet-50 avgpool", false, 0, 2048, 7, 7, 1, 0, true));
        l.add(new Layer("vgg-1", "VGG-16 pool1", true, 0, 64, 224, 2, 2, 0, true));
        l.add(new Layer("vgg-2", "VGG-16 pool2", true, 0, 128, 112, 2, 2, 0, true));
        l.add(new Layer("vgg-3", "VGG-16 pool3", true, 0, 256, 56, 2, 2, 0, true));
        l.add(new Layer("vgg-4", "VGG-16 pool4", true, 0, 512, 28, 2, 2, 0, true));
        l.add(new Layer("vgg-5", "VGG-16 pool5", true, 0, 512, 14, 2, 2, 0, true));
        l.add(new Layer("gnet-pool2", "GoogLeNet maxpool2", true, 0, 192, 56, 3, 2, 0, true));
        l.add(new Layer("gnet-pool3", "GoogLeNet maxpool3", true, 0, 480, 28, 3, 2, 0, true));
        l.add(new Layer("gnet-pool4", "GoogLeNet maxpool4", true, 0, 832, 14, 2, 2, 0, true));
        l.add(new Layer("gnet-3a", "Inception 3a branch", true, 0, 192, 28, 3, 1, 1, true));
        l.add(new Layer("gnet-4a", "Inception 4a branch", true, 0, 480, 14, 3, 1, 1, true));
        l.add(new Layer("gnet-5a", "Inception 5a branch", true, 0, 832, 7, 3, 1, 1, true));
        l.add(new Layer("gnet-head", "GoogLeNet avgpool", false, 0, 1024, 7, 7, 1, 0, true));
        l.add(new Layer("v3-5b", "Inception-v3 Mixed_5b pool", false, 0, 192, 35, 3, 1, 1, false));
        l.add(new Layer("v3-6b", "Inception-v3 Mixed_6b pool", false, 0, 768, 17, 3, 1, 1, false));
        l.add(new Layer("v3-5b-incl", "Inception-v3 (torchvision)", false, 0, 192, 35, 3, 1, 1, true));
        l.add(new Layer("mnet-head", "MobileNetV2/EfficientNet-B0 head", false, 0, 1280, 7, 7, 1, 0, true));
        l.add(new Layer("lenet-s2", "LeNet-5 S2", true, 0, 6, 28, 2, 2, 0, true));
        l.add(new Layer("lenet-s4", "LeNet-5 S4", false, 0, 16, 10, 2, 2, 0, true));
        return l;
    }

    /** bench-shapes.md's p1-p3 at their own batch. */
    static List<Layer> benchShapes() {
        return List.of(new Layer("p1", "bench-shapes", true, 32, 6, 28, 2, 2, 0, true),
                new Layer("p2", "bench-shapes", true, 8, 64, 112, 3, 2, 1, true),
                new Layer("p3", "bench-shapes", false, 8, 64, 56, 2, 2, 0, true));
    }
}
