package org.noiselab.engine.model;

import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Where each tensor of a {@link DenseShape} (an {@link MlpSpec} or a {@link ClassifierSpec}) lives in the flat parameter vector: for layer {@code l = 0..depth}, the
 * weight {@code W_l} (row-major, {@code in x out}) followed by its bias; then the class table ({@code (C + 1) x width})
 * of a conditional model. One flat vector lets the optimiser update every parameter in a single fused loop.
 */
public final class MlpLayout {

    private final DenseShape spec;
    private final int[] weightOffsets;
    private final int[] biasOffsets;
    private final int classTableOffset;
    private final int size;

    public MlpLayout(DenseShape spec) {
        this.spec = spec;
        int layers = spec.depth() + 1;
        weightOffsets = new int[layers];
        biasOffsets = new int[layers];
        int offset = 0;
        for (int l = 0; l < layers; l++) {
            weightOffsets[l] = offset;
            offset += spec.layerInput(l) * spec.layerOutput(l);
            biasOffsets[l] = offset;
            offset += spec.layerOutput(l);
        }
        classTableOffset = offset;
        offset += spec.classCount() == 0 ? 0 : (spec.classCount() + 1) * spec.width();
        size = offset;
    }

    public DenseShape spec() {
        return spec;
    }

    /** Number of linear layers (hidden layers plus the read-out). */
    public int layers() {
        return weightOffsets.length;
    }

    public int weightOffset(int layer) {
        return weightOffsets[layer];
    }

    public int biasOffset(int layer) {
        return biasOffsets[layer];
    }

    /** Offset of the class table, meaningful only when the spec has classes. */
    public int classTableOffset() {
        return classTableOffset;
    }

    /** Total number of parameters. */
    public int size() {
        return size;
    }

    /**
     * Fresh parameters: weights and biases {@code U(-1/sqrt(in), 1/sqrt(in))} as in PyTorch's Linear, and the class
     * table with the first layer's bound.
     */
    public float[] initialParameters(long seed) {
        float[] p = new float[size()];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int l = 0; l < layers(); l++) {
            double bound = 1 / Math.sqrt(spec.layerInput(l));
            int end = biasOffset(l) + spec.layerOutput(l);
            for (int i = weightOffset(l); i < end; i++) {
                p[i] = (float) rng.nextDouble(-bound, bound);
            }
        }
        double classBound = 1 / Math.sqrt(spec.layerInput(0));
        for (int i = classTableOffset(); i < size(); i++) {
            p[i] = (float) rng.nextDouble(-classBound, classBound);
        }
        return p;
    }

    /**
     * Adds each row's class vector to the first pre-activation {@code z0} (rows {@code from..to} of a chunk starting at
     * row {@code start} of {@code labels}); {@code labels == null} means the null class for every row.
     */
    public void addClassVectors(float[] params, int @Nullable [] labels, int start, int from, int to, float[] z0) {
        int width = spec.width();
        for (int i = from; i < to; i++) {
            int c = labels == null ? spec.classCount() : labels[start + i];
            int src = classTableOffset + c * width;
            int dst = i * width;
            for (int j = 0; j < width; j++) {
                z0[dst + j] += params[src + j];
            }
        }
    }

    /** Adds the gradient {@code g} of the first pre-activation (rows {@code from..to}) to each row's class vector. */
    public void addClassTableGradient(float[] g, int @Nullable [] labels, int from, int to, float[] target) {
        int width = spec.width();
        for (int i = from; i < to; i++) {
            int c = labels == null ? spec.classCount() : labels[i];
            int dst = classTableOffset + c * width;
            for (int j = 0; j < width; j++) {
                target[dst + j] += g[i * width + j];
            }
        }
    }

    /** Adds the column sums of rows {@code from..to} of the row-major {@code g} ({@code cols} wide) to a bias slice. */
    public static void addColumnSums(float[] g, int from, int to, int cols, float[] target, int offset) {
        for (int i = from; i < to; i++) {
            int row = i * cols;
            for (int j = 0; j < cols; j++) {
                target[offset + j] += g[row + j];
            }
        }
    }
}
