package org.conv4j.internal;

import java.util.Arrays;

/** Argument checks shared by the public API; every message names the operation and the values. */
public final class Check {
    private Check() {
    }

    /** Throws {@code "<op>: <name> is null"} when {@code value} is null. */
    public static void notNull(Object value, String op, String name) {
        if (value == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
    }

    /**
     * Validates a shape (non-null, every dimension at least 1) and returns its element count.
     *
     * @throws IllegalArgumentException when a dimension is below 1 or the count exceeds {@code int}
     */
    public static int elementCount(String op, int[] shape) {
        notNull(shape, op, "shape");
        long n = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException(op + ": shape " + Arrays.toString(shape)
                        + " has a dimension below 1");
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                break;
            }
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": shape " + Arrays.toString(shape) + " has "
                    + exactCount(shape) + " elements, more than the " + Integer.MAX_VALUE + " an int can index");
        }
        return (int) n;
    }

    private static String exactCount(int[] shape) {
        java.math.BigInteger n = java.math.BigInteger.ONE;
        for (int d : shape) {
            n = n.multiply(java.math.BigInteger.valueOf(d));
        }
        return n.toString();
    }

    /** Throws when {@code a} or {@code b} is not positive: {@code "<op>: <what> must be positive, got (a, b)"}. */
    public static void positivePair(String op, String what, int a, int b) {
        if (a < 1 || b < 1) {
            throw new IllegalArgumentException(op + ": " + what + " must be positive, got (" + a + ", " + b + ")");
        }
    }

    /** Throws when any value is negative: {@code "<op>: <what> must be non-negative, got (...)"}. */
    public static void nonNegative(String op, String what, int... values) {
        for (int v : values) {
            if (v < 0) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < values.length; i++) {
                    sb.append(i == 0 ? "" : ", ").append(values[i]);
                }
                throw new IllegalArgumentException(op + ": " + what + " must be non-negative, got (" + sb + ")");
            }
        }
    }

    /** Throws unless {@code shape} has rank 4: {@code "<op>: <name> must have rank 4 [N, C, H, W], got shape [..]"}. */
    public static void rank4(String op, String name, int[] shape, String layout) {
        if (shape.length != 4) {
            throw new IllegalArgumentException(op + ": " + name + " must have rank 4 " + layout
                    + ", got shape " + Arrays.toString(shape));
        }
    }

    /**
     * The product of {@code factors}, or an {@link IllegalArgumentException} naming {@code what} and the exact
     * element count when it overflows {@code int}, e.g.
     * {@code conv2d: the output [1, 1, 100001, 100001] would have 10000200001 elements, more than the 2147483647
     * an int can index}.
     */
    public static int mul(String op, String what, long... factors) {
        long n = 1;
        for (long f : factors) {
            n *= f;
            if (n > Integer.MAX_VALUE) {
                java.math.BigInteger exact = java.math.BigInteger.ONE;
                for (long g : factors) {
                    exact = exact.multiply(java.math.BigInteger.valueOf(g));
                }
                throw new IllegalArgumentException(op + ": " + what + " would have " + exact
                        + " elements, more than the " + Integer.MAX_VALUE + " an int can index");
            }
        }
        return (int) n;
    }

    /** {@code "1 channel"}, {@code "3 channels"}: a count with its noun in the right number. */
    public static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
