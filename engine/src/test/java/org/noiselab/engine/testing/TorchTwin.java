package org.noiselab.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.PythonTwins;
import org.noiselab.engine.io.Safetensors;
import org.noiselab.engine.io.Tensor;

/**
 * The engine's side of the parity tests with the PyTorch twins ({@code python/noiselab_torch}): a test writes inputs
 * (safetensors files, checkpoints) into a folder and lists cases, one Python process ({@code python3 -m
 * noiselab_torch.parity DIR}) computes every case with PyTorch, and the test compares the outputs with the engine's.
 *
 * <p>The interpreter is {@code -Dnoiselab.python=...} or {@code $NOISELAB_PYTHON} when set, otherwise the first of
 * {@code python3} and {@code /usr/bin/python3} that imports torch and numpy. None is a test failure naming the
 * packages to install ({@code bin/install-test-packages} does it), never a skip.
 */
public final class TorchTwin {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_MINUTES = 10;
    private static @Nullable String interpreter;

    private final Path directory;
    private final List<Map<String, Object>> cases = new ArrayList<>();

    /** A request written into {@code directory} (a test's temporary folder). */
    public TorchTwin(Path directory) {
        this.directory = directory;
    }

    /** The folder holding the request, its inputs and the twin's outputs. */
    public Path directory() {
        return directory;
    }

    /** Writes named tensors as {@code file} (a safetensors file) in the request's folder; returns the file name. */
    public String write(String file, Map<String, Tensor> tensors) throws IOException {
        Files.write(directory.resolve(file), Safetensors.write(tensors, Map.of()));
        return file;
    }

    /** Adds a case: {@code op} is {@code module.function} of {@code noiselab_torch.parity_ops}; args go along. */
    public void add(String name, String op, Map<String, ?> args) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("op", op);
        c.putAll(args);
        cases.add(c);
    }

    /** Runs every case in one Python process; fails the test with the twin's output if it fails. */
    public void run() throws IOException, InterruptedException {
        JSON.writeValue(directory.resolve("request.json").toFile(), Map.of("cases", cases));
        ProcessBuilder pb = new ProcessBuilder(python(), "-m", "noiselab_torch.parity", directory.toString())
                .directory(packageRoot().toFile()).redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", packageRoot().toString());
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Path log = directory.resolve("twin.log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        boolean finished = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        String output = Files.readString(log);
        assertTrue(finished, "the PyTorch twin did not finish within " + TIMEOUT_MINUTES + " minutes:\n" + output);
        assertEquals(0, p.exitValue(), "the PyTorch twin failed:\n" + output);
    }

    /** The tensors the twin returned for a case. */
    public Map<String, Tensor> outputs(String caseName) throws IOException {
        byte[] bytes = Files.readAllBytes(directory.resolve(caseName + ".out.safetensors"));
        return Safetensors.read(bytes, caseName).tensors();
    }

    /** The folder holding {@code noiselab_torch}: {@code python/} at the repository root. */
    public static Path packageRoot() {
        return PythonTwins.root().orElseThrow(() -> new AssertionError("no python/noiselab_torch above "
                + Path.of("").toAbsolutePath()));
    }

    /** The Python interpreter with torch and numpy (see the class comment); fails the test if there is none. */
    public static synchronized String python() throws IOException, InterruptedException {
        if (interpreter != null) {
            return interpreter;
        }
        List<String> candidates = new ArrayList<>();
        String chosen = System.getProperty("noiselab.python", System.getenv("NOISELAB_PYTHON"));
        if (chosen != null && !chosen.isBlank()) {
            candidates.add(chosen);
        } else {
            candidates.add("python3");
            candidates.add("/usr/bin/python3");
        }
        StringBuilder tried = new StringBuilder();
        for (String c : candidates) {
            String problem = probe(c);
            if (problem == null) {
                interpreter = c;
                return c;
            }
            tried.append("\n  ").append(c).append(": ").append(problem);
        }
        throw new AssertionError("the PyTorch parity tests need a Python 3 with torch (>= 1.13) and numpy; none found."
                + " Install them with bin/install-test-packages (Debian: apt-get install python3-torch python3-numpy)"
                + " or name an interpreter with -Dnoiselab.python=PATH. Tried:" + tried);
    }

    private static @Nullable String probe(String python) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch, numpy; print(torch.__version__)")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return "did not answer";
            }
            return p.exitValue() == 0 ? null : out.lines().reduce((a, b) -> b).orElse("exit " + p.exitValue());
        } catch (IOException e) {
            return "cannot run (" + e.getMessage() + ")";
        }
    }
}
