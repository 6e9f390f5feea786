package org.noiselab.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * Every numeric option of every command, found from the commands' own definitions, at -1, 0, the largest int, 1e30,
 * NaN and infinity, on a small valid invocation of its command: each gets exit code 2 with exactly one line and no
 * stack trace, or is a value the command accepts and completes quickly with (exit 0). NaN and infinity are never
 * accepted. A case that runs past its time limit, exits 1 (an internal error, an out-of-memory among them) or prints
 * more than one line fails.
 */
class HostileOptionsIT {

    private static final List<String> VALUES = List.of("-1", "0", "2147483647", "1e30", "NaN", "Infinity");
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    private static final java.util.concurrent.atomic.AtomicInteger REJECTED = new java.util.concurrent.atomic.AtomicInteger();
    private static final List<String> ACCEPTED = new java.util.concurrent.CopyOnWriteArrayList<>();

    @org.junit.jupiter.api.AfterAll
    static void report() {
        System.out.println("HostileOptionsIT: " + REJECTED.get() + " cases refused in one line, " + ACCEPTED.size()
                + " accepted and completed: " + ACCEPTED);
    }

    private static Path out(String name) {
        return dir.resolve("out").resolve(name);
    }

    private static void ok(String... args) {
        NoiseLabCliTest.Result r = NoiseLabCliTest.run(args);
        assertThat(r.code()).as("fixture %s: %s", String.join(" ", args), r.err()).isZero();
    }

    @BeforeAll
    static void fixtures() throws IOException {
        Files.createDirectories(dir.resolve("out"));
        Path images = Files.createDirectories(dir.resolve("images"));
        ImageCommandsTest.writeTinyMnist(images);
        ok("train", "--dataset", "dino", "--steps", "3", "--batch", "8", "--width", "8", "--depth", "1",
                "--eval-samples", "0", "--out", dir.resolve("toy.nlab").toString());
        ok("train", "--dataset", "gauss1d-two-mode", "--objective", "cdm", "--steps", "3", "--batch", "8", "--width",
                "8", "--depth", "1", "--calibrate-levels", "0", "--eval-samples", "0", "--timesteps", "50", "--out",
                dir.resolve("cdm.nlab").toString());
        ok("train", "--dataset", "mnist", "--data", images.toString(), "--held-out", "8", "--steps", "2", "--batch",
                "4", "--base-channels", "8", "--conditional", "--timesteps", "20", "--out",
                dir.resolve("image.nlab").toString());
        ok("train-classifier", "--dataset", "mnist", "--data", images.toString(), "--held-out", "8", "--steps", "2",
                "--batch", "4", "--out", dir.resolve("judge.safetensors").toString());
        ok("sample", "--model", "oracle", "--dataset", "dino", "--n", "20", "--steps", "3", "--sampler", "ddim",
                "--out", dir.resolve("samples.csv").toString());
        ok("export", "--checkpoint", dir.resolve("toy.nlab").toString(), "--out",
                dir.resolve("toy.safetensors").toString());
    }

    /** A small valid invocation of each command, option by option, so that the option under test can replace one. */
    private static Map<String, List<String>> baselines() {
        String images = dir.resolve("images").toString();
        String toy = dir.resolve("toy.nlab").toString();
        String cdm = dir.resolve("cdm.nlab").toString();
        Map<String, List<String>> b = new LinkedHashMap<>();
        b.put("train", List.of("--dataset=dino", "--steps=3", "--batch=8", "--width=8", "--depth=1", "--warmup=0",
                "--eval-samples=0", "--out=" + out("train.nlab")));
        b.put("sample", List.of("--model=oracle", "--dataset=dino", "--n=4", "--steps=3", "--sampler=ddim",
                "--out=" + out("sample.csv")));
        b.put("picard", List.of("--model=oracle", "--dataset=dino", "--n=4", "--steps=8", "--out="
                + out("picard.csv")));
        b.put("score-grid", List.of("--model=oracle", "--dataset=gauss1d-two-mode", "--timesteps=50", "--nx=4",
                "--t-stride=10", "--out=" + out("grid.csv")));
        b.put("mmd", List.of("--dataset=dino", "--samples=" + dir.resolve("samples.csv")));
        b.put("nll", List.of("--model=oracle", "--dataset=gauss1d-two-mode", "--n=8", "--points=8", "--no-floor"));
        b.put("logits", List.of("--checkpoint=" + cdm, "--x=0", "--t=10", "--draws=1", "--out=" + out("logits.csv")));
        b.put("confusion", List.of("--checkpoint=" + cdm, "--n=20", "--bins=4"));
        b.put("ablate-cdm", List.of("--dataset=gauss1d-two-mode", "--steps=3", "--batch=8", "--eval=20",
                "--calibrate-levels=0", "--out-dir=" + dir.resolve("out")));
        b.put("guidance-sweep", List.of("--model=oracle", "--dataset=three-class", "--timesteps=50", "--n=4",
                "--steps=2", "--guidance=0,1", "--out=" + out("sweep.csv")));
        b.put("calibrate", List.of("--checkpoint=" + cdm, "--per-level=2", "--out=" + out("calibrated.nlab")));
        b.put("replay", List.of(toy));
        b.put("import", List.of("--safetensors=" + dir.resolve("toy.safetensors"), "--dataset=dino", "--width=8",
                "--depth=1", "--out=" + out("imported.nlab")));
        b.put("train-classifier", List.of("--dataset=mnist", "--data=" + images, "--held-out=8", "--steps=2",
                "--batch=4", "--out=" + out("judge.safetensors")));
        b.put("image-quality", List.of("--checkpoint=" + dir.resolve("image.nlab"), "--classifier="
                + dir.resolve("judge.safetensors"), "--images=mnist", "--data=" + images, "--held-out=8", "--n=4",
                "--steps=2", "--guidance=0"));
        b.put("bench", List.of("--repeats=1", "--threads=1", "--picard-samples=4", "--skip-picard", "--smoke"));
        return b;
    }

    private static boolean numeric(OptionSpec o) {
        Class<?> t = o.type();
        Class<?> element = t.isArray() ? t.getComponentType() : o.auxiliaryTypes().length > 0 && (List.class
                .isAssignableFrom(t)) ? o.auxiliaryTypes()[0] : t;
        return element == int.class || element == Integer.class || element == long.class || element == Long.class
                || element == double.class || element == Double.class || element == float.class
                || element == Float.class;
    }

    @TestFactory
    Stream<DynamicTest> everyNumericOptionOfEveryCommandIsRefusedInOneLineOrAccepted() {
        Map<String, CommandLine> commands = new CommandLine(new NoiseLabCli()).getSubcommands();
        List<DynamicTest> cases = new ArrayList<>();
        baselines().forEach((command, baseline) -> {
            assertThat(commands).as("the commands").containsKey(command);
            for (OptionSpec o : commands.get(command).getCommandSpec().options()) {
                if (!numeric(o)) {
                    continue;
                }
                String name = o.longestName();
                for (String value : VALUES) {
                    List<String> args = new ArrayList<>();
                    args.add(command);
                    baseline.stream().filter(a -> !a.startsWith(name + "=")).forEach(args::add);
                    args.add(name + "=" + value);
                    cases.add(DynamicTest.dynamicTest(command + " " + name + "=" + value, () -> check(args, value)));
                }
            }
        });
        assertThat(cases.size()).as("cases").isGreaterThan(300);
        return cases.stream();
    }

    private static void check(List<String> args, String value) {
        String line = String.join(" ", args);
        NoiseLabCliTest.Result r = Assertions.assertTimeoutPreemptively(LIMIT,
                () -> NoiseLabCliTest.run(args.toArray(String[]::new)), () -> "still running: " + line);
        if (r.code() == 0) {
            assertThat(value).as("accepted: %s", line).isNotIn("NaN", "Infinity");
            ACCEPTED.add(args.get(0) + " " + args.get(args.size() - 1));
            return;
        }
        assertThat(r.code()).as("%s%n%s", line, r.err()).isEqualTo(NoiseLabCli.EXIT_BAD_INPUT);
        assertThat(r.err().strip().lines().count()).as("%s%n%s", line, r.err()).isEqualTo(1);
        assertThat(r.err()).as(line).startsWith("noiselab: error: ").doesNotContain("\tat ")
                .doesNotContain("Exception");
        REJECTED.incrementAndGet();
    }
}
