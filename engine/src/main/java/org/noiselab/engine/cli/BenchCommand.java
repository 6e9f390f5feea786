package org.noiselab.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.noiselab.engine.EngineVersion;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.bench.BenchResult;
import org.noiselab.engine.bench.BenchSuite;
import org.noiselab.engine.bench.TorchPeer;
import org.noiselab.engine.io.Checkpoint;
import org.noiselab.engine.io.CheckpointIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code noiselab bench}: throughput of training, sampling and Picard, with 1 and 2 kernel threads. */
@Command(name = "bench",
        header = "Training and sampling throughput, beside the PyTorch twins measured in the same run (table, JSON).",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure training and sampling throughput (median of repeated runs after a warm-up) with each",
            "kernel thread count; with --peer, run the same benchmarks on the PyTorch twins with that interpreter's",
            "PyTorch on as many threads, and print the ratio; --json writes every run."})
final class BenchCommand implements Callable<Integer> {

    static final String SHIPPED_DINO = "org/noiselab/assets/checkpoints/dino-ddpm.nlab";

    @Spec
    CommandSpec spec;

    @Option(names = "--threads", paramLabel = "LIST", split = ",", defaultValue = "1,2",
            description = "Kernel thread counts to measure (default: ${DEFAULT-VALUE}).")
    List<Integer> threads;

    @Option(names = "--repeats", paramLabel = "N", defaultValue = "5", description = "Timed runs per benchmark (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--picard-checkpoint", paramLabel = "FILE",
            description = "Trained dino checkpoint for the Picard benchmark (default: the shipped one).")
    Path picardCheckpoint;

    /** The most Picard samples: their whole 1000-step trajectories are held at once. */
    static final int MAX_PICARD_SAMPLES = 20_000;

    @Option(names = "--picard-samples", paramLabel = "N", defaultValue = "2000", description = "Picard samples (default: ${DEFAULT-VALUE}).")
    int picardSamples;

    @Option(names = "--skip-picard", description = "Leave the Picard benchmark out.")
    boolean skipPicard;

    @Option(names = "--peer", paramLabel = "PYTHON",
            description = "A Python with PyTorch: run the same benchmarks on the PyTorch twins in this run.")
    String peer;

    @Option(names = "--json", paramLabel = "FILE", description = "Write every result as JSON.")
    Path json;

    @Option(names = "--smoke", hidden = true, description = "Tiny sizes: checks that the suite runs; not a measurement.")
    boolean smoke;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (repeats < 1 || repeats > 100) {
            throw new InvalidConfigException("--repeats", repeats, "must lie in 1..100");
        }
        for (int t : threads) {
            if (t < 1 || t > org.noiselab.engine.kernel.Parallelism.MAX_THREADS) {
                throw new InvalidConfigException("--threads", t, "must lie in 1.."
                        + org.noiselab.engine.kernel.Parallelism.MAX_THREADS);
            }
        }
        if (picardSamples < 2 || picardSamples > MAX_PICARD_SAMPLES) {
            throw new InvalidConfigException("--picard-samples", picardSamples, "must lie in 2.." + MAX_PICARD_SAMPLES);
        }
        PrintWriter out = spec.commandLine().getOut();
        TorchPeer torch = peer == null ? null : TorchPeer.check(peer);
        Checkpoint picard = skipPicard ? null : picardModel(out);
        BenchSuite suite = new BenchSuite(repeats, picard, picardSamples, smoke);
        List<BenchResult> all = new ArrayList<>();
        List<BenchResult> peers = new ArrayList<>();
        for (int t : threads) {
            out.printf("-- %d kernel thread%s%n", t, t == 1 ? "" : "s");
            all.addAll(suite.run(t, r -> print(out, r)));
            if (torch != null) {
                out.printf("-- the PyTorch peer (%s), %d thread%s%n", peer, t, t == 1 ? "" : "s");
                peers.addAll(torch.run(t, repeats, smoke, r -> print(out, r)));
            }
        }
        printTable(out, all, peers);
        if (json != null) {
            writeJson(all, peers);
            out.printf("wrote %s%n", json);
        }
        return 0;
    }

    private static void print(PrintWriter out, BenchResult r) {
        out.printf("  %-70s %10.2f %s%n", r.label().startsWith("PyTorch") ? r.name() + " (" + r.label() + ")"
                : r.label(), r.median(), r.unit());
        out.flush();
    }

    private Checkpoint picardModel(PrintWriter out) throws IOException {
        if (picardCheckpoint != null) {
            return CheckpointIO.load(picardCheckpoint);
        }
        try (InputStream in = BenchCommand.class.getClassLoader().getResourceAsStream(SHIPPED_DINO)) {
            if (in == null) {
                out.println("(no shipped dino checkpoint on the class path: Picard is skipped; use --picard-checkpoint)");
                return null;
            }
            return CheckpointIO.load(in, "dino-ddpm.nlab");
        }
    }

    private void printTable(PrintWriter out, List<BenchResult> all, List<BenchResult> peers) {
        Map<String, Map<Integer, BenchResult>> byName = byName(all);
        Map<String, Map<Integer, BenchResult>> peerByName = byName(peers);
        boolean withPeer = !peers.isEmpty();
        out.println();
        StringBuilder header = new StringBuilder(String.format("%-26s", "benchmark"));
        for (int t : threads) {
            String th = t + "t";
            header.append(String.format("%12s", "engine " + th));
            if (withPeer) {
                header.append(String.format("%12s%9s", "PyTorch " + th, "ratio"));
            }
        }
        out.println(header + "  unit");
        for (Map.Entry<String, Map<Integer, BenchResult>> e : byName.entrySet()) {
            StringBuilder line = new StringBuilder(String.format("%-26s", e.getKey()));
            String unit = "";
            for (int t : threads) {
                BenchResult r = e.getValue().get(t);
                line.append(r == null ? String.format("%12s", "-") : String.format("%12.2f", r.median()));
                unit = r == null ? unit : r.unit();
                if (withPeer) {
                    BenchResult p = peerByName.getOrDefault(e.getKey(), Map.of()).get(t);
                    line.append(p == null ? String.format("%12s%9s", "-", "-")
                            : String.format("%12.2f%8.2fx", p.median(), speedRatio(r, p)));
                }
            }
            out.println(line + "  " + unit);
        }
        out.println(withPeer ? "ratio: the engine's speed over PyTorch's on as many threads (above 1: the engine is"
                + " faster)" : "no PyTorch peer measured: --peer PYTHON runs the same benchmarks on the PyTorch twins"
                + " in this run");
        for (int t : threads) {
            BenchResult ddpm = byName.getOrDefault("train.batch256", Map.of()).get(t);
            BenchResult cdm = byName.getOrDefault("train.cdm.batch256", Map.of()).get(t);
            if (ddpm != null && cdm != null) {
                out.printf("%d thread%s: a CDM step costs %.1f DDPM steps of the same width at batch 256%n", t,
                        t == 1 ? "" : "s", ddpm.median() / cdm.median());
            }
        }
        out.flush();
    }

    /** The engine's speed over the peer's: a rate's ratio, or a time's inverse ratio. */
    static double speedRatio(BenchResult engine, BenchResult peer) {
        return engine.unit().equals("s") ? peer.median() / engine.median() : engine.median() / peer.median();
    }

    private static Map<String, Map<Integer, BenchResult>> byName(List<BenchResult> results) {
        Map<String, Map<Integer, BenchResult>> byName = new LinkedHashMap<>();
        for (BenchResult r : results) {
            byName.computeIfAbsent(r.name(), k -> new LinkedHashMap<>()).put(r.threads(), r);
        }
        return byName;
    }

    private void writeJson(List<BenchResult> all, List<BenchResult> peers) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("engineVersion", EngineVersion.get());
        root.put("measuredAt", Instant.now().toString());
        ObjectNode machine = root.putObject("machine");
        machine.put("processors", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        write(root.putArray("results"), all);
        if (!peers.isEmpty()) {
            root.put("peer", peer);
            write(root.putArray("peerResults"), peers);
        }
        mapper.writeValue(json.toFile(), root);
    }

    private static void write(ArrayNode results, List<BenchResult> list) {
        for (BenchResult r : list) {
            ObjectNode n = results.addObject();
            n.put("name", r.name());
            n.put("label", r.label());
            n.put("threads", r.threads());
            n.put("unit", r.unit());
            n.put("median", r.median());
            ArrayNode runs = n.putArray("runs");
            for (double v : r.runs()) {
                runs.add(v);
            }
        }
    }
}
