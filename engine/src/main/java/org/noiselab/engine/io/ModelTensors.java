package org.noiselab.engine.io;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.noiselab.engine.kernel.VectorGemm;
import org.noiselab.engine.model.DenseShape;
import org.noiselab.engine.model.MlpLayout;
import org.noiselab.engine.model.ModelSpec;
import org.noiselab.engine.model.Models;
import org.noiselab.engine.model.layer.ParameterLayout;

/**
 * Names and shapes of a model's parameters in files, in PyTorch's conventions so a Python reader sees a familiar
 * layout: {@code layers.{l}.weight} as {@code [out, in]}, {@code layers.{l}.bias} as {@code [out]}, and
 * {@code class_embedding.weight} as {@code [classes + 1, width]} (the last row is the null class). Internally weights
 * are {@code [in, out]}; this class transposes. A noise-level classifier has the same layout, its read-out
 * {@code layers.{depth}} producing the raw per-level values before the fixed cumulative sum.
 */
public final class ModelTensors {

    private ModelTensors() {
    }

    /** The named tensors of a flat parameter vector, prefixed (e.g. {@code "ema."}). */
    public static Map<String, Tensor> toTensors(ModelSpec spec, float[] params, String prefix) {
        ParameterLayout named = Models.layoutOf(spec);
        if (named != null) {
            return namedSlices(named, params, prefix);
        }
        DenseShape mlp = (DenseShape) spec;
        MlpLayout layout = new MlpLayout(mlp);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int l = 0; l < layout.layers(); l++) {
            int in = mlp.layerInput(l);
            int o = mlp.layerOutput(l);
            float[] w = new float[in * o];
            VectorGemm.transpose(params, layout.weightOffset(l), in, o, w);
            out.put(prefix + "layers." + l + ".weight", Tensor.matrix(o, in, w));
            float[] b = new float[o];
            System.arraycopy(params, layout.biasOffset(l), b, 0, o);
            out.put(prefix + "layers." + l + ".bias", Tensor.vector(b));
        }
        if (mlp.classCount() > 0) {
            int rows = mlp.classCount() + 1;
            float[] table = new float[rows * mlp.width()];
            System.arraycopy(params, layout.classTableOffset(), table, 0, table.length);
            out.put(prefix + "class_embedding.weight", Tensor.matrix(rows, mlp.width(), table));
        }
        return out;
    }

    /**
     * The flat parameter vector from named tensors; every expected tensor must be present with exactly its shape.
     *
     * @throws CheckpointFormatException naming the missing or misshapen tensor
     */
    public static float[] fromTensors(ModelSpec spec, Map<String, Tensor> tensors, String prefix, String source) {
        ParameterLayout named = Models.layoutOf(spec);
        if (named != null) {
            return fromNamedSlices(named, tensors, prefix, source);
        }
        DenseShape mlp = (DenseShape) spec;
        MlpLayout layout = new MlpLayout(mlp);
        int layers = layout.layers();
        float[][] weights = new float[layers][];
        float[][] biases = new float[layers][];
        for (int l = 0; l < layers; l++) {
            weights[l] = require(tensors, prefix + "layers." + l + ".weight",
                    new long[] {mlp.layerOutput(l), mlp.layerInput(l)}, source);
            biases[l] = require(tensors, prefix + "layers." + l + ".bias", new long[] {mlp.layerOutput(l)}, source);
        }
        float[] table = mlp.classCount() == 0 ? null : require(tensors, prefix + "class_embedding.weight",
                new long[] {mlp.classCount() + 1, mlp.width()}, source);
        // every tensor is present with its exact shape, so this allocation is bounded by what the file holds
        float[] params = new float[layout.size()];
        for (int l = 0; l < layers; l++) {
            VectorGemm.transpose(weights[l], 0, mlp.layerOutput(l), mlp.layerInput(l), params,
                    layout.weightOffset(l));
            System.arraycopy(biases[l], 0, params, layout.biasOffset(l), biases[l].length);
        }
        if (table != null) {
            System.arraycopy(table, 0, params, layout.classTableOffset(), table.length);
        }
        return params;
    }

    /** An image model's tensors as laid out in memory: convolutions {@code [kh, kw, in, out]}, dense {@code [in, out]}. */
    private static Map<String, Tensor> namedSlices(ParameterLayout layout, float[] params, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (ParameterLayout.Slice s : layout.slices()) {
            long[] shape = java.util.Arrays.stream(s.shape()).asLongStream().toArray();
            out.put(prefix + s.name(), new Tensor(shape, java.util.Arrays.copyOfRange(params, s.offset(),
                    s.offset() + s.size())));
        }
        return out;
    }

    private static float[] fromNamedSlices(ParameterLayout layout, Map<String, Tensor> tensors, String prefix,
                                           String source) {
        List<float[]> parts = new java.util.ArrayList<>();
        for (ParameterLayout.Slice s : layout.slices()) {
            parts.add(require(tensors, prefix + s.name(), java.util.Arrays.stream(s.shape()).asLongStream().toArray(),
                    source));
        }
        float[] params = new float[layout.size()];
        for (int i = 0; i < parts.size(); i++) {
            ParameterLayout.Slice s = layout.slices().get(i);
            System.arraycopy(parts.get(i), 0, params, s.offset(), s.size());
        }
        return params;
    }

    private static float[] require(Map<String, Tensor> tensors, String name, long[] shape, String source) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new CheckpointFormatException(source + ": tensor '" + name + "' is missing");
        }
        if (!java.util.Arrays.equals(t.shape(), shape)) {
            throw new CheckpointFormatException(source + ": tensor '" + name + "' has shape "
                    + java.util.Arrays.toString(t.shape()) + ", the model needs " + java.util.Arrays.toString(shape));
        }
        return t.data();
    }
}
