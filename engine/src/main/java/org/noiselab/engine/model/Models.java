package org.noiselab.engine.model;

import org.jspecify.annotations.Nullable;

import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.engine.schedule.ScheduleSpec;

/** Builds models from their specs. */
public final class Models {

    private Models() {
    }

    /** A freshly initialised model. */
    public static TrainableModel initialise(ModelSpec spec, long seed) {
        if (spec instanceof MlpSpec mlp) {
            return MlpDenoiser.initialise(mlp, seed);
        } else if (spec instanceof ClassifierSpec classifier) {
            return MlpClassifier.initialise(classifier, seed);
        } else if (spec instanceof UNetSpec unet) {
            return UNetDenoiser.initialise(unet, seed);
        } else if (spec instanceof ConvClassifierSpec conv) {
            return ConvNoiseClassifier.initialise(conv, seed);
        }
        throw new IllegalArgumentException("unknown model spec " + spec);
    }

    /** A model holding a copy of the given parameters. */
    public static TrainableModel withParameters(ModelSpec spec, float[] parameters) {
        if (spec instanceof MlpSpec mlp) {
            return MlpDenoiser.of(mlp, parameters);
        } else if (spec instanceof ClassifierSpec classifier) {
            return MlpClassifier.of(classifier, parameters);
        } else if (spec instanceof UNetSpec unet) {
            return UNetDenoiser.of(unet, parameters);
        } else if (spec instanceof ConvClassifierSpec conv) {
            return ConvNoiseClassifier.of(conv, parameters);
        }
        throw new IllegalArgumentException("unknown model spec " + spec);
    }

    /**
     * The denoiser of a model: a denoising network as it is, a noise-level classifier through Theorem 3.1 of the CDM
     * paper (see {@link ClassifierDenoiser}). The view shares the model's parameters.
     */
    public static Denoiser asDenoiser(TrainableModel model, ScheduleSpec schedule) {
        if (model instanceof Denoiser denoiser) {
            return denoiser;
        } else if (model instanceof NoiseLevelClassifier classifier) {
            return new ClassifierDenoiser(classifier, NoiseSchedule.create(schedule));
        }
        throw new IllegalArgumentException("model " + model.spec().kind() + " is not a denoiser");
    }

    /** A denoiser holding a copy of the given parameters. */
    public static Denoiser denoiser(ModelSpec spec, float[] parameters, ScheduleSpec schedule) {
        return asDenoiser(withParameters(spec, parameters), schedule);
    }

    /** The named tensors of an image model's parameter vector (U-Net or convolutional classifier), else null. */
    public static org.noiselab.engine.model.layer.@Nullable ParameterLayout layoutOf(ModelSpec spec) {
        if (spec instanceof UNetSpec unet) {
            return UNetDenoiser.layoutOf(unet);
        } else if (spec instanceof ConvClassifierSpec conv) {
            return ConvNoiseClassifier.layoutOf(conv);
        }
        return null;
    }

    /** The image shape of an image model (U-Net or convolutional classifier), or null for a toy model. */
    public static org.noiselab.engine.data.@Nullable ImageShape imageShape(ModelSpec spec) {
        if (spec instanceof UNetSpec u) {
            return new org.noiselab.engine.data.ImageShape(u.channels(), u.height(), u.width());
        } else if (spec instanceof ConvClassifierSpec c) {
            return new org.noiselab.engine.data.ImageShape(c.channels(), c.height(), c.width());
        }
        return null;
    }

    /** Whether models of this spec are noise-level classifiers (trained with the CDM objective). */
    public static boolean isClassifier(ModelSpec spec) {
        return spec instanceof ClassifierSpec || spec instanceof ConvClassifierSpec;
    }
}
