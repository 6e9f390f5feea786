package org.noiselab.engine.cli;

import org.jspecify.annotations.Nullable;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.model.GuidedDenoiser;
import org.noiselab.engine.sample.SamplingRequest;
import org.noiselab.toys.ToyDataset;
import picocli.CommandLine.Option;

/** {@code --class C --guidance W}: conditional sampling and classifier-free guidance, shared by the samplers. */
final class GuidanceOptions {

    @Option(names = "--class", paramLabel = "C",
            description = "Sample class C of a conditional model (or of a labelled dataset's oracle).")
    @Nullable Integer label;

    @Option(names = "--guidance", paramLabel = "W", defaultValue = "0",
            description = "Classifier-free guidance weight w: eps = (1 + w) eps(x, C) - w eps(x, null)"
                    + " (default: ${DEFAULT-VALUE}, plain conditional sampling).")
    double weight;

    /** The denoiser to sample with: the model itself, or its guided form. */
    Denoiser denoiser(Denoiser model) {
        GuidedDenoiser.checkWeight("--guidance", weight);
        if (label == null) {
            if (weight != 0) {
                throw new InvalidConfigException("--guidance", weight, "needs --class: guidance pulls towards a class");
            }
            return model;
        }
        if (model.classCount() == 0) {
            throw new InvalidConfigException("--class", label, "the model is unconditional (train with"
                    + " --conditional, or use the oracle of a labelled dataset such as three-class)");
        }
        if (label < 0 || label >= model.classCount()) {
            throw new InvalidConfigException("--class", label, "must lie in 0.." + (model.classCount() - 1));
        }
        return weight == 0 ? model : new GuidedDenoiser(model, weight);
    }

    /** The request: every sample of the chosen class, or unconditional. */
    SamplingRequest request(int n, long seed) {
        return label == null ? SamplingRequest.of(n, seed) : SamplingRequest.ofClass(n, seed, label);
    }

    /**
     * {@code n} data points to compare samples with: draws of the chosen class (the unguided target), or of the whole
     * dataset without a class.
     */
    float[] referenceData(ToyDataset d, int n, long seed) {
        if (label == null) {
            return d.sample(n, seed).pointsAsFloats();
        }
        double[] draws = d.classMixture(label).sample(n, new java.util.SplittableRandom(seed), null);
        float[] out = new float[draws.length];
        for (int i = 0; i < draws.length; i++) {
            out[i] = (float) draws[i];
        }
        return out;
    }

    /** A short description for progress lines, empty without a class. */
    String describe() {
        return label == null ? "" : weight == 0 ? ", class " + label : ", class " + label + ", guidance " + weight;
    }
}
