package org.noiselab.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.model.Models;
import org.noiselab.engine.testing.Fixtures;
import org.noiselab.engine.train.TrainingSetup;
import org.noiselab.engine.train.TrainingState;

/**
 * Hostile input and hostile output targets from the command line: non-finite weights with correct digests, special
 * files read without bound, outputs onto things that are not regular writable files, and options that would allocate
 * before being checked. Each gets exit code 2, one line on standard error, and leaves what was there untouched.
 */
class HostileInputTest {

    @TempDir
    Path dir;

    private static NoiseLabCliTest.Result run(String... args) {
        return NoiseLabCliTest.run(args);
    }

    private static void assertRejected(NoiseLabCliTest.Result r, String message) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private Path checkpointWithWeight(int index, float value) throws IOException {
        TrainingSetup setup = Fixtures.smallSetup("dino", 10, 1);
        float[] params = Models.initialise(setup.model(), 1).parameters();
        float[] ema = params.clone();
        ema[index] = value;
        int p = params.length;
        TrainingState state = new TrainingState(0, params, ema, new float[p], new float[p], new float[0]);
        Path file = dir.resolve("bad-" + index + ".nlab");
        CheckpointIO.save(CheckpointIO.of(setup, state, Map.of()), file);
        return file;
    }

    @Test
    void nonFiniteOrHugeWeightsAreRefusedNamingTheTensorAndIndex() throws IOException {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, 3e38f}) {
            Path file = checkpointWithWeight(7, bad);
            String what = Float.isNaN(bad) ? "NaN" : Float.isInfinite(bad) ? "+Infinity" : "3.0E38 (beyond";
            // flat parameter 7 is an element of the first layer's weight, stored in PyTorch's [out, in] layout
            assertRejected(run("info", "--checkpoint", file.toString()),
                    "ema.safetensors: tensor 'layers.0.weight' holds " + what);
            assertRejected(run("sample", "--checkpoint", file.toString(), "--steps", "5", "--n", "10", "--out",
                    dir.resolve("s.csv").toString()), "ema.safetensors: tensor '");
            assertThat(dir.resolve("s.csv")).doesNotExist();
        }
        // the same file with a finite weight there opens
        assertThat(run("info", "--checkpoint", checkpointWithWeight(7, 0.5f).toString()).code()).isZero();
    }

    /** Weights inside the bound whose outputs still overflow: samples, MMD and likelihoods refuse the result. */
    @Test
    void aModelWhoseOutputIsNotFiniteGetsAnErrorNotAStatistic() throws IOException {
        TrainingSetup setup = Fixtures.smallSetup("dino", 10, 1);
        float[] params = Models.initialise(setup.model(), 1).parameters();
        java.util.Arrays.fill(params, 5e9f);
        int p = params.length;
        Path file = dir.resolve("overflowing.nlab");
        CheckpointIO.save(CheckpointIO.of(setup, new TrainingState(0, params, params.clone(), new float[p],
                new float[p], new float[0]), Map.of()), file);
        Path out = dir.resolve("s.csv");
        assertRejected(run("sample", "--checkpoint", file.toString(), "--steps", "5", "--n", "10", "--out",
                out.toString()), "not finite");
        assertThat(out).doesNotExist();
        assertRejected(run("nll", "--checkpoint", file.toString(), "--n", "20", "--points", "5"), "not finite");
        assertRejected(run("picard", "--checkpoint", file.toString(), "--steps", "20", "--n", "10", "--out",
                dir.resolve("p.csv").toString()), "non-finite");
    }

    @Test
    void specialFilesAreReadOnlyUpToTheirBound() {
        Path zero = Path.of("/dev/zero");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(zero), "needs /dev/zero");
        long start = System.nanoTime();
        assertRejected(run("import", "--safetensors", "/dev/zero", "--dataset", "dino", "--out",
                dir.resolve("i.nlab").toString()), "zero: larger than");
        assertRejected(run("mmd", "--samples", "/dev/zero", "--dataset", "dino"), "zero: larger than");
        assertRejected(run("info", "--checkpoint", "/dev/zero"), "zero");
        assertThat((System.nanoTime() - start) / 1e9).as("seconds for three bounded reads").isLessThan(60);
        assertRejected(run("mmd", "--samples", dir.toString(), "--dataset", "dino"), "is a directory");
    }

    @Test
    void outputsNeverReplaceADirectoryAFifoOrAReadOnlyFileAndCreateNoFolders() throws Exception {
        String[] sample = {"sample", "--model", "oracle", "--dataset", "dino", "--steps", "5", "--n", "10", "--out"};
        Path folder = Files.createDirectory(dir.resolve("a-folder"));
        assertRejected(run(concat(sample, folder.toString())), "not a regular file");
        assertThat(folder).isDirectory();

        Path fifo = dir.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mk.waitFor()).isZero();
        assertRejected(run(concat(sample, fifo.toString())), "not a regular file");
        assertThat(Files.isRegularFile(fifo)).isFalse();
        assertThat(fifo).exists();

        Path readOnly = Files.writeString(dir.resolve("kept.csv"), "x,y\n1,2\n");
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r--r--r--"));
        assertRejected(run(concat(sample, readOnly.toString())), "read-only");
        assertThat(Files.readString(readOnly)).isEqualTo("x,y\n1,2\n");

        Path missing = dir.resolve("no-such-folder").resolve("s.csv");
        assertRejected(run(concat(sample, missing.toString())), "does not exist");
        assertThat(missing.getParent()).doesNotExist();

        // and a plain target is written
        Path ok = dir.resolve("ok.csv");
        assertThat(run(concat(sample, ok.toString())).code()).isZero();
        assertThat(Files.readAllLines(ok)).hasSize(11);
    }

    @Test
    void picardChecksItsOptionsBeforeAllocating() {
        String out = dir.resolve("p.csv").toString();
        assertRejected(run("picard", "--model", "oracle", "--dataset", "dino", "--n", "2000000000", "--out", out),
                "--n");
        assertRejected(run("picard", "--model", "oracle", "--dataset", "dino", "--n", "100", "--bandwidth",
                "Infinity", "--out", out), "--bandwidth");
        assertRejected(run("mmd", "--samples", out, "--dataset", "dino", "--bandwidth", "NaN"), "--bandwidth");
    }

    /** Every numeric option of sample at -1, 0, huge, NaN and infinity: one line and exit 2, never a trace. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"--n,-1", "--n,0", "--n,99999999999999999999", "--steps,-1",
        "--steps,0", "--steps,NaN", "--eta,NaN", "--eta,Infinity", "--eta,-1", "--seed,1e400", "--guidance,Infinity",
        "--bogus,1"})
    void badNumbersGetOneLine(String option, String value) {
        assertRejected(run("sample", "--model", "oracle", "--dataset", "dino", "--sampler", "ddim", option, value,
                "--out", dir.resolve("s.csv").toString()), "noiselab: error: ");
        assertThat(dir.resolve("s.csv")).doesNotExist();
    }

    @Test
    void aHugeValueIsEchoedShortened() {
        NoiseLabCliTest.Result r = run("sample", "--model", "oracle", "--dataset", "x".repeat(100_000), "--out",
                dir.resolve("s.csv").toString());
        assertRejected(r, "noiselab: error: ");
        assertThat(r.err().length()).isLessThan(600);
    }

    private static String[] concat(String[] a, String last) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = last;
        return out;
    }

    @Test
    void aRunWhoseLossExplodesIsCalledDivergedExitsThreeAndKeepsTheLastGoodWeights() throws IOException {
        Path out = dir.resolve("exploding.nlab");
        String[] exploding = {"train", "--dataset", "dino", "--steps", "400", "--batch", "64", "--warmup", "0",
            "--lr", "9.9", "--clip", "0", "--eval-samples", "0", "--out", out.toString()};
        NoiseLabCliTest.Result r = run(exploding);
        assertThat(r.code()).as(r.err()).isEqualTo(3);
        assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("training diverged at step 101: the loss stayed above 10.0 x its running minimum")
                .contains("for 100 steps").doesNotContain("\tat ");
        var saved = CheckpointIO.load(out);
        int kept = saved.state().step();
        assertThat(kept).isLessThan(101 - 100);
        assertThat(r.out()).contains("diverged at step 101").contains("saved the last good weights (step " + kept
                + ")");
        // the same run with only non-finite values counting completes: it is the rule that stopped it
        String[] ruleOff = java.util.Arrays.copyOf(exploding, exploding.length + 2);
        ruleOff[exploding.length] = "--diverge-steps";
        ruleOff[exploding.length + 1] = "0";
        NoiseLabCliTest.Result off = run(ruleOff);
        assertThat(off.code()).as(off.err()).isZero();
        float[] losses = CheckpointIO.load(out).state().lossHistory();
        assertThat(losses).hasSize(400);
        assertThat(losses[200]).isGreaterThan(1e6f);
        assertRejected(run("train", "--dataset", "dino", "--diverge-factor", "1", "--out", out.toString()),
                "--diverge-factor");
        assertRejected(run("train", "--dataset", "dino", "--diverge-steps", "-1", "--out", out.toString()),
                "--diverge-steps");
    }

    @Test
    void rejectionsNameTheOptionAsTypedAndComeBeforeAnyOutput() throws IOException {
        Path out = dir.resolve("out.csv");
        NoiseLabCliTest.Result sweep = run("guidance-sweep", "--model", "oracle", "--dataset", "datasaurus",
                "--guidance", "0,-1", "--out", out.toString());
        assertRejected(sweep, "--guidance = -1.0: must lie in 0..1000");
        assertThat(sweep.out()).as("no table header before the error").isEmpty();
        assertRejected(run("sample", "--model", "oracle", "--dataset", "three-class", "--class", "0", "--guidance",
                "NaN", "--out", out.toString()), "--guidance': 'NaN' is not a finite number");
        assertRejected(run("train", "--lr", "100", "--out", dir.resolve("m.nlab").toString()), "--lr = 100.0");
        assertRejected(run("train", "--ema", "1", "--out", dir.resolve("m.nlab").toString()), "--ema = 1.0");
        assertRejected(run("train", "--timesteps", "0", "--out", dir.resolve("m.nlab").toString()), "--timesteps = 0");
        assertRejected(run("info", "--checkpoint", dir.toString()), dir + ": is a directory, not a file");
        assertThat(out).doesNotExist();

        Path ckpt = dir.resolve("r.nlab");
        assertThat(run("train", "--dataset", "dino", "--steps", "3", "--width", "16", "--eval-samples", "0", "--out",
                ckpt.toString()).code()).isZero();
        Path manifest = CheckpointIO.sidecar(ckpt);
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(manifest.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("dataset")).put("name", "nosuch");
        tree.put("manifestSha256", org.noiselab.engine.io.CheckpointIOTestAccess.digest(tree));
        Files.writeString(manifest, tree.toString());
        NoiseLabCliTest.Result replay = run("replay", manifest.toString());
        assertRejected(replay, "--dataset: the run trained on 'nosuch', which is not a toy dataset");
        assertThat(replay.err()).doesNotContain("null");
        assertThat(replay.out()).isEmpty();
    }
}
