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
        checkTarget(file);
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        // not Files.createTempFile: its owner-only permissions would carry over to the target
        Path tmp = dir.resolve(temporaryPrefix(target) + Long.toHexString(System.nanoTime()) + ".tmp");
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
     * target that is not a regular file the owner may write.
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
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException(file + ": its folder " + dir + " does not exist");
        }
        requireReplaceable(file, target);
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

    /** The name prefix of the temporary files written for {@code target}: {@code .NAME.}. */
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
