package org.noiselab.engine.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A training run's folder as the PyTorch trainer ({@code python -m noiselab_torch.train --out DIR}) writes it:
 * {@code run.json} (the run's status, step, device and world size, rewritten atomically as it goes) and one
 * checkpoint per save, {@code step-NNNNNNNN.nlab}, each written atomically (a temporary file renamed into place, so a
 * listed checkpoint is always complete). Following a run means opening the newest checkpoint and looking again.
 */
public final class RunFolder {

    /** The status file's name. */
    public static final String STATUS = "run.json";
    private static final Pattern CHECKPOINT = Pattern.compile("step-(\\d{1,10})\\.nlab");
    private static final long MAX_STATUS_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What {@code run.json} says: running, finished, failed or cancelled, and where the run stands. */
    public record Status(String state, long step, long steps, String device, int worldSize, String message) {

        /** Whether the trainer has stopped (finished, failed or cancelled): no newer checkpoint will come. */
        public boolean ended() {
            return !"running".equals(state) && !"starting".equals(state);
        }
    }

    /** A checkpoint of the run and its step. */
    public record Saved(Path file, long step) {
    }

    private RunFolder() {
    }

    /** The checkpoint with the highest step, if any has been written. */
    public static Optional<Saved> newest(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a run folder (no such directory)");
        }
        Saved best = null;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "step-*.nlab")) {
            for (Path f : files) {
                Matcher m = CHECKPOINT.matcher(f.getFileName().toString());
                if (m.matches() && Files.isRegularFile(f)) {
                    long step = Long.parseLong(m.group(1));
                    if (best == null || step > best.step()) {
                        best = new Saved(f, step);
                    }
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** The run's status, or empty while the trainer has not written it yet. */
    public static Optional<Status> status(Path dir) throws IOException {
        Path file = dir.resolve(STATUS);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = BoundedRead.readAll(file, MAX_STATUS_BYTES);
        } catch (FileFormatException e) {
            throw new FileFormatException(dir.getFileName() + "/" + STATUS + ": " + e.getMessage());
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new FileFormatException(dir.getFileName() + "/" + STATUS + ": not valid JSON");
        }
        if (root == null || !root.isObject() || !root.path("status").isTextual()) {
            throw new FileFormatException(dir.getFileName() + "/" + STATUS + ": needs a \"status\" string");
        }
        return Optional.of(new Status(root.path("status").asText(), root.path("step").asLong(0),
                root.path("steps").asLong(0), root.path("device").asText("?"), root.path("worldSize").asInt(1),
                root.path("message").asText("")));
    }
}
