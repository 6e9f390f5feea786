package org.noiselab.engine.metric;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.model.MlpSpec;
import org.noiselab.engine.model.Models;
import org.noiselab.engine.model.OracleDenoiser;
import org.noiselab.engine.objective.ObjectiveSpec;
import org.noiselab.engine.optim.AdamWSpec;
import org.noiselab.engine.optim.LearningRateSchedule;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.engine.schedule.ScheduleSpec;
import org.noiselab.engine.train.RunSeeds;
import org.noiselab.engine.train.TrainingConfig;
import org.noiselab.engine.train.TrainingControl;
import org.noiselab.engine.train.TrainingLoop;
import org.noiselab.engine.train.TrainingSession;
import org.noiselab.engine.train.TrainingSetup;
import org.noiselab.toys.GaussianMixture;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;

/**
 * A DDPM model trained briefly on the 1D two-mode Gaussian matches the exact noise prediction where the data lives:
 * on the figure-1 grid (x in [-30, 30], t = 10..1000), over the cells where the noised density is at least 5% of its
 * peak at that t, the mean squared eps error is small; an untrained network fails the same check.
 */
class ScoreGridAccuracyTest {

    private static final ToyDataset DATA = ToyDatasets.byName(ToyDatasets.GAUSS_1D);
    private static TrainingSession trained;

    @BeforeAll
    static void train() {
        TrainingConfig config = new TrainingConfig(3000, 256, new LearningRateSchedule(2e-3, 200, true, 0.05),
                AdamWSpec.DEFAULT, 0.995);
        TrainingSetup setup = new TrainingSetup(DATA.name(), MlpSpec.defaults(1).withWidth(64),
                ScheduleSpec.parse("linear", 1000), new ObjectiveSpec.Ddpm(), config, RunSeeds.from(7));
        trained = TrainingSession.start(setup);
        TrainingLoop.run(trained, new TrainingControl(), List.of());
    }

    @Test
    void trainedModelMatchesTheOracleWhereTheDataLives() {
        assertThat(dataRegionError(trained.emaDenoiser())).isLessThan(0.01);
    }

    @Test
    void untrainedModelFailsTheSameCheck() {
        Denoiser untrained = Models.asDenoiser(Models.initialise(trained.setup().model(), 99), trained.setup().schedule());
        assertThat(dataRegionError(untrained)).isGreaterThan(0.05);
    }

    private static double dataRegionError(Denoiser model) {
        NoiseSchedule schedule = trained.schedule();
        int nx = 241;
        float[] xs = new float[nx];
        for (int i = 0; i < nx; i++) {
            xs[i] = -30 + 60f * i / (nx - 1);
        }
        int[] steps = new int[100];
        for (int s = 0; s < steps.length; s++) {
            steps[s] = 10 * (s + 1);
        }
        ScoreErrorGrid grid = ScoreErrorGrid.compute(model, new OracleDenoiser(DATA), schedule, xs, nx, steps);
        double sum = 0;
        int count = 0;
        for (int s = 0; s < steps.length; s++) {
            GaussianMixture noised = DATA.mixture().noised(schedule.alphaBar(steps[s]));
            double[] density = new double[nx];
            double peak = 0;
            for (int i = 0; i < nx; i++) {
                density[i] = Math.exp(noised.logDensity(xs[i]));
                peak = Math.max(peak, density[i]);
            }
            for (int i = 0; i < nx; i++) {
                if (density[i] >= 0.05 * peak) {
                    sum += grid.squaredEpsError(s, i);
                    count++;
                }
            }
        }
        assertThat(count).isGreaterThan(1000);
        return sum / count;
    }
}
