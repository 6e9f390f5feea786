package org.noiselab.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.noiselab.engine.cli.NoiseLabCliTest.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.cli.NoiseLabCliTest.Result;
import org.noiselab.engine.testing.TorchTwin;

/**
 * Models trained by the PyTorch twins' trainer ({@code python3 -m noiselab_torch.train}, on the CPU here) open in
 * the lab's CLI and pass the quality checks the engine's own models pass, measured the same way in the same run:
 * <ul>
 *   <li>dino: a full default run (20,000 steps); the MMD of 2000 DDPM samples against the dino, beside the shipped
 *       engine-trained dino's, and against a different Datasaurus shape (which must fail the bar, so the bar can);</li>
 *   <li>MNIST: the shipped engine-trained conditional U-Net continued by PyTorch ({@code --resume}) and judged at
 *       guidance w = 2 by the shipped judge, beside the same model before PyTorch touched it, and a PyTorch model
 *       trained for only a few steps (which must fail the bar);</li>
 *   <li>two processes (gloo, data parallel through {@code noiselab_torch.launch}) write a checkpoint the lab reads,
 *       recording its world size.</li>
 * </ul>
 */
class TorchTrainerIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static Path train(Path out, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(TorchTwin.python(), "-m", args[0]));
        command.addAll(List.of(args).subList(1, args.length));
        command.addAll(List.of("--out", out.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(TorchTwin.packageRoot().toFile())
                .redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", TorchTwin.packageRoot().toString());
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Path log = out.resolveSibling(out.getFileName() + ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        boolean done = p.waitFor(20, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(done).as("the trainer finished within 20 minutes:\n" + output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        try (Stream<Path> files = Files.list(out)) {
            return files.filter(f -> f.getFileName().toString().matches("step-\\d{8}\\.nlab")).sorted()
                    .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no checkpoint in " + out));
        }
    }

    private Path shipped(String name) throws IOException {
        Path file = dir.resolve(name + ".nlab");
        try (InputStream in = getClass().getResourceAsStream("/org/noiselab/assets/checkpoints/" + name + ".nlab")) {
            Files.copy(in, file);
        }
        return file;
    }

    private double mmd(Path checkpoint, String against) {
        Path samples = dir.resolve(checkpoint.getFileName() + "-samples.csv");
        if (!Files.exists(samples)) {
            Result s = run("sample", "--checkpoint", checkpoint.toString(), "--sampler", "ddpm", "--steps", "1000",
                    "--n", "2000", "--seed", "1", "--out", samples.toString());
            assertThat(s.code()).as(s.err()).isZero();
        }
        Result m = run("mmd", "--samples", samples.toString(), "--dataset", against);
        assertThat(m.code()).as(m.err()).isZero();
        return Double.parseDouble(m.out().strip());
    }

    @Test
    void aDinoTrainedByPyTorchSamplesAsWellAsTheEnginesOwn() throws Exception {
        Path torch = train(dir.resolve("dino-run"), "noiselab_torch.train", "--dataset", "dino", "--device", "cpu",
                "--seed", "0");
        Result info = run("info", "--checkpoint", torch.toString());
        assertThat(info.code()).as(info.err()).isZero();
        assertThat(torch.getFileName().toString()).isEqualTo("step-00020000.nlab");
        double mTorch = mmd(torch, "dino");
        double mEngine = mmd(shipped("dino-ddpm"), "dino");
        double wrong = mmd(torch, "star");
        // the bar: the engine's own model's MMD, doubled, with the estimator's floor at 2000 samples
        double bar = 2 * mEngine + 2e-4;
        System.out.printf(Locale.ROOT, "TorchTrainerIT dino: MMD PyTorch-trained %.3g, engine-trained (shipped) %.3g,"
                + " bar %.3g; PyTorch samples against star %.3g%n", mTorch, mEngine, bar, wrong);
        assertThat(mTorch).isLessThan(bar);
        assertThat(wrong).as("the bar tells a wrong distribution").isGreaterThan(bar);
    }

    private double accuracyAtW2(Path checkpoint) throws IOException {
        Path csv = dir.resolve(checkpoint.getFileName() + "-quality.csv");
        Result q = run("image-quality", "--checkpoint", checkpoint.toString(), "--held-out", "200", "--n", "20",
                "--steps", "25", "--guidance", "2", "--csv", csv.toString());
        assertThat(q.code()).as(q.err()).isZero();
        List<String> rows = Files.readAllLines(csv);
        assertThat(rows.get(0)).startsWith("w,class_accuracy,");
        // one row of real images (the reference), then one per guidance weight
        List<String> guided = rows.stream().filter(r -> !r.startsWith("w,") && !r.startsWith("real,")).toList();
        assertThat(guided).hasSize(1);
        assertThat(Double.parseDouble(guided.get(0).split(",")[0])).isEqualTo(2.0);
        return Double.parseDouble(guided.get(0).split(",")[1]);
    }

    @Test
    void theShippedMnistModelContinuedByPyTorchStillDrawsTheDigitsAskedFor() throws Exception {
        Path engine = shipped("mnist-conditional-ddpm");
        Path continued = train(dir.resolve("mnist-run"), "noiselab_torch.train", "--dataset", "mnist", "--resume",
                engine.toString(), "--steps", "4040", "--device", "cpu");
        Path barely = train(dir.resolve("mnist-fresh"), "noiselab_torch.train", "--dataset", "mnist",
                "--conditional", "--steps", "5", "--device", "cpu");
        JsonNode manifest = JSON.readTree(continued.resolveSibling(continued.getFileName().toString()
                .replace(".nlab", ".manifest.json")).toFile());
        assertThat(manifest.path("step").asLong()).isEqualTo(4040);
        assertThat(manifest.path("trainer").path("resumedFrom").path("step").asLong()).isEqualTo(4000);
        double before = accuracyAtW2(engine);
        double after = accuracyAtW2(continued);
        double untrained = accuracyAtW2(barely);
        System.out.printf(Locale.ROOT, "TorchTrainerIT MNIST judge accuracy at w = 2 (200 samples): engine-trained %.3f,"
                + " continued 40 steps by PyTorch %.3f, PyTorch after 5 steps %.3f%n", before, after, untrained);
        assertThat(after).isGreaterThanOrEqualTo(0.95);
        assertThat(untrained).as("the bar tells an untrained model").isLessThan(0.95);
    }

    @Test
    void twoDataParallelProcessesWriteACheckpointTheLabReads() throws Exception {
        Path ckpt = train(dir.resolve("ddp-run"), "noiselab_torch.launch", "--nproc", "2", "--", "--dataset",
                "two-moons", "--steps", "200", "--batch", "256", "--device", "cpu", "--threads", "1");
        Result info = run("info", "--checkpoint", ckpt.toString());
        assertThat(info.code()).as(info.err()).isZero();
        JsonNode run = JSON.readTree(ckpt.resolveSibling("run.json").toFile());
        assertThat(run.path("status").asText()).isEqualTo("finished");
        assertThat(run.path("worldSize").asInt()).isEqualTo(2);
        JsonNode manifest = JSON.readTree(ckpt.resolveSibling("step-00000200.manifest.json").toFile());
        assertThat(manifest.path("trainer").path("worldSize").asInt()).isEqualTo(2);
        float[] losses = org.noiselab.engine.io.CheckpointIO.load(ckpt).state().lossHistory();
        assertThat(losses).hasSize(200);
        double first = 0;
        double last = 0;
        for (int i = 0; i < 20; i++) {
            first += losses[i];
            last += losses[losses.length - 1 - i];
        }
        assertThat(last).as("the data-parallel run learns").isLessThan(0.8 * first);
    }
}
