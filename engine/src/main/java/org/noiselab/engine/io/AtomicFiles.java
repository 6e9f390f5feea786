package org.noiselab.engine.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writing a file so that a crash leaves either the old file or the complete new one: write a temporary file beside
 * it, force it to disk, rename it over the target (atomically where the file system can), force the directory.
 * Every file the engine writes for keeps (checkpoints, manifests, images, classifiers) goes through here.
 */
public final class AtomicFiles {

    /** What to write. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private static final String TEMPORARY_SUFFIX = ".tmp";
    /** How old a temporary without a process id must be to count as abandoned. */
    private static final long UNNAMED_STALE_MILLIS = 3_600_000;

    private AtomicFiles() {
    }

    /** What to write as UTF-8 text. */
    @FunctionalInterface
    public interface TextContent {
        void writeTo(java.io.BufferedWriter out) throws IOException;
    }

    /**
     * Writes {@code content} to {@code file} atomically. The file's folder must exist (nothing is created unasked),
     * and an existing target must be a regular file that its owner may write: a directory, device, pipe or FIFO, or
     * a read-only file, is never replaced. A failure (a full disk, say) names the file and leaves the old one.
     */
    public static void write(Path file, Content content) throws IOException {
        requireTarget(file);
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        // not Files.createTempFile: its owner-only permissions would carry over to the target
        Path tmp = dir.resolve(temporaryPrefix(target) + ProcessHandle.current().pid() + "."
                + Long.toHexString(System.nanoTime()) + TEMPORARY_SUFFIX);
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                content.writeTo(out);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory(dir);
            removeStaleTemporaries(target);
        } catch (IOException e) {
            throw new IOException(file + ": not written (" + e.getMessage() + ")", e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** {@link #write} for UTF-8 text. */
    public static void writeText(Path file, TextContent content) throws IOException {
        write(file, out -> {
            java.io.BufferedWriter w = new java.io.BufferedWriter(new java.io.OutputStreamWriter(out,
                    java.nio.charset.StandardCharsets.UTF_8));
            content.writeTo(w);
            w.flush();
        });
    }

    /**
     * Refuses, before any work starts, an output that {@link #write} would refuse: a missing folder, or an existing
     * target that is not a regular file the owner may write. The stale temporaries of each accepted target go.
     */
    public static void checkTargets(Path... files) throws IOException {
        for (Path f : files) {
            if (f != null) {
                checkTarget(f);
            }
        }
    }

    /** {@link #checkTargets} for one file. */
    public static void checkTarget(Path file) throws IOException {
        requireTarget(file);
        removeStaleTemporaries(file);
    }

    /** A missing folder or a target that must not be replaced is refused (a write cleans up after itself instead). */
    private static void requireTarget(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException(file + ": its folder " + dir + " does not exist");
        }
        requireReplaceable(file, target);
    }

    /**
     * Removes the temporaries of {@code file} that a process killed mid-write left beside it: those whose writing
     * process (named in the temporary's name) no longer runs, and those without a process id that are more than an hour
     * old. A temporary of a write in progress is left alone. Best effort: returns how many went.
     */
    public static int removeStaleTemporaries(Path file) {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        String prefix = temporaryPrefix(target);
        int removed = 0;
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.startsWith(prefix) && name.endsWith(TEMPORARY_SUFFIX) && Files.isRegularFile(f,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS) && stale(f, name.substring(prefix.length()))
                        && Files.deleteIfExists(f)) {
                    removed++;
                }
            }
        } catch (IOException | SecurityException e) {
            // best effort: a folder that cannot be listed leaves its temporaries for another time
        }
        return removed;
    }

    /** Whether a temporary named {@code PID.NANOS.tmp} (or, from older versions, {@code NANOS.tmp}) is abandoned. */
    private static boolean stale(Path temporary, String rest) throws IOException {
        String[] parts = rest.split("\\.");
        if (parts.length == 3 && parts[0].chars().allMatch(Character::isDigit) && !parts[0].isEmpty()
                && parts[0].length() < 19) {
            long pid = Long.parseLong(parts[0]);
            return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        }
        return Files.getLastModifiedTime(temporary).toMillis() < System.currentTimeMillis() - UNNAMED_STALE_MILLIS;
    }

    private static void requireReplaceable(Path file, Path target) throws IOException {
        if (!Files.exists(target)) {
            return;
        }
        if (!Files.isRegularFile(target)) {
            throw new IOException(file + ": exists and is not a regular file (a directory, device or pipe); "
                    + "it is not replaced");
        }
        boolean writable;
        try {
            writable = Files.getPosixFilePermissions(target).contains(
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        } catch (UnsupportedOperationException e) {
            writable = Files.isWritable(target);
        }
        if (!writable) {
            throw new IOException(file + ": is read-only; it is not replaced");
        }
    }

    /** The name prefix of the temporary files written for {@code target}: {@code .NAME.}, then {@code PID.NANOS.tmp}. */
    public static String temporaryPrefix(Path target) {
        return "." + target.getFileName() + ".";
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can sync a directory; the rename itself is still atomic
        }
    }
}
