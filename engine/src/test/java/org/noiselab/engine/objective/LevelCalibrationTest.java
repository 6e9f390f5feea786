package org.noiselab.engine.objective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.data.ToyTrainingData;
import org.noiselab.engine.model.ClassifierSpec;
import org.noiselab.engine.model.ExactNoiseClassifier;
import org.noiselab.engine.model.MlpClassifier;
import org.noiselab.engine.model.NoiseLevelClassifier;
import org.noiselab.engine.schedule.NoiseSchedule;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;

/**
 * Level calibration against the exact classifier of a Gaussian mixture: the exact classifier needs no offsets, the
 * exact classifier with its extreme levels shifted gets the shift back, and offsets folded into a network's read-out
 * move its logits by exactly those offsets.
 */
class LevelCalibrationTest {

    /** Cosine, so that level T is nearly pure noise and no level is separable from its neighbours, as at T = 1000. */
    private static final int T = 40;
    private static final NoiseSchedule SCHEDULE = NoiseSchedule.cosine(T);
    /** Draws per level: the offset of the last level then varies by about 0.013 nats from seed to seed. */
    private static final int PER_LEVEL = 4000;
    private static final ToyDataset DATA = ToyDatasets.byName("gauss1d-two-mode");

    @Test
    void theExactClassifierIsAlreadyCalibrated() {
        var result = LevelCalibration.solve(new ExactNoiseClassifier(DATA, SCHEDULE), SCHEDULE,
                new ToyTrainingData(DATA), PER_LEVEL, new SplittableRandom(1));
        assertThat(result.likelihoodShift()).as("shift of log p").isBetween(-0.05, 0.05);
        assertThat(result.crossEntropyAfter()).isLessThanOrEqualTo(result.crossEntropyBefore());
    }

    @Test
    void aShiftedExactClassifierGetsItsShiftBack() {
        NoiseLevelClassifier exact = new ExactNoiseClassifier(DATA, SCHEDULE);
        NoiseLevelClassifier shifted = new Shifted(exact, 0.3, -0.2);
        var result = LevelCalibration.solve(shifted, SCHEDULE, new ToyTrainingData(DATA), PER_LEVEL,
                new SplittableRandom(1));
        assertThat(result.likelihoodShift()).as("the shift of f_0 - f_{T+1} was +0.5").isBetween(-0.55, -0.45);
        assertThat(result.crossEntropyAfter()).isLessThan(result.crossEntropyBefore() - 1e-4);
        assertThat(result.converged()).as(result.describe()).isTrue();
        assertThat(result.describe()).doesNotContain("stopped");
    }

    @Test
    void foldedOffsetsMoveEveryLogitByItsOffset() {
        ClassifierSpec spec = ClassifierSpec.defaults(1, T).withWidth(16).withDepth(2);
        MlpClassifier net = MlpClassifier.initialise(spec, 3);
        double[] offsets = new double[T + 2];
        SplittableRandom rng = new SplittableRandom(4);
        for (int t = 1; t < offsets.length; t++) {
            offsets[t] = rng.nextDouble(-1, 1);
        }
        MlpClassifier folded = net.withParameters(LevelCalibration.fold(net, net.parameters(), offsets));
        float[] x = {-3f, 0.2f, 5f};
        float[] before = new float[3 * (T + 2)];
        float[] after = new float[before.length];
        net.logits(x, null, 3, before);
        folded.logits(x, null, 3, after);
        for (int i = 0; i < 3; i++) {
            for (int t = 0; t < T + 2; t++) {
                assertThat((double) after[i * (T + 2) + t] - before[i * (T + 2) + t]).isCloseTo(offsets[t],
                        org.assertj.core.data.Offset.offset(1e-5));
            }
        }
        var first = LevelCalibration.solve(net, SCHEDULE, new ToyTrainingData(DATA), 20, new SplittableRandom(9));
        var again = LevelCalibration.solve(folded, SCHEDULE, new ToyTrainingData(DATA), 20, new SplittableRandom(9));
        assertThat(again.likelihoodShift()).as("the optimum does not depend on where the network started")
                .isCloseTo(first.likelihoodShift() - (offsets[0] - offsets[T + 1]),
                        org.assertj.core.data.Offset.offset(1e-3));
    }

    @Test
    void impossibleSettingsAreRefused() {
        NoiseLevelClassifier exact = new ExactNoiseClassifier(DATA, SCHEDULE);
        assertThatThrownBy(() -> LevelCalibration.solve(exact, SCHEDULE, new ToyTrainingData(DATA), 0,
                new SplittableRandom(1))).isInstanceOf(InvalidConfigException.class);
        assertThatThrownBy(() -> LevelCalibration.solve(exact, SCHEDULE, new ToyTrainingData(DATA), 1_000_000,
                new SplittableRandom(1))).isInstanceOf(InvalidConfigException.class);
    }

    /** A classifier whose level-0 and level-(T+1) logits are moved by fixed amounts. */
    private record Shifted(NoiseLevelClassifier inner, double first, double last) implements NoiseLevelClassifier {
        @Override
        public int dim() {
            return inner.dim();
        }

        @Override
        public int levels() {
            return inner.levels();
        }

        @Override
        public int classCount() {
            return 0;
        }

        @Override
        public void logits(float[] x, int[] labels, int n, float[] out) {
            inner.logits(x, labels, n, out);
            int l = levels();
            for (int i = 0; i < n; i++) {
                out[i * l] += (float) first;
                out[i * l + l - 1] += (float) last;
            }
        }

        @Override
        public void levelGapGradient(float[] x, float[] level, int[] labels, int n, float[] out) {
            inner.levelGapGradient(x, level, labels, n, out);
        }
    }
}
