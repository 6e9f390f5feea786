package org.noiselab.app.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PyTorch trainer ({@code python3 -m noiselab_torch.train}) as a child process: started with a {@link Request},
 * its JSON progress lines read on a thread of its own and passed to a {@link Listener}, cancelled with SIGTERM (the
 * trainer then saves the step it reached and marks its run cancelled). Several processes on one machine go through
 * {@code noiselab_torch.launch}, which gives each the environment {@code torchrun} would.
 */
public final class TorchTrainer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TorchTrainer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Lines of the trainer's error output kept for the message of a failed run. */
    private static final int KEPT_ERROR_LINES = 20;

    /** What to train, where, and with which interpreter. */
    public record Request(String python, String dataset, @Nullable Path data, String objective, int steps,
                          boolean conditional, String device, int processes, boolean bf16, int seed, Path out) {

        /**
         * Checks the request before any process starts.
         *
         * @throws IllegalArgumentException naming the field in the dialog's words
         */
        public Request {
            if (python == null || python.isBlank()) {
                throw new IllegalArgumentException("Python: name an interpreter (e.g. python3)");
            }
            if (dataset == null || dataset.isBlank()) {
                throw new IllegalArgumentException("Dataset: choose one");
            }
            if (steps < 1 || steps > 100_000_000) {
                throw new IllegalArgumentException("Steps = " + steps + ": must lie in 1..100000000");
            }
            if (processes < 1 || processes > 64) {
                throw new IllegalArgumentException("Processes = " + processes + ": must lie in 1..64");
            }
            if (!List.of("auto", "cpu", "cuda").contains(device)) {
                throw new IllegalArgumentException("Device '" + device + "': auto, cpu or cuda");
            }
        }
    }

    /** One progress report: the step reached, the budget, the recent mean loss and the speed. */
    public record Progress(long step, long steps, double loss, double stepsPerSecond) {
    }

    /** What a trainer reports, on its reader thread. */
    public interface Listener {

        /** The trainer started: its device and world size in words ({@code cpu}, {@code cuda:0 x4}). */
        void started(String words);

        /** A progress line. */
        void progress(Progress p);

        /**
         * The process ended: {@code status} is the trainer's ({@code finished}, {@code cancelled}, {@code failed}),
         * or {@code failed} when it died without saying; {@code message} is its reason, empty when none.
         */
        void ended(String status, String message);
    }

    /** What an interpreter offers: its PyTorch version and whether it sees a CUDA device. */
    public record Probe(String torchVersion, boolean cuda, int cudaDevices) {
    }

    private final Process process;
    private final Thread reader;
    private final Deque<String> errors = new ArrayDeque<>();

    private TorchTrainer(Process process, Listener listener) {
        this.process = process;
        Thread errorReader = new Thread(this::readErrors, "torch-trainer-stderr");
        errorReader.setDaemon(true);
        errorReader.start();
        this.reader = new Thread(() -> readProgress(listener, errorReader), "torch-trainer");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /**
     * Starts the trainer for {@code r}, with {@code python/} (the folder holding {@code noiselab_torch}) as its
     * working folder and module path.
     *
     * @throws IOException when the interpreter cannot be started
     */
    public static TorchTrainer start(Request r, Path pythonRoot, Listener listener) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(r)).directory(pythonRoot.toFile());
        pb.environment().put("PYTHONPATH", pythonRoot.toString());
        pb.environment().put("PYTHONUNBUFFERED", "1");
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Files.createDirectories(r.out());
        LOG.info("starting the PyTorch trainer: {}", String.join(" ", pb.command()));
        return new TorchTrainer(pb.start(), listener);
    }

    /** The command line for a request (the launcher for several processes). */
    public static List<String> command(Request r) {
        List<String> c = new ArrayList<>(List.of(r.python(), "-m"));
        if (r.processes() > 1) {
            c.addAll(List.of("noiselab_torch.launch", "--nproc", Integer.toString(r.processes()), "--"));
        } else {
            c.add("noiselab_torch.train");
        }
        c.addAll(List.of("--dataset", r.dataset(), "--objective", r.objective(), "--steps",
                Integer.toString(r.steps()), "--device", r.device(), "--seed", Integer.toString(r.seed()), "--out",
                r.out().toString()));
        if (r.data() != null) {
            c.addAll(List.of("--data", r.data().toString()));
        }
        if (r.conditional()) {
            c.add("--conditional");
        }
        if (r.bf16()) {
            c.add("--bf16");
        }
        return c;
    }

    /**
     * Asks an interpreter what PyTorch it has (a few seconds: importing torch).
     *
     * @throws IllegalArgumentException with one line a person can act on: no such interpreter, or no torch in it
     */
    public static Probe probe(String python) throws InterruptedException {
        String script = "import torch, numpy; print(torch.__version__, torch.cuda.is_available(), "
                + "torch.cuda.device_count())";
        Process p;
        try {
            p = new ProcessBuilder(python, "-c", script).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalArgumentException("Python '" + python + "' could not be started: it is not a program on"
                    + " this machine (set the interpreter in Run > Train with PyTorch...)");
        }
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            out = e.getMessage();
        }
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalArgumentException("Python '" + python + "' did not answer within 2 minutes");
        }
        String[] words = out.isEmpty() ? new String[0] : out.lines().reduce((a, b) -> b).orElse("").split(" ");
        if (p.exitValue() != 0 || words.length != 3) {
            String missing = out.contains("numpy") && !out.contains("torch") ? "numpy" : "PyTorch";
            throw new IllegalArgumentException("Python '" + python + "' has no " + missing + " (install it, e.g. pip"
                    + " install torch numpy, or on Debian apt-get install python3-torch python3-numpy)");
        }
        return new Probe(words[0], Boolean.parseBoolean(words[1].toLowerCase(Locale.ROOT)),
                Integer.parseInt(words[2]));
    }

    /** Asks the trainer to stop: it saves the step it reached and ends as {@code cancelled}. */
    public void cancel() {
        if (process.isAlive()) {
            // SIGTERM through the handle: Process.destroy would also close the output the reader is still reading
            process.toHandle().destroy();
        }
    }

    /** Whether the process still runs. */
    public boolean running() {
        return process.isAlive();
    }

    /** Waits for the process and its reader to end. */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        boolean ended = process.waitFor(timeout, unit);
        if (ended) {
            reader.join(unit.toMillis(timeout));
        }
        return ended && !reader.isAlive();
    }

    /** Stops the trainer (as {@link #cancel()}) and, if it has not ended within 10 s, kills it. */
    @Override
    public void close() {
        cancel();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void readProgress(Listener listener, Thread errorReader) {
        String status = null;
        String message = "";
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode event = parse(line);
                if (event == null) {
                    continue;
                }
                switch (event.path("event").asText()) {
                    case "start" -> {
                        LOG.info("PyTorch trainer started: {}", line);
                        listener.started(event.path("device").asText("?") + (event.path("worldSize").asInt(1) > 1
                                ? " x" + event.path("worldSize").asInt() : ""));
                    }
                    case "progress" -> listener.progress(new Progress(event.path("step").asLong(),
                            event.path("steps").asLong(), event.path("loss").asDouble(Double.NaN),
                            event.path("stepsPerSecond").asDouble()));
                    case "done", "error" -> {
                        status = event.path("status").asText("failed");
                        message = event.path("message").asText("");
                    }
                    default -> { }
                }
            }
            int code = process.waitFor();
            errorReader.join(TimeUnit.SECONDS.toMillis(5));
            if (status == null || (code != 0 && !status.equals("cancelled"))) {
                status = "failed";
                if (message.isEmpty()) {
                    message = lastError(code);
                }
            }
        } catch (IOException e) {
            status = "failed";
            message = "lost the trainer's output: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = "failed";
            message = "interrupted";
        }
        listener.ended(status, message);
    }

    private static @Nullable JsonNode parse(String line) {
        if (!line.startsWith("{")) {
            return null;
        }
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    private void readErrors() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                LOG.info("trainer: {}", line);
                synchronized (errors) {
                    errors.addLast(line);
                    if (errors.size() > KEPT_ERROR_LINES) {
                        errors.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("trainer's error output closed", e);
        }
    }

    /** The trainer's last error line (its one-line reason), or the exit code when it printed none. */
    private String lastError(int code) {
        synchronized (errors) {
            for (var it = errors.descendingIterator(); it.hasNext(); ) {
                String line = it.next().strip();
                if (!line.isEmpty()) {
                    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
                }
            }
        }
        return "the trainer exited with code " + code;
    }
}
