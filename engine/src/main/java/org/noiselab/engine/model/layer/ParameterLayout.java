package org.noiselab.engine.model.layer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Named slices of a flat parameter vector: each layer registers its tensors (name, shape) while the model is built,
 * and receives their offsets. Checkpoints store the slices under these names.
 */
public final class ParameterLayout {

    /** One tensor: its name, shape and place in the flat vector. */
    public record Slice(String name, int[] shape, int offset, int size) {
    }

    private final List<Slice> slices = new ArrayList<>();
    private int size;

    /** Registers a tensor and returns its offset. */
    public int add(String name, int... shape) {
        long count = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException(name + ": non-positive dimension " + d);
            }
            count *= d;
        }
        if (size + count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("model too large: " + name + " overflows the parameter vector");
        }
        int offset = size;
        slices.add(new Slice(name, shape.clone(), offset, (int) count));
        size += (int) count;
        return offset;
    }

    /** Total number of parameters. */
    public int size() {
        return size;
    }

    /** The tensors in registration order. */
    public List<Slice> slices() {
        return Collections.unmodifiableList(slices);
    }

    /** Fills {@code [offset, offset + count)} with {@code U(-bound, bound)}, {@code bound = gain sqrt(3 / fanIn)}. */
    public static void uniform(float[] theta, int offset, int count, int fanIn, double gain, SplittableRandom rng) {
        double bound = gain * Math.sqrt(3.0 / fanIn);
        for (int i = 0; i < count; i++) {
            theta[offset + i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
    }
}
