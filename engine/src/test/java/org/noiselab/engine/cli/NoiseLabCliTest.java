package org.noiselab.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NoiseLabCliTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = NoiseLabCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "sample", "picard", "score-grid", "mmd", "nll", "bench", "datasets", "info"})
    void everyCommandHasHelp(String command) {
        Result r = run(command, "--help");
        assertThat(r.code).isZero();
        assertThat(r.out).contains("Usage: noiselab " + command);
    }

    @Test
    void trainSampleScoreGridAndMmdWorkTogether() throws IOException {
        Path ckpt = dir.resolve("g.nlab");
        Result train = run("train", "--dataset", "gauss1d-two-mode", "--steps", "60", "--batch", "64", "--width", "16",
                "--seed", "3", "--eval-samples", "0", "--out", ckpt.toString());
        assertThat(train.code).as(train.err).isZero();
        assertThat(train.out).contains("step      60/60").contains("saved");
        assertThat(ckpt).exists();

        Path samples = dir.resolve("s.csv");
        Result sample = run("sample", "--checkpoint", ckpt.toString(), "--sampler", "ddim", "--steps", "20", "--n",
                "50", "--seed", "1", "--out", samples.toString());
        assertThat(sample.code).as(sample.err).isZero();
        List<String> lines = Files.readAllLines(samples);
        assertThat(lines).hasSize(51);
        assertThat(lines.get(0)).isEqualTo("x");

        Path grid = dir.resolve("grid.csv");
        Result sg = run("score-grid", "--checkpoint", ckpt.toString(), "--x-min", "-30", "--x-max", "30", "--nx",
                "241", "--t-stride", "10", "--out", grid.toString());
        assertThat(sg.code).as(sg.err).isZero();
        List<String> rows = Files.readAllLines(grid);
        assertThat(rows.get(0)).isEqualTo("x,t,score_model,score_oracle,eps_model,eps_oracle");
        assertThat(rows).hasSize(1 + 241 * 100);
        assertThat(rows.get(1)).startsWith("-30.0,10,");
        assertThat(rows.get(rows.size() - 1)).startsWith("30.0,1000,");

        Result mmd = run("mmd", "--samples", samples.toString(), "--dataset", "gauss1d-two-mode");
        assertThat(mmd.code).as(mmd.err).isZero();
        assertThat(Double.parseDouble(mmd.out.strip())).isFinite();

        Result info = run("info", "--checkpoint", ckpt.toString());
        assertThat(info.out).contains("dataset     gauss1d-two-mode").contains("step 60 of 60");
    }

    @Test
    void oracleSamplingNeedsNoCheckpointAndTwoDimensionalGridsNeedAStep() throws IOException {
        Path samples = dir.resolve("o.csv");
        Result r = run("sample", "--model", "oracle", "--dataset", "dino", "--sampler", "heun", "--steps", "10",
                "--n", "20", "--out", samples.toString());
        assertThat(r.code).as(r.err).isZero();
        assertThat(Files.readAllLines(samples).get(0)).isEqualTo("x,y");

        Path grid = dir.resolve("g2.csv");
        Result missingT = run("score-grid", "--model", "oracle", "--dataset", "dino", "--out", grid.toString());
        assertThat(missingT.code).isEqualTo(2);
        assertThat(missingT.err).contains("--t");
        Result plane = run("score-grid", "--model", "oracle", "--dataset", "dino", "--t", "100", "--nx", "11",
                "--ny", "7", "--out", grid.toString());
        assertThat(plane.code).as(plane.err).isZero();
        List<String> rows = Files.readAllLines(grid);
        assertThat(rows).hasSize(1 + 77);
        assertThat(rows.get(0)).startsWith("x,y,t,score_model_x");
    }

    @Test
    void contrastiveObjectivesTrainAndRecordTheirSettings() throws IOException {
        Path ckpt = dir.resolve("cdl.nlab");
        Result train = run("train", "--dataset", "two-moons", "--objective", "ddpm+cdl", "--cdl-weight", "0.5",
                "--cdl-samples", "3", "--cdl-points", "16", "--steps", "20", "--batch", "32", "--width", "16",
                "--eval-samples", "0", "--out", ckpt.toString());
        assertThat(train.code).as(train.err).isZero();
        var c = org.noiselab.engine.io.CheckpointIO.load(ckpt);
        assertThat(c.setup().objective()).isEqualTo(new org.noiselab.engine.objective.ObjectiveSpec.DdpmCdl(
                new org.noiselab.engine.objective.ObjectiveSpec.ContrastiveSettings(0.5, 3, 16)));
        assertThat(run("info", "--checkpoint", ckpt.toString()).out).contains("objective   ddpm+cdl");
        Result itd = run("train", "--dataset", "gauss1d-two-mode", "--objective", "cdl", "--steps", "10", "--batch",
                "16", "--width", "8", "--cdl-points", "8", "--eval-samples", "0", "--out", dir.resolve("i.nlab").toString());
        assertThat(itd.code).as(itd.err).isZero();
    }

    @Test
    void benchRunsEverySuiteAndWritesJson() throws IOException {
        Path json = dir.resolve("bench.json");
        Result r = run("bench", "--smoke", "--repeats", "2", "--threads", "1,2", "--skip-picard", "--json",
                json.toString());
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("train.batch256").contains("sample.n100").contains("PyTorch 1.13");
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
        assertThat(tree.get("results")).hasSize(8);
        assertThat(tree.get("results").get(0).get("runs")).hasSize(2);
        assertThat(tree.get("results").get(0).get("median").asDouble()).isPositive();
        assertThat(tree.get("machine").get("processors").asInt()).isPositive();
    }

    @Test
    void replayReproducesTheRecordedLossCurveFromTheCheckpointAndFromItsManifest() throws IOException {
        Path ckpt = dir.resolve("r.nlab");
        assertThat(run("train", "--dataset", "eight-gaussians", "--steps", "150", "--batch", "96", "--width", "32",
                "--seed", "11", "--eval-samples", "0", "--out", ckpt.toString()).code).isZero();
        Path manifest = dir.resolve("r.manifest.json");
        assertThat(manifest).exists();
        Result fromCheckpoint = run("replay", ckpt.toString());
        assertThat(fromCheckpoint.code).as(fromCheckpoint.err).isZero();
        assertThat(fromCheckpoint.out).contains("losses differing from the record: 0 of 150")
                .contains("reproduces the recorded loss curve exactly");
        Result fromManifest = run("replay", manifest.toString());
        assertThat(fromManifest.code).isZero();
        // a manifest that records another seed does not replay to the recorded losses: the check can fail
        String text = Files.readString(manifest);
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(text);
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("seeds")).put("train", 12345L);
        tree.remove("manifestSha256");
        tree.put("manifestSha256", org.noiselab.engine.io.CheckpointIOTestAccess.digest(tree));
        Files.writeString(manifest, tree.toString());
        Result altered = run("replay", manifest.toString());
        assertThat(altered.code).isEqualTo(1);
        assertThat(altered.out).contains("DIFFERS");
    }

    @Test
    void picardWritesOneRowPerIterationAndTrajectories() throws IOException {
        Path csv = dir.resolve("picard.csv");
        Path traj = dir.resolve("traj.csv");
        Result r = run("picard", "--model", "oracle", "--dataset", "gauss1d-two-mode", "--n", "50", "--steps", "100",
                "--tol", "0.1", "--seed", "2", "--out", csv.toString(), "--trajectories", traj.toString(),
                "--track", "2");
        assertThat(r.code).as(r.err).isZero();
        List<String> rows = Files.readAllLines(csv);
        assertThat(rows.get(0)).isEqualTo("iteration,window_start,converged_steps,model_evaluations,mmd,max_residual");
        int iterations = rows.size() - 1;
        assertThat(iterations).isBetween(2, 99);
        assertThat(rows.get(iterations)).startsWith(iterations + ",").contains(",100,");
        List<String> t = Files.readAllLines(traj);
        assertThat(t.get(0)).isEqualTo("iteration,sample,slot,x");
        assertThat(t).hasSize(1 + iterations * 2 * 101);
        assertThat(r.out).contains("picard: " + iterations + " iterations");
    }

    @Test
    void nllPrintsTheModelEstimateBesideTheExactValue() {
        Result r = run("nll", "--model", "oracle", "--dataset", "gauss1d-two-mode", "--method", "itd", "--n", "200",
                "--points", "200");
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("model NLL (itd").contains("exact NLL");
        double model = Double.parseDouble(r.out.replaceAll("(?s).*?: (\\S+) \\+- .*", "$1"));
        double exact = Double.parseDouble(r.out.replaceAll("(?s).*exact NLL of the same points:\\s+(\\S+) nats.*", "$1"));
        assertThat(Math.abs(model - exact)).isLessThan(0.15);
        assertThat(run("nll", "--model", "oracle", "--dataset", "dino", "--method", "cdm").code).isEqualTo(2);
    }

    @Test
    void badInputGivesOneLineAndExitCodeTwo() throws IOException {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "x,y\n1,2\n3,abc\n");
        Path notZip = dir.resolve("junk.nlab");
        Files.writeString(notZip, "hello");
        String out = dir.resolve("x.nlab").toString();
        String[][] cases = {
            {"train", "--dataset", "dinosaur", "--out", out},
            {"train", "--steps", "-5", "--out", out},
            {"train", "--batch", "0", "--out", out},
            {"train", "--lr", "nan", "--out", out},
            {"train", "--objective", "magic", "--out", out},
            {"train", "--objective", "cdl", "--cdl-samples", "0", "--out", out},
            {"picard", "--model", "oracle", "--dataset", "dino", "--drift", "heun", "--out", "p.csv"},
            {"picard", "--model", "oracle", "--dataset", "dino", "--tol", "-1", "--out", "p.csv"},
            {"train", "--steps", "many", "--out", out},
            {"train"},
            {"sample", "--checkpoint", dir.resolve("missing.nlab").toString(), "--out", "a.csv"},
            {"sample", "--checkpoint", notZip.toString(), "--out", "a.csv"},
            {"sample", "--model", "oracle", "--out", "a.csv"},
            {"sample", "--model", "oracle", "--dataset", "dino", "--sampler", "magic", "--out", "a.csv"},
            {"sample", "--model", "oracle", "--dataset", "dino", "--steps", "5000", "--out", "a.csv"},
            {"sample", "--model", "oracle", "--dataset", "dino", "--n", "-1", "--out", "a.csv"},
            {"mmd", "--samples", bad.toString(), "--dataset", "dino"},
            {"mmd", "--samples", dir.resolve("none.csv").toString(), "--dataset", "dino"},
            {"score-grid", "--model", "oracle", "--dataset", "gauss1d-two-mode", "--t-stride", "0", "--out", "g.csv"},
            {"nonsense"},
        };
        for (String[] args : cases) {
            Result r = run(args);
            assertThat(r.code).as(String.join(" ", args) + " -> " + r.err).isEqualTo(2);
            assertThat(r.err).as(String.join(" ", args)).startsWith("noiselab: error: ").doesNotContain("\tat ");
        }
        assertThat(run("mmd", "--samples", bad.toString(), "--dataset", "dino").err).contains("line 3")
                .contains("'abc' is not a number");
    }
}
