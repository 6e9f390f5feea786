package org.noiselab.app.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.noiselab.app.viewmodel.Harness.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.app.service.RunState;
import org.noiselab.engine.io.Checkpoint;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.train.TrainingState;
import org.noiselab.toys.ToyDatasets;

class LabViewModelTest {

    @TempDir
    Path dir;

    private Harness h;

    @BeforeEach
    void open() throws Exception {
        h = new Harness(dir.resolve("home"));
        h.lab.openDefault().get(30, TimeUnit.SECONDS);
        await(() -> h.lab.setupProperty().get() != null);
    }

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void opensOnThePretrainedOneDimensionalDefault() {
        assertThat(h.lab.setupProperty().get().dataset()).isEqualTo(ToyDatasets.GAUSS_1D);
        assertThat(h.lab.stepProperty().get()).isEqualTo(20_000);
        assertThat(h.lab.stateProperty().get()).isEqualTo(RunState.FINISHED);
        assertThat(h.lab.titleProperty().get()).contains("gauss1d-two-mode").doesNotContain("*");
        assertThat(h.setup.datasetProperty().get()).isEqualTo(ToyDatasets.GAUSS_1D);
        assertThat(h.dialogs.errors).isEmpty();
    }

    @Test
    void playPauseStepAndResetDriveTheRun() throws Exception {
        h.setup.stepsProperty().set(100_000);
        h.setup.widthProperty().set(32);
        h.setup.apply();
        await(() -> h.lab.totalStepsProperty().get() == 100_000 && h.lab.stepProperty().get() == 0);

        h.lab.step();
        await(() -> h.lab.stepProperty().get() == 1);
        assertThat(h.lab.stateProperty().get()).isEqualTo(RunState.PAUSED);
        assertThat(h.lab.titleProperty().get()).endsWith("*");

        h.lab.togglePlay();
        await(() -> h.lab.runningProperty().get() && h.lab.stepProperty().get() > 50);
        h.lab.togglePlay();
        await(() -> h.lab.stateProperty().get() == RunState.PAUSED);
        // paused: the training loop has returned, and everything it queued has been delivered
        h.drain();
        int paused = h.lab.stepProperty().get();
        assertThat(h.lab.runningProperty().get()).isFalse();
        assertThat(h.lab.lossProperty().get()).isFinite();
        assertThat(h.lab.snapshotProperty().get().lossHistory()).hasSize(paused);
        assertThat(h.lab.stepsPerSecondProperty().get()).as("no speed is shown while paused").isZero();

        h.lab.reset();
        await(() -> h.lab.stepProperty().get() == 0);
        try (var kept = Files.list(h.store.home().resolve("runs"))) {
            assertThat(kept.filter(f -> f.toString().endsWith(".nlab")).count()).as("the unsaved run is kept on reset")
                    .isEqualTo(1);
        }
        assertThat(h.lab.statusProperty().get()).contains("previous run kept");
    }

    @Test
    void editedSettingsArePendingUntilANewRunOrAnOpenedRunReplacesThem() throws Exception {
        assertThat(h.setup.pendingProperty().get()).isFalse();
        h.setup.datasetProperty().set(ToyDatasets.byName("dino").name());
        assertThat(h.setup.pendingProperty().get()).as("dino chosen, the 1D run still shown").isTrue();
        h.setup.apply();
        assertThat(h.setup.pendingProperty().get()).isFalse();
        await(() -> h.lab.setupProperty().get().dataset().equals("dino"));
        h.setup.stepsProperty().set(123);
        assertThat(h.setup.pendingProperty().get()).isTrue();
        h.lab.openDefault().get(30, TimeUnit.SECONDS);
        await(() -> h.lab.setupProperty().get().dataset().equals(ToyDatasets.GAUSS_1D));
        assertThat(Harness.onUi(() -> h.setup.pendingProperty().get())).as("an opened run replaces the edits").isFalse();
        assertThat(h.setup.stepsProperty().get()).isEqualTo(20_000);
    }

    @Test
    void saveWritesTheRunAndOpenReadsItBack() throws Exception {
        Path file = dir.resolve("saved.nlab");
        h.lab.saveTo(file).get(30, TimeUnit.SECONDS);
        assertThat(file).exists();
        await(() -> !h.lab.titleProperty().get().endsWith("*") && h.lab.titleProperty().get().contains("saved.nlab"));
        assertThat(h.lab.statusProperty().get()).contains("saved saved.nlab");
        h.setup.stepsProperty().set(10);
        h.setup.apply();
        await(() -> h.lab.totalStepsProperty().get() == 10);
        assertThat(h.lab.statusProperty().get()).as("the new run is not the one saved").doesNotContain("saved");
        h.lab.open(file).get(30, TimeUnit.SECONDS);
        await(() -> h.lab.stepProperty().get() == 20_000);
        assertThat(h.dialogs.errors).isEmpty();
    }

    @Test
    void aBrokenFileGivesAShortErrorAndKeepsTheRun() throws Exception {
        Path junk = dir.resolve("junk.nlab");
        Files.writeString(junk, "not a checkpoint");
        try {
            h.lab.open(junk).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException expected) {
            // the future fails; the view model reports it
        }
        await(() -> !h.dialogs.errors.isEmpty());
        assertThat(h.dialogs.errors.get(0)).startsWith("Could not open junk.nlab").contains("not a checkpoint")
                .doesNotContain("Exception");
        assertThat(h.lab.setupProperty().get().dataset()).isEqualTo(ToyDatasets.GAUSS_1D);
        assertThat(h.lab.stepProperty().get()).isEqualTo(20_000);
    }

    @Test
    void aCheckpointWithNonFiniteWeightsIsRefusedNamingTheTensorAndTheRunIsKept() throws Exception {
        Path good = dir.resolve("good.nlab");
        h.lab.saveTo(good).get(30, TimeUnit.SECONDS);
        Checkpoint c = CheckpointIO.load(good);
        float[] ema = c.state().emaParameters();
        ema[3] = Float.NaN;
        TrainingState s = c.state();
        Path bad = dir.resolve("nan.nlab");
        CheckpointIO.save(CheckpointIO.of(c.setup(), new TrainingState(s.step(), s.parameters(), ema,
                s.firstMoment(), s.secondMoment(), s.lossHistory()), c.metrics()), bad);
        try {
            h.lab.open(bad).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException expected) {
            // reported through the dialogs
        }
        await(() -> !h.dialogs.errors.isEmpty());
        assertThat(h.dialogs.errors.get(0)).startsWith("Could not open nan.nlab").contains("ema.safetensors: tensor '")
                .contains("holds NaN");
        assertThat(h.lab.stepProperty().get()).isEqualTo(20_000);
        assertThat(h.lab.setupProperty().get().dataset()).isEqualTo(ToyDatasets.GAUSS_1D);
    }

    @Test
    void savingOntoAFolderOrAReadOnlyFileIsRefusedAndLeavesIt() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("folder.nlab"));
        Path readOnly = Files.writeString(dir.resolve("kept.nlab"), "someone else's file");
        Files.setPosixFilePermissions(readOnly, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
        for (Path target : new Path[] {folder, readOnly, dir.resolve("missing").resolve("x.nlab")}) {
            h.dialogs.errors.clear();
            try {
                h.lab.saveTo(target).get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException expected) {
                // reported through the dialogs
            }
            await(() -> !h.dialogs.errors.isEmpty());
            assertThat(h.dialogs.errors.get(0)).startsWith("Could not save " + target.getFileName())
                    .containsAnyOf("not a regular file", "read-only", "does not exist");
        }
        assertThat(folder).isDirectory().isEmptyDirectory();
        assertThat(Files.readString(readOnly)).isEqualTo("someone else's file");
        assertThat(dir.resolve("missing")).doesNotExist();
    }

    @Test
    void aRunWhoseLossExplodesIsCalledDivergedAndGoesBackToItsLastGoodWeights() throws Exception {
        h.setup.datasetProperty().set("dino");
        h.setup.stepsProperty().set(5000);
        h.setup.widthProperty().set(32);
        h.setup.learningRateProperty().set(9.9);
        h.setup.warmupProperty().set(0);
        h.setup.clipNormProperty().set(0);
        h.setup.apply();
        await(() -> h.lab.totalStepsProperty().get() == 5000 && h.lab.stepProperty().get() == 0);
        h.lab.play();
        await(() -> h.lab.stateProperty().get() == RunState.DIVERGED);
        assertThat(h.lab.statusProperty().get()).contains("training diverged at step").contains("running minimum")
                .contains("are kept");
        int kept = h.lab.stepProperty().get();
        assertThat(h.lab.statusProperty().get()).contains("the weights of step " + kept + " are kept");
        assertThat(h.lab.snapshotProperty().get().lossHistory()).hasSize(kept);
    }

    @Test
    void invalidSettingsNameTheFieldAndCannotBeApplied() {
        h.setup.batchProperty().set(0);
        assertThat(h.setup.validProperty().get()).isFalse();
        assertThat(h.setup.validationProperty().get()).startsWith("Batch = 0: ");
        assertThat(h.setup.build()).isEmpty();
        h.setup.batchProperty().set(64);
        h.setup.learningRateProperty().set(19);
        assertThat(h.setup.validationProperty().get()).startsWith("Learning rate = 19.0: ");
        h.setup.learningRateProperty().set(1e-4);
        h.setup.clipNormProperty().set(-1);
        assertThat(h.setup.validationProperty().get()).startsWith("Gradient clip = -1.0: ");
        h.setup.clipNormProperty().set(0);
        assertThat(h.setup.validProperty().get()).isTrue();
        assertThat(h.setup.validationProperty().get()).isEmpty();
    }
}
