package org.noiselab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.model.MlpSpec;
import org.noiselab.engine.objective.ObjectiveSpec;
import org.noiselab.engine.optim.AdamWSpec;
import org.noiselab.engine.optim.LearningRateSchedule;
import org.noiselab.engine.schedule.ScheduleSpec;

class DivergenceRuleTest {

    /** The rule as its Javadoc states it, recomputed from scratch at every step. */
    private static boolean[] plainTrips(double[] losses, double factor, int steps) {
        boolean[] trips = new boolean[losses.length];
        int streak = 0;
        for (int s = 0; s < losses.length; s++) {
            double minimum = Double.POSITIVE_INFINITY;
            for (int j = 0; j < s; j++) {
                int from = Math.max(0, j - DivergenceRule.MEAN_WINDOW + 1);
                double sum = 0;
                for (int k = from; k <= j; k++) {
                    sum += losses[k];
                }
                minimum = Math.min(minimum, sum / (j - from + 1));
            }
            streak = minimum > 0 && losses[s] > factor * minimum ? streak + 1 : 0;
            trips[s] = steps > 0 && streak >= steps;
        }
        return trips;
    }

    private static boolean[] watchTrips(double[] losses, DivergenceRule rule) {
        DivergenceWatch watch = new DivergenceWatch(rule, new float[0]);
        boolean[] trips = new boolean[losses.length];
        for (int s = 0; s < losses.length; s++) {
            trips[s] = watch.observe(losses[s]);
        }
        return trips;
    }

    @Test
    void theWatchFollowsThePlainRuleStepByStep() {
        SplittableRandom rng = new SplittableRandom(11);
        int tripping = 0;
        for (int trial = 0; trial < 40; trial++) {
            double[] losses = new double[400];
            double level = 1;
            for (int s = 0; s < losses.length; s++) {
                if (rng.nextDouble() < 0.02) {
                    level *= Math.exp(rng.nextGaussian() * 2);
                }
                losses[s] = level * Math.exp(0.5 * rng.nextGaussian());
            }
            DivergenceRule rule = new DivergenceRule(2 + 8 * rng.nextDouble(), 1 + rng.nextInt(60));
            boolean[] plain = plainTrips(losses, rule.factor(), rule.steps());
            assertThat(watchTrips(losses, rule)).as("trial %d", trial).containsExactly(plain);
            tripping += contains(plain) ? 1 : 0;
        }
        assertThat(tripping).as("trials in which the rule tripped").isBetween(5, 35);
    }

    @Test
    void aStreakOfExactlyTheStatedLengthTripsAndOneStepShorterDoesNot() {
        double[] losses = new double[300];
        java.util.Arrays.fill(losses, 1.0);
        for (int s = 100; s < 199; s++) {
            losses[s] = 20;
        }
        assertThat(contains(watchTrips(losses, DivergenceRule.DEFAULT))).isFalse();
        losses[199] = 20;
        boolean[] trips = watchTrips(losses, DivergenceRule.DEFAULT);
        assertThat(firstTrip(trips)).isEqualTo(199);
        assertThat(contains(watchTrips(losses, DivergenceRule.NON_FINITE_ONLY))).isFalse();
    }

    @Test
    void oneLuckyBatchDoesNotSetTheMinimumAndSpikesDoNotTrip() {
        double[] losses = new double[2000];
        java.util.Arrays.fill(losses, 1.0);
        losses[50] = 1e-6;
        for (int s = 300; s < 2000; s += 7) {
            losses[s] = 1e12;
        }
        for (int s = 1000; s < 1500; s++) {
            losses[s] = 5;
        }
        assertThat(contains(watchTrips(losses, DivergenceRule.DEFAULT))).isFalse();
        double[] negative = new double[500];
        java.util.Arrays.fill(negative, -1.0);
        negative[0] = -2;
        assertThat(contains(watchTrips(negative, new DivergenceRule(1.5, 5)))).isFalse();
    }

    @Test
    void impossibleSettingsAreRefusedInTheOptionsWords() {
        assertThatThrownBy(() -> new DivergenceRule(1, 100)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("--diverge-factor");
        assertThatThrownBy(() -> new DivergenceRule(Double.NaN, 100)).hasMessageContaining("--diverge-factor");
        assertThatThrownBy(() -> new DivergenceRule(Double.POSITIVE_INFINITY, 100))
                .hasMessageContaining("--diverge-factor");
        assertThatThrownBy(() -> new DivergenceRule(10, -1)).hasMessageContaining("--diverge-steps");
    }

    /** Dino at a learning rate of 9.9 without warm-up or clipping: the loss leaves the rule within a few steps. */
    private static TrainingSetup explodingSetup() {
        TrainingConfig config = new TrainingConfig(600, 128, LearningRateSchedule.constant(9.9),
                AdamWSpec.DEFAULT.withClipNorm(0), 0.99);
        return new TrainingSetup("dino", MlpSpec.defaults(2).withWidth(32), ScheduleSpec.parse("linear", 1000),
                new ObjectiveSpec.Ddpm(), config, RunSeeds.from(7));
    }

    @Test
    void anExplodingRunStopsAndGoesBackToItsLastGoodSnapshot() {
        TrainingSetup setup = explodingSetup();
        TrainingSession s = TrainingSession.start(setup);
        s.useDivergenceRule(new DivergenceRule(10, 40));
        List<Double> losses = new ArrayList<>();
        TrainingOutcome outcome = TrainingLoop.run(s, new TrainingControl(), List.of(new TrainingListener() {
            @Override
            public void onStep(TrainingSession session, StepReport report) {
                losses.add(report.loss());
            }
        }));
        assertThat(outcome.status()).isEqualTo(TrainingOutcome.Status.DIVERGED);
        TrainingDivergedException e = (TrainingDivergedException) outcome.error();
        int tripped = e.step();
        assertThat(e).hasMessageContaining("running minimum").hasMessageContaining("for 40 steps");
        // the trip falls where the plain rule, run over the losses of the same run, says it does
        double[] seen = new double[tripped];
        TrainingSession replay = TrainingSession.start(setup);
        replay.useDivergenceRule(DivergenceRule.NON_FINITE_ONLY);
        TrainingLoop.run(replay, tripped, new TrainingControl(), List.of());
        float[] all = replay.lossHistory();
        for (int i = 0; i < tripped; i++) {
            seen[i] = all[i];
        }
        assertThat(firstTrip(plainTrips(seen, 10, 40))).isEqualTo(tripped - 1);
        assertThat(losses).hasSize(tripped - 1);
        // the run holds the state of its kept step, exactly as a run stopped there would
        int kept = e.keptStep();
        assertThat(kept).isLessThan(tripped - 40).isEqualTo(s.step()).isEqualTo(s.lossHistory().length);
        TrainingSession stopped = TrainingSession.start(setup);
        TrainingLoop.run(stopped, kept, new TrainingControl(), List.of());
        assertThat(s.state().parameters()).containsExactly(stopped.state().parameters());
        assertThat(s.state().emaParameters()).containsExactly(stopped.state().emaParameters());
        assertThat(s.state().secondMoment()).containsExactly(stopped.state().secondMoment());
        assertThat(s.lossHistory()).containsExactly(stopped.lossHistory());
        // and trains on from there as that run would
        s.useDivergenceRule(DivergenceRule.NON_FINITE_ONLY);
        stopped.useDivergenceRule(DivergenceRule.NON_FINITE_ONLY);
        s.trainStep();
        stopped.trainStep();
        assertThat(s.state().parameters()).containsExactly(stopped.state().parameters());
    }

    @Test
    void anAutosaveOfTheStreakIsReplacedByTheKeptWeights(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path file = dir.resolve("autosave.nlab");
        TrainingSession s = TrainingSession.start(explodingSetup());
        s.useDivergenceRule(new DivergenceRule(10, 40));
        TrainingOutcome outcome = TrainingLoop.run(s, new TrainingControl(), List.of(
                new org.noiselab.engine.io.Autosave(file, 10)));
        assertThat(outcome.status()).isEqualTo(TrainingOutcome.Status.DIVERGED);
        int kept = ((TrainingDivergedException) outcome.error()).keptStep();
        assertThat(outcome.step()).isEqualTo(kept);
        var saved = org.noiselab.engine.io.CheckpointIO.load(file);
        assertThat(saved.state().step()).isEqualTo(kept);
        assertThat(saved.state().parameters()).containsExactly(s.state().parameters());
    }

    @Test
    void aResumedRunJudgesByItsWholeHistory() {
        TrainingSetup setup = explodingSetup().withConfig(explodingSetup().config().withLearningRate(
                LearningRateSchedule.constant(2e-3)).withSteps(200));
        TrainingSession first = TrainingSession.start(setup);
        TrainingLoop.run(first, 150, new TrainingControl(), List.of());
        double[] h = new double[150];
        for (int i = 0; i < h.length; i++) {
            h[i] = first.lossHistory()[i];
        }
        double minimum = Double.POSITIVE_INFINITY;
        for (int j = 0; j < h.length; j++) {
            int from = Math.max(0, j - 9);
            double sum = 0;
            for (int k = from; k <= j; k++) {
                sum += h[k];
            }
            minimum = Math.min(minimum, sum / (j - from + 1));
        }
        TrainingSession resumed = TrainingSession.resume(setup, first.state());
        assertThat(resumed.divergenceWatch().runningMinimum()).isEqualTo(minimum);
        assertThat(resumed.divergenceRule()).isEqualTo(DivergenceRule.DEFAULT);
    }

    private static boolean contains(boolean[] v) {
        return firstTrip(v) >= 0;
    }

    private static int firstTrip(boolean[] v) {
        for (int i = 0; i < v.length; i++) {
            if (v[i]) {
                return i;
            }
        }
        return -1;
    }
}
