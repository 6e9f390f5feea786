package org.noiselab.engine.objective;

import java.util.SplittableRandom;
import org.noiselab.engine.data.TrainingBatch;
import org.noiselab.engine.model.TrainableModel;

/**
 * The sum of two objectives: each runs its own forward and backward pass; the parameter gradients are added. Used for
 * "ITD + CDL" and "DDPM + CDL".
 */
public final class CompositeLoss implements DiffusionLoss {

    private final ObjectiveSpec spec;
    private final DiffusionLoss first;
    private final DiffusionLoss second;
    private float[] saved = new float[0];

    public CompositeLoss(ObjectiveSpec spec, DiffusionLoss first, DiffusionLoss second) {
        this.spec = spec;
        this.first = first;
        this.second = second;
    }

    @Override
    public ObjectiveSpec spec() {
        return spec;
    }

    @Override
    public double lossAndGradient(TrainableModel model, TrainingBatch batch, SplittableRandom rng) {
        double a = first.lossAndGradient(model, batch, rng);
        float[] g = model.gradients();
        if (saved.length != g.length) {
            saved = new float[g.length];
        }
        System.arraycopy(g, 0, saved, 0, g.length);
        double b = second.lossAndGradient(model, batch, rng);
        for (int i = 0; i < g.length; i++) {
            g[i] += saved[i];
        }
        return a + b;
    }
}
