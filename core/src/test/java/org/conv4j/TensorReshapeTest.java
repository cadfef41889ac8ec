package org.conv4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.conv4j.spi.TensorAccess;

class TensorReshapeTest {

    static Iterable<String> backends() {
        return Backends.available();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void reshapeSharesTheStorageOfEveryLocation(String backendName) {
        float[] v = new float[24];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        // a 1x1 average pooling puts the values in the backend's own memory
        Tensor t = Backends.get(backendName).avgPool2d(Tensor.of(v, 2, 3, 2, 2), PoolParams.of(1, 1));
        Tensor r = t.reshape(4, -1);
        assertArrayEquals(new int[] {4, 6}, r.shape());
        assertSame(TensorAccess.storage(t), TensorAccess.storage(r));
        assertArrayEquals(v, r.toArray());
        assertEquals(t.location(), r.location());
        r.close();
        if (!t.location().equals("heap")) { // heap memory is never freed by close
            assertThrows(IllegalStateException.class, t::toArray, "closing the view frees the shared memory");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void badShapesNameTheValues(String unused) {
        Tensor t = Tensor.zeros(3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.reshape(2, 5));
        assertEquals("Tensor.reshape: shape [2, 5] holds 10 values, the tensor [3, 4] holds 12", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.reshape(5, -1));
        assertThrows(IllegalArgumentException.class, () -> t.reshape(-1, -1));
        assertThrows(IllegalArgumentException.class, () -> t.reshape(0, 12));
        assertThrows(IllegalArgumentException.class, () -> t.reshape((int[]) null));
        assertArrayEquals(new int[] {12}, t.reshape(-1).shape());
    }
}
