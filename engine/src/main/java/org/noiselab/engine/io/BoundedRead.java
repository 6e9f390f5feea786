package org.noiselab.engine.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reading input of any kind (a regular file, a device such as {@code /dev/zero}, a pipe or FIFO) up to a bound, by
 * reading at most the bound: a file's reported size says nothing for special files, so no reader trusts it.
 */
public final class BoundedRead {

    private BoundedRead() {
    }

    /** All bytes of {@code file}, or a {@link FileFormatException} naming it once more than {@code maxBytes} arrive. */
    public static byte[] readAll(Path file, long maxBytes) throws IOException {
        try (InputStream in = open(file, maxBytes)) {
            return in.readAllBytes();
        }
    }

    /**
     * A stream over {@code file} that fails with a {@link FileFormatException} naming the file as soon as more than
     * {@code maxBytes} have been read; a directory is refused with a clear message.
     */
    public static InputStream open(Path file, long maxBytes) throws IOException {
        String name = file.toString();
        if (Files.isDirectory(file)) {
            throw new FileFormatException(name + ": is a directory, not a file");
        }
        return new Limited(Files.newInputStream(file), maxBytes, name);
    }

    private static final class Limited extends FilterInputStream {
        private final long max;
        private final String name;
        private long count;

        Limited(InputStream in, long max, String name) {
            super(in);
            this.max = max;
            this.name = name;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, (int) Math.min(len, Math.max(1, max - count + 1)));
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(long n) {
            count += n;
            if (count > max) {
                throw new FileFormatException(name + ": larger than " + max + " bytes");
            }
        }
    }
}
