package org.noiselab.engine.io;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Points as CSV: a header line naming the columns, then one point per line, comma-separated. Reading is strict and
 * reports the line and the problem ("samples.csv line 17: 'abc' is not a number").
 */
public final class CsvPoints {

    /** Largest file accepted by {@link #read}. */
    public static final long MAX_BYTES = 1L << 30;

    private CsvPoints() {
    }

    /** Points read from a file, with their column names. */
    public record Table(List<String> columns, float[] values, int rows) {
        public int dim() {
            return columns.size();
        }
    }

    /** Column names {@code x}, {@code x,y}, or {@code x0..x(d-1)} for a dimension. */
    public static List<String> defaultColumns(int dim) {
        if (dim == 1) {
            return List.of("x");
        }
        if (dim == 2) {
            return List.of("x", "y");
        }
        List<String> c = new ArrayList<>();
        for (int j = 0; j < dim; j++) {
            c.add("x" + j);
        }
        return c;
    }

    /** Writes points with a header. */
    public static void write(Path file, List<String> columns, float[] points, int n) throws IOException {
        int dim = columns.size();
        AtomicFiles.writeText(file, w -> {
            w.write(String.join(",", columns));
            w.newLine();
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < n; i++) {
                line.setLength(0);
                for (int j = 0; j < dim; j++) {
                    if (j > 0) {
                        line.append(',');
                    }
                    line.append(format(points[i * dim + j]));
                }
                w.write(line.toString());
                w.newLine();
            }
        });
    }

    /** Shortest round-tripping text of a float. */
    public static String format(double v) {
        return Float.toString((float) v).toLowerCase(Locale.ROOT);
    }

    /** Reads a points file; every row must have as many finite numbers as the header has columns. */
    public static Table read(Path file) throws IOException {
        String name = file.getFileName().toString();
        try (BufferedReader r = new BufferedReader(new java.io.InputStreamReader(BoundedRead.open(file, MAX_BYTES),
                StandardCharsets.UTF_8))) {
            String header = r.readLine();
            if (header == null || header.isBlank()) {
                throw new FileFormatException(name + ": empty file (expected a header line)");
            }
            List<String> columns = List.of(header.strip().split("\\s*,\\s*"));
            for (String c : columns) {
                if (isNumber(c)) {
                    throw new FileFormatException(name + " line 1: expected a header of column names, got '"
                            + abbreviate(header) + "'");
                }
            }
            FloatList values = new FloatList();
            String line;
            int lineNo = 1;
            int rows = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.strip().split("\\s*,\\s*", -1);
                if (f.length != columns.size()) {
                    throw new FileFormatException(name + " line " + lineNo + ": expected " + columns.size()
                            + " values, got " + f.length);
                }
                for (String s : f) {
                    values.add(parse(s, name, lineNo));
                }
                rows++;
            }
            return new Table(columns, values.toArray(), rows);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new FileFormatException(name + ": not a UTF-8 text file");
        }
    }

    private static float parse(String s, String name, int lineNo) {
        try {
            float v = Float.parseFloat(s);
            if (!Float.isFinite(v)) {
                throw new FileFormatException(name + " line " + lineNo + ": '" + abbreviate(s)
                        + "' is not a finite number");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new FileFormatException(name + " line " + lineNo + ": '" + abbreviate(s)
                    + "' is not a number");
        }
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static final class FloatList {
        private float[] data = new float[1024];
        private int size;

        void add(float v) {
            if (size == data.length) {
                data = java.util.Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(data, size);
        }
    }
}
