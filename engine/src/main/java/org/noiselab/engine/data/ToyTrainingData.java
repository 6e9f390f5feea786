package org.noiselab.engine.data;

import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.noiselab.toys.LabelledPoints;
import org.noiselab.toys.ToyDataset;

/** Fresh draws from a toy distribution's exact mixture at every step (an infinite training set). */
public final class ToyTrainingData implements TrainingData {

    private final ToyDataset dataset;

    public ToyTrainingData(ToyDataset dataset) {
        this.dataset = dataset;
    }

    public ToyDataset dataset() {
        return dataset;
    }

    @Override
    public String name() {
        return dataset.name();
    }

    @Override
    public int dim() {
        return dataset.dim();
    }

    @Override
    public int classCount() {
        return dataset.labelled() ? dataset.classCount() : 0;
    }

    /** Exact, from the mixture (law of total variance). */
    @Override
    public double[] variances() {
        return dataset.mixture().overallVariance();
    }

    @Override
    public void draw(int n, SplittableRandom rng, float[] x, int @Nullable [] labels) {
        LabelledPoints p = dataset.sample(n, rng);
        double[] points = p.points();
        for (int i = 0; i < points.length; i++) {
            x[i] = (float) points[i];
        }
        if (labels != null) {
            System.arraycopy(p.labels(), 0, labels, 0, n);
        }
    }
}
