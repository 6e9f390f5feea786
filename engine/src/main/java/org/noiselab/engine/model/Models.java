package org.noiselab.engine.model;

/** Builds models from their specs. */
public final class Models {

    private Models() {
    }

    /** A freshly initialised model. */
    public static TrainableDenoiser initialise(ModelSpec spec, long seed) {
        if (spec instanceof MlpSpec mlp) {
            return MlpDenoiser.initialise(mlp, seed);
        }
        throw new IllegalArgumentException("unknown model spec " + spec);
    }

    /** A model holding a copy of the given parameters. */
    public static TrainableDenoiser withParameters(ModelSpec spec, float[] parameters) {
        if (spec instanceof MlpSpec mlp) {
            return MlpDenoiser.of(mlp, parameters);
        }
        throw new IllegalArgumentException("unknown model spec " + spec);
    }
}
