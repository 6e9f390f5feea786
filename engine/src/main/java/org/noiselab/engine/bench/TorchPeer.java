package org.noiselab.engine.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.noiselab.engine.PythonTwins;

/**
 * The speed peer: the same benchmarks as {@link BenchSuite}, run by {@code python3 -m noiselab_torch.bench} on the
 * PyTorch twins with a given interpreter's PyTorch, in the same run as the engine's, so that their ratio is measured
 * on one machine at one time. The twins' package is found by {@link PythonTwins#root()}.
 *
 * @param python     the interpreter
 * @param pythonRoot the folder holding {@code noiselab_torch}
 */
public record TorchPeer(String python, Path pythonRoot) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A peer for an interpreter, checked: the package is found and the interpreter imports torch.
     *
     * @throws IllegalArgumentException with one line saying what is missing
     */
    public static TorchPeer check(String python) throws InterruptedException {
        Path root = PythonTwins.root().orElseThrow(() -> new IllegalArgumentException(
                "--peer: the PyTorch twins (python/noiselab_torch in the lab's folder) were not found"));
        Process p;
        try {
            p = new ProcessBuilder(python, "-c", "import torch, numpy").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalArgumentException("--peer: '" + python + "' could not be started (not a program here)");
        }
        drain(p);
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalArgumentException("--peer: '" + python + "' has no PyTorch and numpy (Debian: apt-get"
                    + " install python3-torch python3-numpy)");
        }
        return new TorchPeer(python, root);
    }

    /**
     * Runs every benchmark on {@code threads} PyTorch threads, reporting each result as it is done.
     *
     * @throws IOException when the peer fails (its last line of output says why)
     */
    public List<BenchResult> run(int threads, int repeats, boolean smoke, Consumer<BenchResult> progress)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python, "-m", "noiselab_torch.bench", "--threads",
                Integer.toString(threads), "--repeats", Integer.toString(repeats)));
        if (smoke) {
            command.add("--smoke");
        }
        ProcessBuilder pb = new ProcessBuilder(command).directory(pythonRoot.toFile()).redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", pythonRoot.toString());
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        Process p = pb.start();
        List<BenchResult> results = new ArrayList<>();
        String last = "";
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.startsWith("{")) {
                    last = line.isBlank() ? last : line.strip();
                    continue;
                }
                JsonNode n = JSON.readTree(line);
                double[] runs = new double[n.path("runs").size()];
                for (int i = 0; i < runs.length; i++) {
                    runs[i] = n.path("runs").get(i).asDouble();
                }
                BenchResult r = new BenchResult(n.path("name").asText(), "PyTorch " + n.path("torch").asText()
                        + " (twins)", threads, n.path("unit").asText(), runs);
                results.add(r);
                progress.accept(r);
            }
        }
        if (p.waitFor() != 0) {
            throw new IOException("the PyTorch peer failed (exit " + p.exitValue() + "): " + last);
        }
        return results;
    }

    private static void drain(Process p) {
        try {
            p.getInputStream().readAllBytes();
        } catch (IOException e) {
            // the exit code tells
        }
    }
}
