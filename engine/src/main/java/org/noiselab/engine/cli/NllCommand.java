package org.noiselab.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.image.ImageSet;
import org.noiselab.engine.image.ImageTrainingData;
import org.noiselab.engine.likelihood.CdmLikelihood;
import org.noiselab.engine.likelihood.GaussianReference;
import org.noiselab.engine.likelihood.ItdEstimator;
import org.noiselab.engine.likelihood.LogSnrProposal;
import org.noiselab.toys.ToyDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code noiselab nll}: the model's negative log-likelihood of data draws, beside the exact value. */
@Command(name = "nll",
        header = "Negative log-likelihood of fresh data draws (ITD or CDM single pass) beside the exact value.",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Estimate the model's negative log-likelihood (nats) of N fresh data draws and print it beside",
            "the exact NLL of the same points under the true distribution.",
            "  itd: the information-theoretic diffusion estimator (Kong et al. 2023) with importance-sampled log-SNR.",
            "  cdm: a classification diffusion model's exact likelihood in one forward pass (Yadin et al. 2024,",
            "       Theorem 3.2); needs a checkpoint trained with --objective cdm (or --model oracle).",
            "  noiselab nll --checkpoint g.nlab --method itd --n 1000"})
final class NllCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelSource source;

    @Option(names = "--method", paramLabel = "itd|cdm", defaultValue = "itd", description = "Estimator (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--n", paramLabel = "N", defaultValue = "1000", description = "Data points (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--points", paramLabel = "P", defaultValue = "1000",
            description = "Integration points per data point (default: ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of data and integration draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--images", paramLabel = "NAME", defaultValue = "mnist",
            description = "Image models: the dataset whose held-out images are scored (default: ${DEFAULT-VALUE}).")
    String imageDataset;

    @Mixin
    ImageDataOptions images;

    @Override
    public Integer call() throws IOException {
        ModelSource.Resolved m = source.resolve();
        if (!"itd".equals(method) && !"cdm".equals(method)) {
            throw new InvalidConfigException("--method", method, "available: itd, cdm");
        }
        if (n < 1 || n > 10_000_000 || points < 1 || points > 1_000_000) {
            throw new InvalidConfigException("--n/--points", n + "/" + points, "need 1 <= n <= 1e7, 1 <= points <= 1e6");
        }
        if (m.image() != null) {
            return imageNll(m);
        }
        ToyDataset d = m.dataset();
        float[] x = d.sample(n, seed).pointsAsFloats();
        double[] nll;
        String how;
        if ("cdm".equals(method)) {
            double[] logP = CdmLikelihood.logDensity(m.requireClassifier("--method cdm"), x, null, n);
            nll = new double[n];
            for (int i = 0; i < n; i++) {
                nll[i] = -logP[i];
            }
            how = String.format("cdm, %d draws, one forward pass", n);
        } else {
            double[] variances = d.mixture().overallVariance();
            ItdEstimator itd = new ItdEstimator(m.denoiser(), new GaussianReference(variances),
                    LogSnrProposal.forVariances(variances));
            nll = itd.negativeLogLikelihood(x, n, points, new SplittableRandom(seed + 1));
            how = String.format("itd, %d points x %d draws", n, points);
        }
        double mean = 0;
        double exact = 0;
        double[] point = new double[d.dim()];
        for (int i = 0; i < n; i++) {
            mean += nll[i];
            for (int j = 0; j < d.dim(); j++) {
                point[j] = x[i * d.dim() + j];
            }
            exact -= d.mixture().logDensity(point);
        }
        mean /= n;
        exact /= n;
        double var = 0;
        for (double v : nll) {
            var += (v - mean) * (v - mean);
        }
        double stderr = Math.sqrt(var / Math.max(1, n - 1) / n);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("model NLL (%s): %.4f +- %.4f nats%n", how, mean, stderr);
        out.printf("exact NLL of the same points: %.4f nats%n", exact);
        out.printf("difference: %+.4f nats%n", mean - exact);
        return 0;
    }

    /**
     * Bits per dimension of held-out images (DESIGN.md: {@code -mean(log p / d) / ln 2 + 7} for pixels scaled from
     * [0, 255] to [-1, 1], no dequantisation, as in the CDM reference code).
     */
    private int imageNll(ModelSource.Resolved m) throws IOException {
        ImageSet.Split split = images.split(imageDataset, 2000);
        ImageSet held = split.heldOut();
        if (held.count() == 0) {
            throw new InvalidConfigException("--held-out", 0, "image likelihoods are measured on held-out images");
        }
        if (held.dim() != m.denoiser().dim()) {
            throw new InvalidConfigException("--images", held.name(), "has " + held.dim() + " values per image, the"
                    + " model " + m.denoiser().dim());
        }
        int count = Math.min(n, held.count());
        float[] x = java.util.Arrays.copyOf(held.pixels(), count * held.dim());
        double[] nll;
        String how;
        if ("cdm".equals(method)) {
            double[] logP = CdmLikelihood.logDensity(m.requireClassifier("--method cdm"), x, null, count);
            nll = new double[count];
            for (int i = 0; i < count; i++) {
                nll[i] = -logP[i];
            }
            how = String.format("cdm, %d held-out images, one forward pass", count);
        } else {
            double[] variances = new ImageTrainingData(split.train()).variances();
            ItdEstimator itd = new ItdEstimator(m.denoiser(), new GaussianReference(variances),
                    LogSnrProposal.forVariances(variances));
            nll = itd.negativeLogLikelihood(x, count, points, new SplittableRandom(seed + 1));
            how = String.format("itd, %d held-out images x %d points", count, points);
        }
        double[] bits = new double[count];
        double mean = 0;
        for (int i = 0; i < count; i++) {
            bits[i] = nll[i] / held.dim() / Math.log(2) + 7;
            mean += bits[i] / count;
        }
        double var = 0;
        for (double b : bits) {
            var += (b - mean) * (b - mean);
        }
        double stderr = Math.sqrt(var / Math.max(1, count - 1) / count);
        spec.commandLine().getOut().printf("model NLL (%s): %.4f +- %.4f bits/dim%n", how, mean, stderr);
        return 0;
    }
}
