package org.conv4j.demo;

import java.io.PrintStream;
import org.conv4j.Backend;
import org.conv4j.PoolParams;
import org.conv4j.Tensor;

/** Section 7 of the demo: the book's pooling examples, including the one conv4j refuses. */
final class PoolingWalk {
    private final Checks c;
    private final PrintStream out;

    PoolingWalk(Checks c, PrintStream out) {
        this.c = c;
        this.out = out;
    }

    /** The last two dimensions of {@code t} as a heap matrix; closes {@code t}. */
    private static Tensor plane(Tensor t) {
        int[] s = t.shape();
        return Demo.reshape(t, s[s.length - 2], s[s.length - 1]);
    }

    void run() {
        c.section("7. Pooling");
        Tensor x3 = Tensor.of(Demo.range(9), 1, 1, 3, 3);
        PoolParams window2 = PoolParams.of(2, 2).stride(1, 1);
        c.book("max pooling of X with a 2x2 window, stride 1", Tensor.of(new float[] {4, 5, 7, 8}, 2, 2),
                b -> plane(b.maxPool2d(x3, window2)));
        c.book("average pooling of X with a 2x2 window, stride 1", Tensor.of(new float[] {2, 3, 5, 6}, 2, 2),
                b -> plane(b.avgPool2d(x3, window2)));

        Tensor x16 = Tensor.of(Demo.range(16), 1, 1, 4, 4);
        out.println();
        c.show("X = arange(16) as [1, 1, 4, 4]", plane(x16));
        c.book("MaxPool2D(3): 3x3 window, stride 3", Tensor.of(new float[] {10}, 1, 1),
                b -> plane(b.maxPool2d(x16, PoolParams.of(3, 3))));
        c.book("MaxPool2D(3, padding=1, strides=2)", Tensor.of(new float[] {5, 7, 13, 15}, 2, 2),
                b -> plane(b.maxPool2d(x16, PoolParams.of(3, 3).padding(1, 1).stride(2, 2))));
        mxnetOnlyPadding(x16);

        Tensor two = Tensor.of(concat(Demo.range(16), 1), 1, 2, 4, 4);
        out.println();
        c.show("X with a second channel X + 1", Tensor.of(two.toArray(), 2, 4, 4));
        c.book("MaxPool2D(3, padding=1, strides=2) pools each channel: 2 channels out",
                Tensor.of(new float[] {5, 7, 13, 15, 6, 8, 14, 16}, 2, 2, 2),
                b -> Demo.reshape(b.maxPool2d(two, PoolParams.of(3, 3).padding(1, 1).stride(2, 2)), 2, 2, 2));
        out.println("  (the notebook prints only [[5, 7], [13, 15]] here: its cell In[199] re-created the one-channel X");
        out.println("   after In[197] had added the second channel, before In[200] pooled)");
    }

    /**
     * MaxPool2D((2, 3), padding=(1, 2), strides=(2, 3)): MXNet accepts padding 2 with a window 3 wide; PyTorch,
     * and conv4j, allow at most half the window, so a window can never lie mostly (or wholly) in the padding.
     */
    private void mxnetOnlyPadding(Tensor x16) {
        out.println();
        out.println("MaxPool2D((2, 3), padding=(1, 2), strides=(2, 3)); the notebook printed [[0, 3], [8, 11], [12, 15]].");
        PoolParams asked = PoolParams.of(2, 3).padding(1, 2).stride(2, 3);
        for (Backend b : c.backends()) {
            try {
                Tensor y = b.maxPool2d(x16, asked);
                c.claim(false, Checks.pad(b.name()) + "accepted padding 2 for a 3-wide window: " + y);
            } catch (IllegalArgumentException e) {
                c.claim(true, Checks.pad(b.name()) + "refuses it, as PyTorch does: " + e.getMessage());
            }
        }
        out.println("  Same result in a form conv4j accepts: pad the columns yourself with -infinity (padded cells");
        out.println("  never win a max), then pool with padding (1, 0):");
        float[] v = x16.toArray();
        float[] padded = new float[4 * 8];
        for (int r = 0; r < 4; r++) {
            for (int col = 0; col < 8; col++) {
                padded[r * 8 + col] = col < 2 || col >= 6 ? Float.NEGATIVE_INFINITY : v[r * 4 + col - 2];
            }
        }
        Tensor xp = Tensor.of(padded, 1, 1, 4, 8);
        c.book("MaxPool2D((2, 3), padding=(1, 0), strides=(2, 3)) of X padded with two -inf columns each side",
                Tensor.of(new float[] {0, 3, 8, 11, 12, 15}, 3, 2),
                b -> plane(b.maxPool2d(xp, PoolParams.of(2, 3).padding(1, 0).stride(2, 3))));
    }

    private static float[] concat(float[] a, float plus) {
        float[] out = new float[2 * a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
            out[a.length + i] = a[i] + plus;
        }
        return out;
    }
}
