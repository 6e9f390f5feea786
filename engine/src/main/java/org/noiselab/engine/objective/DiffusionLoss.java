package org.noiselab.engine.objective;

import java.util.SplittableRandom;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.data.TrainingBatch;
import org.noiselab.engine.model.TrainableDenoiser;
import org.noiselab.engine.model.TrainableModel;

/**
 * A training objective. Call order: {@link #lossAndGradient} once per step; it draws its own noise and noise levels
 * from {@code rng}, runs the model forward and backward, and leaves {@code dLoss/d theta} in the model's gradient
 * buffer. Implementations keep scratch buffers and belong to one training run.
 */
public interface DiffusionLoss {

    /** The spec this loss implements. */
    ObjectiveSpec spec();

    /** Computes the loss of a batch and the model's parameter gradient; returns the loss. */
    double lossAndGradient(TrainableModel model, TrainingBatch batch, SplittableRandom rng);

    /** The model as a denoising network, or a clear error for an objective that needs one. */
    static TrainableDenoiser denoiser(TrainableModel model, ObjectiveSpec objective) {
        if (model instanceof TrainableDenoiser d) {
            return d;
        }
        throw new InvalidConfigException("objective", objective.kind(), "needs a denoising network, not a "
                + model.spec().kind() + " (train a classifier with the cdm objective)");
    }
}
