package org.noiselab.toys;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Datasaurus Dozen (Matejka and Fitzmaurice 2017; the table shipped with tiny-diffusion and the CDL code) as exact
 * mixtures.
 *
 * <p>Each shape has 142 raw points {@code (x, y)}. The training pipeline of the CDL reference adds jitter
 * {@code N(0, 0.15^2)} to the raw coordinates, maps {@code x <- (x/54 - 1) 4}, {@code y <- (y/48 - 1) 4}, and
 * standardises each axis. Here the standardisation uses the mean and (population) standard deviation of the 142
 * scaled points, so the distribution is exactly a 142-component Gaussian mixture with per-axis standard deviations
 * {@code 0.15 * 4/54 / sd_x} and {@code 0.15 * 4/48 / sd_y}.
 */
public final class Datasaurus {

    /** The thirteen shapes, in the order of the table. */
    public static final List<String> SHAPES = List.of("dino", "away", "h_lines", "v_lines", "x_shape", "star",
            "high_lines", "dots", "circle", "bullseye", "slant_up", "slant_down", "wide_lines");

    static final double JITTER = 0.15;
    private static final String RESOURCE = "DatasaurusDozen.tsv";
    private static final Map<String, double[][]> RAW = load();

    private Datasaurus() {
    }

    /** The raw table rows {@code [x, y]} of one shape. */
    public static double[][] rawPoints(String shape) {
        double[][] rows = RAW.get(shape);
        if (rows == null) {
            throw new IllegalArgumentException("unknown Datasaurus shape '" + shape + "'; known: " + SHAPES);
        }
        double[][] copy = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            copy[i] = rows[i].clone();
        }
        return copy;
    }

    /** The exact, standardised, jittered distribution of one shape. */
    public static GaussianMixture mixture(String shape) {
        double[][] raw = rawPoints(shape);
        int n = raw.length;
        double[][] scaled = new double[n][2];
        for (int i = 0; i < n; i++) {
            scaled[i][0] = (raw[i][0] / 54 - 1) * 4;
            scaled[i][1] = (raw[i][1] / 48 - 1) * 4;
        }
        double[] scaleOfJitter = {JITTER * 4 / 54, JITTER * 4 / 48};
        double[][] means = new double[n][2];
        double[][] variances = new double[n][2];
        for (int j = 0; j < 2; j++) {
            double mean = 0;
            for (double[] p : scaled) {
                mean += p[j];
            }
            mean /= n;
            double var = 0;
            for (double[] p : scaled) {
                var += (p[j] - mean) * (p[j] - mean);
            }
            double sd = Math.sqrt(var / n);
            double componentSd = scaleOfJitter[j] / sd;
            for (int i = 0; i < n; i++) {
                means[i][j] = (scaled[i][j] - mean) / sd;
                variances[i][j] = componentSd * componentSd;
            }
        }
        return new GaussianMixture(GaussianMixture.uniformWeights(n), means, variances);
    }

    private static Map<String, double[][]> load() {
        Map<String, List<double[]>> rows = new LinkedHashMap<>();
        try (InputStream in = Datasaurus.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the toy-datasets jar");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String header = reader.readLine();
            if (header == null || !header.startsWith("dataset")) {
                throw new IllegalStateException("unexpected header in " + RESOURCE + ": " + header);
            }
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                rows.computeIfAbsent(f[0], k -> new ArrayList<>())
                        .add(new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2])});
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, double[][]> out = new LinkedHashMap<>();
        rows.forEach((k, v) -> out.put(k, v.toArray(new double[0][])));
        if (!out.keySet().containsAll(SHAPES)) {
            throw new IllegalStateException(RESOURCE + " lacks some of " + SHAPES);
        }
        return Map.copyOf(out);
    }
}
