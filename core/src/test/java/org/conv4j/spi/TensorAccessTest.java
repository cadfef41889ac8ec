package org.conv4j.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.conv4j.Tensor;
import org.junit.jupiter.api.Test;

/** Tensor's storage is reachable only through this SPI, and only Tensor can install the hooks. */
class TensorAccessTest {

    @Test
    void wrapAndStorageGoThroughTheSpi() {
        HeapStorage s = new HeapStorage(new float[] {1, 2, 3, 4, 5, 6});
        Tensor t = TensorAccess.wrap(s, 2, 3);
        assertSame(s, TensorAccess.storage(t));
        assertArrayEquals(new int[] {2, 3}, t.shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TensorAccess.wrap(s, 4, 2));
        assertTrue(e.getMessage().contains("storage of 6 values does not fit shape [4, 2] (8 values)"), e.getMessage());
    }

    @Test
    void tensorHasNoPublicBackendHooks() {
        for (Method m : Tensor.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers())) {
                assertTrue(!m.getName().equals("wrap") && !m.getName().equals("storage"), m.toString());
            }
        }
    }

    @Test
    void nobodyElseCanInstallHooks() {
        TensorAccess.storage(Tensor.zeros(1));  // Tensor's hooks are installed
        TensorAccess.Hooks foreign = new TensorAccess.Hooks() {
            @Override
            public Tensor wrap(Storage storage, int[] shape) {
                return null;
            }

            @Override
            public Storage storage(Tensor tensor) {
                return null;
            }
        };
        assertThrows(IllegalStateException.class, () -> TensorAccess.install(foreign));
    }
}
