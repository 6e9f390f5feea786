package org.noiselab.toys;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The catalogue of toy distributions, by name. Every entry is an exact Gaussian mixture (dense mixtures for curves),
 * so the oracle denoiser of each is known in closed form. Definitions are in {@code docs/DATASETS.md}.
 */
public final class ToyDatasets {

    /** The 1D default: {@code 0.5 N(-5, 1) + 0.5 N(5, 1)} (the CDL paper's figure 1). */
    public static final String GAUSS_1D = "gauss1d-two-mode";
    /** The 2D default: the standardised Datasaurus dino. */
    public static final String DINO = "dino";

    private static final Map<String, Supplier<ToyDataset>> FACTORIES = factories();
    private static final Map<String, ToyDataset> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    private ToyDatasets() {
    }

    /** All dataset names, in catalogue order. */
    public static List<String> names() {
        return List.copyOf(FACTORIES.keySet());
    }

    /** The dataset of that name. */
    public static ToyDataset byName(String name) {
        Supplier<ToyDataset> factory = FACTORIES.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("unknown dataset '" + name + "'; known datasets: "
                    + String.join(", ", names()));
        }
        return CACHE.computeIfAbsent(name, n -> factory.get());
    }

    /** Whether a dataset of that name exists. */
    public static boolean exists(String name) {
        return FACTORIES.containsKey(name);
    }

    private static Map<String, Supplier<ToyDataset>> factories() {
        Map<String, Supplier<ToyDataset>> m = new LinkedHashMap<>();
        m.put(GAUSS_1D, ToyDatasets::gauss1dTwoMode);
        for (String shape : Datasaurus.SHAPES) {
            String name = datasetName(shape);
            m.put(name, () -> ToyDataset.unlabelled(name,
                    "Datasaurus Dozen '" + shape + "' (142 points, jittered, standardised)", Datasaurus.mixture(shape)));
        }
        m.put("datasaurus", ToyDatasets::datasaurusClasses);
        m.put("eight-gaussians", ToyDatasets::eightGaussians);
        m.put("twenty-five-gaussians", ToyDatasets::twentyFiveGaussians);
        m.put("two-moons", CurveMixtures::twoMoons);
        m.put("checkerboard", CurveMixtures::checkerboard);
        m.put("swiss-roll", CurveMixtures::swissRoll);
        m.put("three-class", ToyDatasets::threeClass);
        return Collections.unmodifiableMap(m);
    }

    private static ToyDataset gauss1dTwoMode() {
        GaussianMixture m = GaussianMixture.isotropic(new double[] {0.5, 0.5}, new double[][] {{-5}, {5}}, 1.0);
        return new ToyDataset(GAUSS_1D, "0.5 N(-5, 1) + 0.5 N(5, 1)", m, new int[2], List.of(GAUSS_1D),
                new double[] {-10, 10});
    }

    private static ToyDataset eightGaussians() {
        double[][] means = new double[8][];
        for (int k = 0; k < 8; k++) {
            double a = k * Math.PI / 4;
            means[k] = new double[] {2 * Math.cos(a), 2 * Math.sin(a)};
        }
        return ToyDataset.unlabelled("eight-gaussians", "8 Gaussians on a circle of radius 2, std 0.2",
                GaussianMixture.isotropic(GaussianMixture.uniformWeights(8), means, 0.2));
    }

    private static ToyDataset twentyFiveGaussians() {
        double[][] means = new double[25][];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                means[i * 5 + j] = new double[] {i - 2, j - 2};
            }
        }
        return ToyDataset.unlabelled("twenty-five-gaussians", "5 x 5 grid of Gaussians at {-2..2}^2, std 0.1",
                GaussianMixture.isotropic(GaussianMixture.uniformWeights(25), means, 0.1));
    }

    private static ToyDataset threeClass() {
        double[][] means = new double[3][];
        for (int k = 0; k < 3; k++) {
            double a = Math.PI / 2 + k * 2 * Math.PI / 3;
            means[k] = new double[] {1.5 * Math.cos(a), 1.5 * Math.sin(a)};
        }
        GaussianMixture m = GaussianMixture.isotropic(GaussianMixture.uniformWeights(3), means, 0.6);
        return new ToyDataset("three-class", "3 overlapping Gaussians (std 0.6) at radius 1.5, one class each", m,
                new int[] {0, 1, 2}, List.of("top", "lower-left", "lower-right"), new double[] {-3.5, 3.5, -3.5, 3.5});
    }

    /** The dataset name of a Datasaurus shape ({@code h_lines} is {@code h-lines}), also its class name. */
    private static String datasetName(String shape) {
        return shape.equals("dino") ? DINO : shape.replace('_', '-');
    }

    private static ToyDataset datasaurusClasses() {
        int total = 0;
        for (String shape : Datasaurus.SHAPES) {
            total += Datasaurus.mixture(shape).components();
        }
        double[] w = new double[total];
        double[][] mu = new double[total][];
        double[][] var = new double[total][];
        int[] classes = new int[total];
        int k = 0;
        for (int c = 0; c < Datasaurus.SHAPES.size(); c++) {
            GaussianMixture shape = Datasaurus.mixture(Datasaurus.SHAPES.get(c));
            for (int i = 0; i < shape.components(); i++, k++) {
                w[k] = shape.weight(i) / Datasaurus.SHAPES.size();
                mu[k] = new double[] {shape.mean(i, 0), shape.mean(i, 1)};
                var[k] = new double[] {shape.variance(i, 0), shape.variance(i, 1)};
                classes[k] = c;
            }
        }
        GaussianMixture m = new GaussianMixture(w, mu, var);
        return new ToyDataset("datasaurus", "all 13 Datasaurus shapes, one class each", m, classes,
                Datasaurus.SHAPES.stream().map(ToyDatasets::datasetName).toList(), ToyDataset.paddedBounds(m));
    }
}
