package org.noiselab.toys;

/**
 * Toy shapes that are usually sampled from curves or regions, written as dense Gaussian mixtures so that their
 * densities, scores and denoisers stay exact.
 *
 * <ul>
 *   <li>two moons: scikit-learn's {@code make_moons} construction (100 evenly spaced angles per moon, which is
 *       exactly what {@code make_moons(200)} draws before its noise), centred at (0.5, 0.25) and scaled by 2, with
 *       isotropic noise of std 0.15;</li>
 *   <li>swiss roll: {@code (t cos t, t sin t) / 5} at 300 evenly spaced {@code t} in {@code [1.5 pi, 4.5 pi]}, std 0.1;</li>
 *   <li>checkerboard: the 8 dark cells of a 4 x 4 board on {@code [-2, 2]^2}, each filled by a 4 x 4 lattice of
 *       Gaussians (spacing 0.25, std 0.1).</li>
 * </ul>
 */
final class CurveMixtures {

    private CurveMixtures() {
    }

    static ToyDataset twoMoons() {
        int perMoon = 100;
        double[][] means = new double[2 * perMoon][];
        for (int i = 0; i < perMoon; i++) {
            double a = Math.PI * i / (perMoon - 1);
            means[i] = new double[] {2 * (Math.cos(a) - 0.5), 2 * (Math.sin(a) - 0.25)};
            means[perMoon + i] = new double[] {2 * (1 - Math.cos(a) - 0.5), 2 * (1 - Math.sin(a) - 0.5 - 0.25)};
        }
        return ToyDataset.unlabelled("two-moons", "two interleaved half circles (make_moons), noise std 0.15",
                GaussianMixture.isotropic(GaussianMixture.uniformWeights(means.length), means, 0.15));
    }

    static ToyDataset swissRoll() {
        int n = 300;
        double[][] means = new double[n][];
        for (int i = 0; i < n; i++) {
            double t = 1.5 * Math.PI * (1 + 2 * (i + 0.5) / n);
            means[i] = new double[] {t * Math.cos(t) / 5, t * Math.sin(t) / 5};
        }
        return ToyDataset.unlabelled("swiss-roll", "2D swiss roll (t cos t, t sin t)/5, t in [1.5 pi, 4.5 pi], std 0.1",
                GaussianMixture.isotropic(GaussianMixture.uniformWeights(n), means, 0.1));
    }

    static ToyDataset checkerboard() {
        int lattice = 4;
        double[][] means = new double[8 * lattice * lattice][];
        int k = 0;
        for (int cx = 0; cx < 4; cx++) {
            for (int cy = 0; cy < 4; cy++) {
                if ((cx + cy) % 2 != 0) {
                    continue;
                }
                for (int i = 0; i < lattice; i++) {
                    for (int j = 0; j < lattice; j++) {
                        means[k++] = new double[] {-2 + cx + (i + 0.5) / lattice, -2 + cy + (j + 0.5) / lattice};
                    }
                }
            }
        }
        return ToyDataset.unlabelled("checkerboard", "8 dark cells of a 4x4 board on [-2,2]^2, Gaussian-filled",
                GaussianMixture.isotropic(GaussianMixture.uniformWeights(means.length), means, 0.1));
    }
}
