package org.conv4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void corr2dOfTheBook() {
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, 3, 3);
        Tensor k = Tensor.of(new float[] {0, 1, 2, 3}, 2, 2);
        assertArrayEquals(new float[] {19, 25, 37, 43}, Conv4j.corr2d(Backends.java(), x, k).toArray());
    }
}
