package org.noiselab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.noiselab.engine.data.ToyTrainingData;
import org.noiselab.engine.data.TrainingData;
import org.noiselab.engine.testing.Fixtures;
import org.noiselab.toys.ToyDatasets;

class TrainingSessionTest {

    @Test
    void lossFallsWhileTraining() {
        TrainingSession s = TrainingSession.start(Fixtures.smallSetup(ToyDatasets.GAUSS_1D, 600, 1));
        TrainingLoop.run(s, new TrainingControl(), List.of());
        float[] losses = s.lossHistory();
        assertThat(losses).hasSize(600);
        assertThat(mean(losses, 550, 600)).isLessThan(0.75 * mean(losses, 0, 50));
    }

    @Test
    void sameSeedsGiveTheSameRunAndOtherSeedsDoNot() {
        float[] a = trainLosses(Fixtures.smallSetup("dino", 40, 5));
        float[] b = trainLosses(Fixtures.smallSetup("dino", 40, 5));
        float[] c = trainLosses(Fixtures.smallSetup("dino", 40, 6));
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void resumingFromSavedStateContinuesTheSameRun() {
        TrainingSetup setup = Fixtures.smallSetup("dino", 60, 3);
        TrainingSession straight = TrainingSession.start(setup);
        TrainingLoop.run(straight, new TrainingControl(), List.of());

        TrainingSession first = TrainingSession.start(setup);
        TrainingLoop.run(first, 25, new TrainingControl(), List.of());
        TrainingSession resumed = TrainingSession.resume(setup, first.state());
        TrainingLoop.run(resumed, new TrainingControl(), List.of());

        assertThat(resumed.lossHistory()).containsExactly(straight.lossHistory());
        assertThat(resumed.model().parameters()).containsExactly(straight.model().parameters());
    }

    @Test
    void nonFiniteLossStopsTheRunAndKeepsTheLastGoodWeights() {
        TrainingSetup setup = Fixtures.smallSetup(ToyDatasets.GAUSS_1D, 500, 2);
        ToyTrainingData clean = new ToyTrainingData(ToyDatasets.byName(ToyDatasets.GAUSS_1D));
        int[] draws = {0};
        TrainingData poisoned = new TrainingData() {
            @Override
            public String name() {
                return clean.name();
            }

            @Override
            public int dim() {
                return 1;
            }

            @Override
            public int classCount() {
                return 0;
            }

            @Override
            public double[] variances() {
                return clean.variances();
            }

            @Override
            public void draw(int n, java.util.SplittableRandom rng, float[] x, int[] labels) {
                clean.draw(n, rng, x, labels);
                if (++draws[0] == 37) {
                    x[5] = Float.POSITIVE_INFINITY;
                }
            }
        };
        TrainingSession s = TrainingSession.start(setup, poisoned);
        List<float[]> snapshots = new ArrayList<>();
        TrainingOutcome outcome = TrainingLoop.run(s, new TrainingControl(), List.of(new TrainingListener() {
            @Override
            public void onStep(TrainingSession session, StepReport report) {
                snapshots.add(session.model().parameters().clone());
            }
        }));
        assertThat(outcome.status()).isEqualTo(TrainingOutcome.Status.DIVERGED);
        assertThat(outcome.step()).isEqualTo(36);
        assertThat(outcome.error()).hasMessageContaining("diverged at step 37")
                .hasMessageContaining("lower learning rate");
        assertThat(s.model().parameters()).containsExactly(snapshots.get(snapshots.size() - 1));
    }

    @Test
    void pauseSingleStepResumeAndCancelFromAnotherThread() throws Exception {
        TrainingSession s = TrainingSession.start(Fixtures.smallSetup(ToyDatasets.GAUSS_1D, 1_000_000, 4));
        TrainingControl control = new TrainingControl();
        control.pause();
        CompletableFuture<TrainingOutcome> run = CompletableFuture.supplyAsync(
                () -> TrainingLoop.run(s, control, List.of()));
        // the loop is parked at the gate before its first step: none can run without a command
        waitFor(control::isBlocked);
        assertThat(s.step()).isZero();
        control.singleStep();
        control.singleStep();
        waitFor(() -> s.step() == 2 && control.isBlocked());
        assertThat(s.step()).isEqualTo(2);
        control.resume();
        waitFor(() -> s.step() > 20);
        control.cancel();
        TrainingOutcome outcome = run.get(10, TimeUnit.SECONDS);
        assertThat(outcome.status()).isEqualTo(TrainingOutcome.Status.CANCELLED);
        assertThat(outcome.step()).isEqualTo(s.step()).isEqualTo(s.lossHistory().length);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached in time");
            }
            Thread.sleep(5);
        }
    }

    private static float[] trainLosses(TrainingSetup setup) {
        TrainingSession s = TrainingSession.start(setup);
        TrainingLoop.run(s, new TrainingControl(), List.of());
        return s.lossHistory();
    }

    private static double mean(float[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return s / (to - from);
    }
}
