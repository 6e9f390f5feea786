package org.noiselab.app.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.noiselab.app.viewmodel.Harness.await;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.toys.ToyDatasets;

/**
 * Following a run folder: the newest checkpoint opens, a newer one replaces it as it lands, an image model goes to
 * the image opener, the run's state shows in the status line, and a broken folder is one error.
 */
class FollowRunTest {

    @TempDir
    Path dir;

    private Harness h;
    private Path run;
    private final List<Path> images = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() throws Exception {
        h = new Harness(dir.resolve("home"));
        run = Files.createDirectories(dir.resolve("run"));
    }

    @AfterEach
    void close() {
        h.lab.stopFollowing();
        h.close();
    }

    private void shipped(String name, long step) throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/org/noiselab/assets/checkpoints/" + name + ".nlab")) {
            Path temp = run.resolve(".copy.tmp");
            Files.copy(in, temp);
            // renamed into place, as the trainer writes: a listed checkpoint is always complete
            Files.move(temp, run.resolve(String.format("step-%08d.nlab", step)));
        }
    }

    private void status(String state, long step) throws Exception {
        Files.writeString(run.resolve("run.json"), "{\"status\": \"" + state + "\", \"step\": " + step
                + ", \"steps\": 300, \"device\": \"cuda\", \"worldSize\": 2}");
    }

    @Test
    void eachNewCheckpointOpensAsItLandsUntilTheRunEnds() throws Exception {
        status("running", 100);
        shipped("dino-ddpm", 100);
        Harness.onUi(() -> {
            h.lab.follow(run, images::add);
            return null;
        });
        await(() -> h.lab.setupProperty().get() != null && ToyDatasets.DINO.equals(h.lab.setupProperty().get()
                .dataset()));
        await(() -> h.lab.statusProperty().get()
                .contains("following run: running, step 100 of 300 on cuda x2"));

        shipped("gauss1d-two-mode-ddpm", 200);
        await(() -> ToyDatasets.GAUSS_1D.equals(h.lab.setupProperty().get().dataset()));

        shipped("mnist-cdm", 300);
        status("finished", 300);
        await(() -> images.size() == 1);
        assertThat(images).containsExactly(run.resolve("step-00000300.nlab"));
        await(() -> h.lab.followingProperty().get()
                .equals("followed run: finished, step 300 of 300 on cuda x2"));
        assertThat(h.lab.setupProperty().get().dataset()).as("the image model did not replace the toy run")
                .isEqualTo(ToyDatasets.GAUSS_1D);
        assertThat(h.dialogs.errors).isEmpty();
    }

    @Test
    void aBrokenStatusFileStopsFollowingWithOneError() throws Exception {
        Files.writeString(run.resolve("run.json"), "{not json");
        Harness.onUi(() -> {
            h.lab.follow(run, images::add);
            return null;
        });
        await(() -> h.dialogs.errors.size() == 1);
        assertThat(h.dialogs.errors.get(0)).contains("Could not follow run").contains("run.json: not valid JSON");
        await(() -> h.lab.followingProperty().get().equals("stopped following run"));
    }
}
