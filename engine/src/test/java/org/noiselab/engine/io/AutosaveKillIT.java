package org.noiselab.engine.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.kernel.Parallelism;
import org.noiselab.engine.train.TrainingControl;
import org.noiselab.engine.train.TrainingLoop;
import org.noiselab.engine.train.TrainingSession;

/**
 * A training process with autosave is killed (SIGKILL) at random moments. Whatever it left on disk must load, and
 * must be exactly one of the states it saved: its step is a multiple of the autosave interval and retraining the same
 * setup to that step reproduces its weights bit for bit.
 */
class AutosaveKillIT {

    private static final int EVERY = 25;
    private final int threadsBefore = Parallelism.threads();

    @TempDir
    Path dir;

    @AfterEach
    void restore() {
        Parallelism.setThreads(threadsBefore);
    }

    @Test
    void everyCheckpointLeftByAKilledRunIsACompleteSavedState() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("java.class.path");
        SplittableRandom rng = new SplittableRandom(7);
        List<Integer> steps = new ArrayList<>();
        for (int trial = 0; trial < 4; trial++) {
            Path out = dir.resolve("run" + trial + ".nlab");
            Process p = new ProcessBuilder(java, "--add-modules=jdk.incubator.vector", "-Dnoiselab.threads=2", "-cp",
                    classpath, "org.noiselab.engine.cli.NoiseLabCli", "train", "--dataset", "two-moons", "--steps",
                    "1000000", "--batch", "64", "--width", "32", "--autosave-every", Integer.toString(EVERY),
                    "--eval-samples", "0", "--seed", "3", "--out", out.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            // kill at a random moment after the first save (the JVM's start-up time varies with the machine's load)
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!Files.exists(out) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(rng.nextInt(1500));
            p.destroyForcibly();
            p.waitFor();
            assertThat(out).as("the first autosave of trial " + trial).exists();
            Checkpoint saved = CheckpointIO.load(out);
            int step = saved.state().step();
            assertThat(step % EVERY).isZero();
            assertThat(step).isPositive();
            steps.add(step);
            Parallelism.setThreads(2);
            TrainingSession replay = TrainingSession.start(saved.setup());
            TrainingLoop.run(replay, step, new TrainingControl(), List.of());
            assertThat(replay.state().parameters()).containsExactly(saved.state().parameters());
            assertThat(replay.lossHistory()).containsExactly(saved.state().lossHistory());
        }
        assertThat(steps).hasSize(4);
        System.out.println("killed runs left saved states at steps " + steps);
        // a kill mid-save can leave a temporary (never the checkpoint itself); the next command's start clears it
        for (int trial = 0; trial < 4; trial++) {
            Path out = dir.resolve("run" + trial + ".nlab");
            AtomicFiles.checkTarget(out);
            try (var files = Files.list(dir)) {
                assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("." + out.getFileName()
                        + "."))).isEmpty();
            }
        }
    }
}
