package org.noiselab.engine.io;

import java.util.Arrays;

/**
 * A named float32 tensor as stored in a safetensors file: a shape and row-major values.
 *
 * @param shape dimensions, each non-negative
 * @param data  row-major values, {@code prod(shape)} of them
 */
public record Tensor(long[] shape, float[] data) {

    public Tensor {
        long count = 1;
        for (long s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, s);
        }
        if (count != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + count
                    + " values, data has " + data.length);
        }
        shape = shape.clone();
    }

    /** A 1-D tensor. */
    public static Tensor vector(float[] data) {
        return new Tensor(new long[] {data.length}, data);
    }

    /** A 2-D tensor of the given rows and columns. */
    public static Tensor matrix(int rows, int cols, float[] data) {
        return new Tensor(new long[] {rows, cols}, data);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
