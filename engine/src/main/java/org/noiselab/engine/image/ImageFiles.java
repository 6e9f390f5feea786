package org.noiselab.engine.image;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.noiselab.engine.io.FileFormatException;

/** File plumbing shared by the readers: transparent gunzip, bounded reads (writers use {@code AtomicFiles}). */
final class ImageFiles {

    private static final int BUFFER = 1 << 16;

    private ImageFiles() {
    }

    /** The file's name, as error messages quote it. */
    static String nameOf(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }

    /** Opens a file for reading, gunzipping it when its first two bytes are the gzip magic {@code 1f 8b}. */
    static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        try {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                return new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER);
            }
            return raw;
        } catch (ZipException | EOFException e) {
            raw.close();
            throw corruptGzip(file, e);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * Up to {@code n} bytes, fewer only at the end of the stream. Memory grows with what is actually read, so a
     * hostile header claiming a huge size cannot force a huge allocation.
     */
    static byte[] readUpTo(InputStream in, int n, Path file) throws IOException {
        try {
            return in.readNBytes(n);
        } catch (ZipException | EOFException e) {
            throw corruptGzip(file, e);
        }
    }

    /** Whether the stream has more data. */
    static boolean hasMore(InputStream in, Path file) throws IOException {
        try {
            return in.read() >= 0;
        } catch (ZipException | EOFException e) {
            throw corruptGzip(file, e);
        }
    }

    /** A big-endian int32 from four bytes at {@code offset}. */
    static int bigEndianInt(byte[] b, int offset) {
        return (b[offset] & 0xff) << 24 | (b[offset + 1] & 0xff) << 16 | (b[offset + 2] & 0xff) << 8
                | (b[offset + 3] & 0xff);
    }

    private static FileFormatException corruptGzip(Path file, IOException e) {
        return new FileFormatException(nameOf(file) + ": corrupt or truncated gzip data (" + e.getMessage() + ")", e);
    }
}
