package org.noiselab.app.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.noiselab.app.viewmodel.Harness.await;
import static org.noiselab.app.viewmodel.Harness.onUi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.app.service.TorchTrainer;

/**
 * Run > Train with PyTorch...: a real, short CPU run of the twins' trainer, followed live by the lab (each checkpoint
 * opens as it lands, progress in the status), cancelled mid-run (the step reached is saved and opened), and one clear
 * error for an interpreter that is missing or has no torch. Needs a Python with torch and numpy, as the parity tests
 * do ({@code bin/install-test-packages}); none is a failure, not a skip.
 */
class TorchRunTest {

    @TempDir
    Path dir;

    private Harness h;
    private final List<Path> images = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        h = new Harness(dir.resolve("home"));
    }

    @AfterEach
    void close() {
        h.lab.stopFollowing();
        h.close();
    }

    /** The interpreter with torch: {@code $NOISELAB_PYTHON}, else python3 or /usr/bin/python3, whichever has it. */
    static String python() throws InterruptedException {
        String chosen = System.getenv("NOISELAB_PYTHON");
        StringBuilder tried = new StringBuilder();
        for (String p : chosen != null && !chosen.isBlank() ? List.of(chosen) : List.of("python3", "/usr/bin/python3")) {
            try {
                TorchTrainer.probe(p);
                return p;
            } catch (IllegalArgumentException e) {
                tried.append("\n  ").append(e.getMessage());
            }
        }
        throw new AssertionError("these tests need a Python with torch and numpy (bin/install-test-packages):" + tried);
    }

    private TorchTrainer.Request dino(String python, int steps, Path out) {
        return new TorchTrainer.Request(python, "dino", null, "ddpm", steps, false, "cpu", 1, false, 3, out);
    }

    @Test
    void aShortCpuRunIsFollowedLiveAndItsLastCheckpointOpens() throws Exception {
        Path out = dir.resolve("run");
        String python = python();
        onUi(() -> h.torch.start(dino(python, 300, out), images::add)).get(2, TimeUnit.MINUTES);
        await(() -> h.torch.statusProperty().get().contains("step "));
        assertThat(onUi(() -> h.torch.statusProperty().get())).startsWith("PyTorch (cpu): step ")
                .contains(" of 300, loss ");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (onUi(() -> h.torch.runningProperty().get()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(onUi(() -> h.torch.statusProperty().get())).startsWith("PyTorch run finished");
        // the lab follows the folder: the last checkpoint (step 300) opens, a toy model in the lab itself
        await(() -> h.lab.stepProperty().get() == 300 && h.lab.titleProperty().get().contains("step-00000300.nlab"));
        await(() -> h.lab.followingProperty().get().startsWith("followed run: finished, step 300 of 300 on cpu"));
        assertThat(h.lab.setupProperty().get().dataset()).isEqualTo("dino");
        assertThat(images).isEmpty();
        assertThat(h.torch.interpreter()).as("the interpreter that worked is remembered").isEqualTo(python);
        try (Stream<Path> saved = Files.list(out)) {
            assertThat(saved.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".nlab")))
                    .contains("step-00000030.nlab", "step-00000300.nlab").hasSize(10);
        }
        assertThat(h.dialogs.errors).isEmpty();
    }

    @Test
    void cancellingSavesTheStepReachedAndTheLabOpensIt() throws Exception {
        Path out = dir.resolve("long");
        String python = python();
        onUi(() -> h.torch.start(dino(python, 1_000_000, out), images::add)).get(2, TimeUnit.MINUTES);
        await(() -> h.torch.statusProperty().get().contains("step "));
        onUi(() -> {
            h.torch.cancel();
            return null;
        });
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (onUi(() -> h.torch.runningProperty().get()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        String status = onUi(() -> h.torch.statusProperty().get());
        assertThat(status).startsWith("PyTorch run cancelled: stopped by SIGTERM at step ");
        int reached = Integer.parseInt(status.replaceAll(".* at step (\\d+).*", "$1"));
        assertThat(reached).isPositive().isLessThan(1_000_000);
        assertThat(out.resolve(String.format("step-%08d.nlab", reached))).isRegularFile();
        await(() -> h.lab.stepProperty().get() == reached);
        assertThat(h.dialogs.errors).isEmpty();
    }

    @Test
    void aMissingInterpreterOrOneWithoutTorchIsOneClearError() throws Exception {
        Path fake = dir.resolve("python-without-torch");
        Files.writeString(fake, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String python : new String[] {dir.resolve("no-such-python").toString(), fake.toString()}) {
            h.dialogs.errors.clear();
            try {
                onUi(() -> h.torch.start(dino(python, 10, dir.resolve("never")), images::add)).get(1, TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException expected) {
                // the view model reports it
            }
            await(() -> !h.dialogs.errors.isEmpty() && !h.torch.runningProperty().get());
            assertThat(h.dialogs.errors).hasSize(1);
            assertThat(h.dialogs.errors.get(0)).startsWith("Could not start PyTorch training: Python '" + python + "'")
                    .containsAnyOf("could not be started", "has no PyTorch").doesNotContain("Exception");
        }
        assertThat(dir.resolve("never")).doesNotExist();
        assertThat(h.torch.interpreter()).as("an interpreter that failed is not remembered").isEqualTo("python3");
    }

    @Test
    void theRequestRefusesImpossibleSettingsInTheDialogsWords() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dino("python3", 0, dir))
                .hasMessage("Steps = 0: must lie in 1..100000000");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TorchTrainer.Request("python3", "dino", null,
                "ddpm", 10, false, "tpu", 1, false, 0, dir)).hasMessage("Device 'tpu': auto, cpu or cuda");
        assertThat(TorchTrainer.command(new TorchTrainer.Request("py", "mnist", Path.of("/d"), "cdm", 5, true, "cuda",
                2, true, 7, Path.of("/o")))).containsExactly("py", "-m", "noiselab_torch.launch", "--nproc", "2", "--",
                "--dataset", "mnist", "--objective", "cdm", "--steps", "5", "--device", "cuda", "--seed", "7",
                "--out", "/o", "--data", "/d", "--conditional", "--bf16");
    }
}
