package org.conv4j.conformance;

import java.util.stream.Stream;
import org.conv4j.Backend;
import org.conv4j.ConvParams;
import org.conv4j.PoolParams;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Regression cases the fuzz suite ({@link FuzzTest}) found, fixed here so they run on every backend
 * whatever the fuzz seed: valid geometries with strides, dilations and padding near
 * {@code Integer.MAX_VALUE}, where index arithmetic overflowed {@code int} or a zero-padded copy of the
 * input was sized by the padding.
 */
class ExtremeGeometryTest {

    static Stream<Backend> backends() {
        return Conformance.backends();
    }

    private static void check(Backend b, FuzzCase c) {
        FuzzTest.checkReporting(b, c, "mvn -B test -Dtest=ExtremeGeometryTest");
    }

    /**
     * Padding near a billion on both axes: the padded input plane is about 2^60 floats, and the cpu
     * backend's weight gradient computed {@code channels * plane <= 4M} in int64, which overflowed below the
     * limit, so it allocated a "padded copy" of exabytes (OutOfMemoryError). Fuzz seed 7 case 3334.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void paddedPlaneNearTwoToTheSixty(Backend b) {
        check(b, conv("padded plane 2^60", new int[] {1, 24, 3, 2}, new int[] {6, 24, 3, 2},
                ConvParams.defaults().stride(Integer.MAX_VALUE, 1).padding(877874667, 7604654, 932526875, 113696138)
                        .dilation(442739661, 1046223011), true));
    }

    private static FuzzCase conv(String label, int[] x, int[] w, ConvParams p, boolean bias) {
        return new FuzzCase(-1, 7, label, true, x, w, p, null, bias, FuzzData.UNIFORM);
    }

    private static FuzzCase pool(String label, int[] x, PoolParams p) {
        return new FuzzCase(-1, 8, label, false, x, null, null, p, false, FuzzData.UNIFORM);
    }

    /**
     * Stride Integer.MAX_VALUE with a left padding of 727 million: the java backend's first column inside
     * the input was computed as {@code (-colOff + sw - 1) / sw} in int, which overflowed to 0, and im2col
     * read x at index -727228214 (ArrayIndexOutOfBoundsException). Fuzz seed 20261207 case 116.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void maxStrideWithHugePaddingAndDilation(Backend b) {
        check(b, conv("max stride", new int[] {3, 4, 4, 1}, new int[] {5, 4, 1, 2},
                ConvParams.defaults().stride(2, Integer.MAX_VALUE).padding(0, 0, 727228214, 242247085)
                        .dilation(Integer.MAX_VALUE, 969475298), true));
        check(b, conv("max stride depthwise", new int[] {3, 6, 3, 3}, new int[] {18, 1, 1, 2},
                ConvParams.defaults().stride(2, Integer.MAX_VALUE).padding(0, 0, 82080485, 195275264)
                        .dilation(Integer.MAX_VALUE, 277355748).groups(6), false));
    }

    /**
     * Pooling with stride Integer.MAX_VALUE and padding 2: the java backend's first interior window
     * {@code (pad + s - 1) / s} overflowed int to a negative index.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void poolingWithMaxStrideAndPadding(Backend b) {
        for (boolean ceil : new boolean[] {false, true}) {
            check(b, pool("max stride", new int[] {1, 2, 3, 4},
                    PoolParams.of(5, 5).stride(Integer.MAX_VALUE, Integer.MAX_VALUE).padding(2, 2).ceilMode(ceil)));
            check(b, pool("max stride", new int[] {2, 1, 9, 6},
                    PoolParams.of(4, 5).stride(Integer.MAX_VALUE, 2).padding(2, 2).ceilMode(ceil)
                            .countIncludePad(false)));
        }
    }

    /**
     * Dilation and padding near a billion with a unit horizontal stride: the output is [2, 1, 3, 1], but
     * the cpu backend's small-channel kernel made a zero-padded copy of the input rows 863 million floats
     * wide and failed with OutOfMemoryError. Fuzz seed 20261207 cases 91, 122, 125, 173.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void hugePaddingNeedsNoPaddedCopy(Backend b) {
        check(b, conv("huge dilation", new int[] {2, 4, 3, 1}, new int[] {1, 4, 1, 3},
                ConvParams.defaults().padding(0, 0, 286182246, 576917666).dilation(Integer.MAX_VALUE, 431549956),
                false));
        check(b, conv("huge dilation", new int[] {2, 3, 3, 1}, new int[] {16, 3, 2, 2},
                ConvParams.defaults().stride(Integer.MAX_VALUE, 1).padding(716149340, 5582502, 628544896, 98460479)
                        .dilation(721731841, 727005372), false));
        check(b, conv("huge dilation", new int[] {3, 4, 1, 9}, new int[] {3, 4, 3, 1},
                ConvParams.defaults().stride(Integer.MAX_VALUE, 1).padding(231118286, 49536084, 0, 0)
                        .dilation(140327185, 1), true));
        check(b, conv("huge dilation", new int[] {2, 2, 3, 11}, new int[] {4, 2, 2, 5},
                ConvParams.defaults().stride(2, 1).padding(199144919, 272570206, 5, 1).dilation(471715124, 3), true));
    }
}
