package org.noiselab.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
    @ValueSource(strings = {"train", "sample", "picard", "score-grid", "mmd", "nll", "logits", "confusion", "ablate-cdm",
        "bench", "datasets", "info", "follow"})
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
    void guidedSamplingOfALabelledOracleAndItsErrors() throws IOException {
        Path plain = dir.resolve("c.csv");
        Path guided = dir.resolve("w.csv");
        String[] base = {"sample", "--model", "oracle", "--dataset", "three-class", "--sampler", "ddim", "--steps",
            "20", "--n", "300", "--class", "0"};
        Result r0 = run(concat(base, "--out", plain.toString()));
        assertThat(r0.code).as(r0.err).isZero();
        Result r3 = run(concat(base, "--guidance", "3", "--out", guided.toString()));
        assertThat(r3.code).as(r3.err).isZero();
        assertThat(r3.out).contains("class 0, guidance 3.0");
        // guidance pushes class 0 (centred on the top, at (0, 1.5)) further from the other two classes
        assertThat(meanColumn(guided, 1)).isGreaterThan(meanColumn(plain, 1) + 0.2);

        Path picard = dir.resolve("p.csv");
        Result p = run("picard", "--model", "oracle", "--dataset", "three-class", "--steps", "50", "--n", "100",
                "--class", "1", "--guidance", "2", "--drift", "ddim", "--out", picard.toString());
        assertThat(p.code).as(p.err).isZero();

        String out = dir.resolve("x.csv").toString();
        assertThat(run("sample", "--model", "oracle", "--dataset", "three-class", "--guidance", "2", "--out", out)
                .err).contains("--class");
        Result unconditional = run("sample", "--model", "oracle", "--dataset", "dino", "--class", "0", "--out", out);
        assertThat(unconditional.code).isEqualTo(2);
        assertThat(unconditional.err).contains("unconditional");
        assertThat(run("sample", "--model", "oracle", "--dataset", "three-class", "--class", "3", "--out", out).code)
                .isEqualTo(2);
        assertThat(run("sample", "--model", "oracle", "--dataset", "three-class", "--class", "0", "--guidance", "-1",
                "--out", out).code).isEqualTo(2);
    }

    @Test
    void guidanceSweepReportsEveryClassAndWeight() throws IOException {
        Path csv = dir.resolve("sweep.csv");
        Result r = run("guidance-sweep", "--model", "oracle", "--dataset", "three-class", "--guidance", "0,3", "--n",
                "300", "--steps", "20", "--out", csv.toString());
        assertThat(r.code).as(r.err).isZero();
        List<String> rows = Files.readAllLines(csv);
        assertThat(rows).hasSize(1 + 3 * 2);
        assertThat(rows.get(0)).isEqualTo("class,class_name,w,mmd,spread,class_spread,accuracy");
        String[] plain = rows.get(1).split(",");
        String[] guided = rows.get(2).split(",");
        // guidance sharpens the class: less spread, no less accurate
        assertThat(Double.parseDouble(guided[4])).isLessThan(Double.parseDouble(plain[4]));
        assertThat(Double.parseDouble(guided[6])).isGreaterThanOrEqualTo(Double.parseDouble(plain[6]));
        Result unconditional = run("guidance-sweep", "--model", "oracle", "--dataset", "dino", "--out",
                csv.toString());
        assertThat(unconditional.code).isEqualTo(2);
        assertThat(unconditional.err).contains("unconditional");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double meanColumn(Path csv, int column) throws IOException {
        List<String> rows = Files.readAllLines(csv);
        double sum = 0;
        for (String row : rows.subList(1, rows.size())) {
            sum += Double.parseDouble(row.split(",")[column]);
        }
        return sum / (rows.size() - 1);
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
        assertThat(r.out).contains("train.batch256").contains("train.cdm.batch256").contains("sample.n100")
                .contains("no PyTorch peer measured").contains("CDM step costs").contains("sample.guided.n200")
                .contains("train.image.unet.batch64").contains("train.image.cdm.batch64").doesNotContain("PyTorch 1.");
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
        assertThat(tree.get("results")).hasSize(16);
        assertThat(tree.get("results").get(0).get("runs")).hasSize(2);
        assertThat(tree.get("results").get(0).get("median").asDouble()).isPositive();
        assertThat(tree.get("machine").get("processors").asInt()).isPositive();
    }

    @Test
    void benchMeasuresThePyTorchPeerInTheSameRunAndPrintsTheRatio() throws Exception {
        Path json = dir.resolve("peer.json");
        String python = org.noiselab.engine.testing.TorchTwin.python();
        Result r = run("bench", "--smoke", "--repeats", "1", "--threads", "1", "--skip-picard", "--peer", python,
                "--json", json.toString());
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("the PyTorch peer (" + python + "), 1 thread").contains("PyTorch 1t")
                .contains("ratio: the engine's speed over PyTorch's").doesNotContain("no PyTorch peer measured");
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
        java.util.List<String> engine = new java.util.ArrayList<>();
        tree.get("results").forEach(n -> engine.add(n.get("name").asText()));
        java.util.List<String> peer = new java.util.ArrayList<>();
        tree.get("peerResults").forEach(n -> peer.add(n.get("name").asText()));
        assertThat(peer).as("the peer runs the engine's benchmarks").containsExactlyElementsOf(engine);
        for (String name : engine) {
            assertThat(r.out).containsPattern("(?m)^" + java.util.regex.Pattern.quote(name)
                    + " +[0-9.]+ +[0-9.]+ +[0-9.]+x  ");
        }
        Result bad = run("bench", "--smoke", "--peer", dir.resolve("no-python").toString());
        assertThat(bad.code).isEqualTo(2);
        assertThat(bad.err.strip()).startsWith("noiselab: error: --peer: '").contains("could not be started")
                .doesNotContain("\n");
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
        // the oracle is its own floor: the same estimator on the same draws gives the same figure
        double floor = Double.parseDouble(r.out.replaceAll(
                "(?s).*estimator floor \\(itd with the exact denoiser on the same draws\\): (\\S+) \\+- .*", "$1"));
        assertThat(floor).isEqualTo(model);
        assertThat(r.out).contains("clip 6: log-SNR in [-21.3, 14.7]").contains("(the estimator)");
        assertThat(run("nll", "--model", "oracle", "--dataset", "dino", "--clip", "0").code).isEqualTo(2);
        assertThat(run("nll", "--model", "oracle", "--dataset", "dino", "--method", "cdm", "--clip", "4").code)
                .isEqualTo(2);
        Result skipped = run("nll", "--model", "oracle", "--dataset", "gauss1d-two-mode", "--n", "50", "--points",
                "20", "--no-floor");
        assertThat(skipped.code).as(skipped.err).isZero();
        assertThat(skipped.out).contains("estimator floor: not measured (--no-floor)");
        assertThat(run("nll", "--model", "oracle", "--dataset", "dino", "--clip", "NaN").code).isEqualTo(2);
        assertThat(run("nll", "--model", "oracle", "--dataset", "dino", "--method", "magic").code).isEqualTo(2);
        Result cdm = run("nll", "--model", "oracle", "--dataset", "dino", "--method", "cdm", "--n", "300");
        assertThat(cdm.code).as(cdm.err).isZero();
        assertThat(cdm.out).contains("one forward pass");
        java.util.regex.Matcher difference = java.util.regex.Pattern.compile("difference: ([-+0-9.]+) nats")
                .matcher(cdm.out);
        assertThat(difference.find()).as(cdm.out).isTrue();
        assertThat(Double.parseDouble(difference.group(1))).as("Theorem 3.2 on the exact classifier")
                .isCloseTo(0.0, within(5e-5));
    }

    @Test
    void classificationDiffusionModelsTrainSampleAndReportLikelihoodLogitsAndConfusion() throws IOException {
        Path ckpt = dir.resolve("cdm.nlab");
        Result train = run("train", "--dataset", "gauss1d-two-mode", "--objective", "cdm", "--ce-weight", "0.05",
                "--steps", "30", "--batch", "64", "--width", "16", "--schedule", "uniform", "--eval-samples", "0",
                "--calibrate-levels", "2", "--out", ckpt.toString());
        assertThat(train.code).as(train.err).isZero();
        assertThat(train.out).contains("level calibration (2 draws per level");
        var c = org.noiselab.engine.io.CheckpointIO.load(ckpt);
        assertThat(c.metrics()).containsKey("levelCalibrationShift");

        Path calibrated = dir.resolve("cdm-again.nlab");
        Result again = run("calibrate", "--checkpoint", ckpt.toString(), "--per-level", "3", "--out",
                calibrated.toString());
        assertThat(again.code).as(again.err).isZero();
        assertThat(again.out).contains("level calibration (3 draws per level").contains("saved");
        var recalibrated = org.noiselab.engine.io.CheckpointIO.load(calibrated);
        assertThat(recalibrated.state().parameters()).as("the raw weights stay as trained")
                .containsExactly(c.state().parameters());
        assertThat(recalibrated.state().emaParameters()).isNotEqualTo(c.state().emaParameters());
        assertThat(run("calibrate", "--checkpoint", ckpt.toString(), "--per-level", "100000", "--out",
                calibrated.toString()).err).contains("--per-level").contains("must lie in 1..");
        assertThat(run("train", "--objective", "ddpm", "--calibrate-levels", "4", "--steps", "2", "--out",
                dir.resolve("d.nlab").toString()).err).contains("applies to --objective cdm");
        assertThat(c.setup().objective()).isEqualTo(new org.noiselab.engine.objective.ObjectiveSpec.Cdm(0.05, 1));
        assertThat(c.setup().model()).isInstanceOf(org.noiselab.engine.model.ClassifierSpec.class);
        assertThat(run("info", "--checkpoint", ckpt.toString()).out).contains("objective   cdm");

        Result nll = run("nll", "--checkpoint", ckpt.toString(), "--method", "cdm", "--n", "100");
        assertThat(nll.code).as(nll.err).isZero();
        assertThat(nll.out).contains("model NLL (cdm");
        Path samples = dir.resolve("s.csv");
        Result sample = run("sample", "--checkpoint", ckpt.toString(), "--sampler", "dpm2", "--steps", "10", "--n",
                "20", "--out", samples.toString());
        assertThat(sample.code).as(sample.err).isZero();
        assertThat(Files.readAllLines(samples)).hasSize(21);

        Path logits = dir.resolve("logits.csv");
        Result lg = run("logits", "--checkpoint", ckpt.toString(), "--x", "5", "--x", "-4.5", "--t", "200,800",
                "--out", logits.toString());
        assertThat(lg.code).as(lg.err).isZero();
        List<String> rows = Files.readAllLines(logits);
        assertThat(rows.get(0)).isEqualTo("x,t,level,model_logp,exact_logp");
        assertThat(rows).hasSize(1 + 2 * 2 * 1002);
        assertThat(rows.get(1)).startsWith("5.0,200,0,");

        Path confusion = dir.resolve("confusion.csv");
        Result cf = run("confusion", "--checkpoint", ckpt.toString(), "--n", "500", "--bins", "10", "--out",
                confusion.toString());
        assertThat(cf.code).as(cf.err).isZero();
        assertThat(cf.out).contains("accuracy").contains("exact");
        assertThat(Files.readAllLines(confusion)).hasSize(1 + 2 * 100);

        Path ddpm = dir.resolve("ddpm.nlab");
        assertThat(run("train", "--dataset", "gauss1d-two-mode", "--steps", "5", "--batch", "16", "--width", "8",
                "--eval-samples", "0", "--out", ddpm.toString()).code).isZero();
        Result wrong = run("logits", "--checkpoint", ddpm.toString(), "--x", "1", "--out", logits.toString());
        assertThat(wrong.code).isEqualTo(2);
        assertThat(wrong.err).contains("denoising network").contains("--objective cdm");
        assertThat(run("logits", "--checkpoint", ckpt.toString(), "--x", "1,2", "--out", logits.toString()).code)
                .isEqualTo(2);
        assertThat(run("logits", "--checkpoint", ckpt.toString(), "--x", "1", "--t", "1002", "--out",
                logits.toString()).code).isEqualTo(2);
        assertThat(run("train", "--objective", "cdm", "--ce-weight", "0", "--mse-weight", "0", "--out",
                dir.resolve("z.nlab").toString()).code).isEqualTo(2);
    }

    @Test
    void theCdmAblationTrainsThreeModelsAndWritesItsTable() throws IOException {
        Path out = dir.resolve("ablation");
        Result r = run("ablate-cdm", "--dataset", "gauss1d-two-mode", "--steps", "5", "--batch", "16", "--eval", "40",
                "--calibrate-levels", "4", "--out-dir", out.toString());
        assertThat(r.code).as(r.err).isZero();
        assertThat(out.resolve("ablation.md")).exists();
        List<String> csv = Files.readAllLines(out.resolve("ablation.csv"));
        assertThat(csv).hasSize(8);
        String[] names = {"ce-only", "mse-only", "both"};
        for (int v = 0; v < 3; v++) {
            String[] trained = csv.get(1 + 2 * v).split(",", -1);
            String[] calibrated = csv.get(2 + 2 * v).split(",", -1);
            assertThat(trained[0]).isEqualTo(names[v]);
            assertThat(calibrated[0]).isEqualTo(names[v] + " calibrated");
            // calibration moves one offset per level: the input gradient, so the eps error, stays
            assertThat(Double.parseDouble(calibrated[5])).as(names[v])
                    .isCloseTo(Double.parseDouble(trained[5]), within(1e-4 * Double.parseDouble(trained[5])));
            assertThat(out.resolve("gauss1d-two-mode-" + names[v] + "-calibrated.nlab")).exists();
        }
        // the exact classifier's row: Theorem 3.2 gives the exact NLL, its curves are monotone and are the reference
        String[] exact = csv.get(7).split(",", -1);
        assertThat(exact[0]).isEqualTo("exact");
        assertThat(Double.parseDouble(exact[7])).isCloseTo(Double.parseDouble(exact[8]), within(1e-6));
        assertThat(Double.parseDouble(exact[9])).isEqualTo(1.0);
        assertThat(Double.parseDouble(exact[10])).isEqualTo(0.0);
        assertThat(out.resolve("gauss1d-two-mode-both.nlab")).exists();
        assertThat(run("ablate-cdm", "--calibrate-levels", "-1", "--out-dir", out.toString()).code).isEqualTo(2);
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
