package org.noiselab.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.image.ImageSet;
import org.noiselab.engine.image.ImageTrainingData;
import org.noiselab.engine.likelihood.CdmLikelihood;
import org.noiselab.engine.likelihood.FlooredNll;
import org.noiselab.engine.likelihood.GaussianReference;
import org.noiselab.engine.likelihood.ItdEstimator;
import org.noiselab.engine.likelihood.LogSnrProposal;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.model.ExactNoiseClassifier;
import org.noiselab.engine.model.OracleDenoiser;
import org.noiselab.toys.ToyDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code noiselab nll}: the model's negative log-likelihood of data draws, beside the estimator's floor (the same
 * estimator with the exact denoiser or classifier on the same draws) and the exact value.
 */
@Command(name = "nll",
        header = "Negative log-likelihood of fresh data draws (ITD or CDM single pass) beside its floor and the exact value.",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Estimate the model's negative log-likelihood (nats) of N fresh data draws and print it beside",
            "the exact NLL of the same points under the true distribution.",
            "  itd: the information-theoretic diffusion estimator (Kong et al. 2023) with importance-sampled log-SNR;",
            "       on images as the CDL reference computes it, on toys with a pointwise Gaussian control variate.",
            "  Beside the model's estimate it prints the estimator's floor: the same estimator with the exact",
            "  denoiser (or classifier) on the same points and draws, so 'floor - exact' is the estimator's bias",
            "  and 'model - floor' the network's share of the gap (images have no exact denoiser, so no floor).",
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

    @Option(names = "--clip", paramLabel = "C",
            description = {"itd: truncation of the log-SNR proposal in units of its scale, log-SNR in loc +- C scale",
                "(default: " + (int) LogSnrProposal.EVALUATION_CLIP + " for toys, chosen by measurement so the exact "
                    + "denoiser's estimate is within 0.05 nats of the exact NLL on every toy (without --plain); "
                    + (int) LogSnrProposal.DEFAULT_CLIP + " for images, the CDL reference's value: pixels are "
                    + "discrete, so the upper cut is part of the measure)."})
    @Nullable Double clip;

    @Option(names = "--plain",
            description = {"itd on toys: the estimator as the CDL reference computes it (h_G and mmse_G). By default",
                "the reference Gaussian is a pointwise control variate (-log N(x) plus the integral of the model's",
                "squared error minus the Gaussian's on the same draws) and half the log-SNR draws are uniform over",
                "the range (defensive importance sampling): the same expectation, far less noise.",
                "With --clip 3 this is the CDL reference's estimator (its form and proposal). Images always use it."})
    boolean plain;

    @Option(names = "--no-floor",
            description = "Skip the estimator's floor (it costs as much as the estimate again, more on large mixtures).")
    boolean noFloor;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of data and integration draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--images", paramLabel = "NAME", defaultValue = "mnist",
            description = "Image models: the dataset whose held-out images are scored (default: ${DEFAULT-VALUE}).")
    String imageDataset;

    @Mixin
    ImageDataOptions images;

    @Override
    public Integer call() throws IOException {
        if (!"itd".equals(method) && !"cdm".equals(method)) {
            throw new InvalidConfigException("--method", method, "available: itd, cdm");
        }
        if (n < 1 || n > 10_000_000 || points < 1 || points > 1_000_000) {
            throw new InvalidConfigException("--n/--points", n + "/" + points, "need 1 <= n <= 1e7, 1 <= points <= 1e6");
        }
        if (clip != null && !(clip > 0 && clip <= LogSnrProposal.MAX_CLIP)) {
            throw new InvalidConfigException("--clip", clip, "must lie in (0, " + (int) LogSnrProposal.MAX_CLIP + "]");
        }
        if ("cdm".equals(method) && (clip != null || plain)) {
            throw new InvalidConfigException(clip != null ? "--clip" : "--plain", clip != null ? clip : "set",
                    "applies to --method itd only (cdm is one forward pass)");
        }
        ModelSource.Resolved m = source.resolve();
        if (m.image() != null) {
            return imageNll(m);
        }
        ToyDataset d = m.dataset();
        float[] x = d.sample(n, seed).pointsAsFloats();
        double[] exact = new double[n];
        double[] point = new double[d.dim()];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d.dim(); j++) {
                point[j] = x[i * d.dim() + j];
            }
            exact[i] = -d.mixture().logDensity(point);
        }
        double[] model;
        double[] floor;
        String how;
        String floorHow;
        if ("cdm".equals(method)) {
            model = negated(CdmLikelihood.logDensity(m.requireClassifier("--method cdm"), x, null, n));
            floor = noFloor ? null
                    : negated(CdmLikelihood.logDensity(new ExactNoiseClassifier(d, m.schedule()), x, null, n));
            how = String.format("cdm, %d draws, one forward pass", n);
            floorHow = "the exact classifier in one pass";
        } else {
            double[] variances = d.mixture().overallVariance();
            LogSnrProposal proposal = LogSnrProposal.forVariances(variances,
                    clip == null ? LogSnrProposal.EVALUATION_CLIP : clip)
                    .withUniformShare(plain ? 0 : LogSnrProposal.EVALUATION_UNIFORM_SHARE);
            double[] mean = d.mixture().overallMean();
            model = itd(m.denoiser(), variances, mean, proposal, x);
            floor = noFloor ? null : itd(new OracleDenoiser(d), variances, mean, proposal, x);
            how = String.format("itd%s, %d points x %d draws, clip %s: log-SNR in [%.1f, %.1f]%s",
                    plain ? " (plain)" : "", n, points, trim(proposal.clip()), proposal.min(), proposal.max(),
                    proposal.uniformShare() > 0 ? String.format(", %.0f%% of the draws uniform",
                            100 * proposal.uniformShare()) : "");
            floorHow = "itd with the exact denoiser on the same draws";
        }
        PrintWriter out = spec.commandLine().getOut();
        if (floor == null) {
            FlooredNll r = FlooredNll.of(model, model, exact);
            out.printf("model NLL (%s): %.4f +- %.4f nats%n", how, r.model(), r.modelStderr());
            out.println("estimator floor: not measured (--no-floor)");
            out.printf("exact NLL of the same points: %.4f nats%n", r.exact());
            out.printf("difference: %+.4f nats (network and estimator together)%n", r.gap());
            return 0;
        }
        FlooredNll r = FlooredNll.of(model, floor, exact);
        out.printf("model NLL (%s): %.4f +- %.4f nats%n", how, r.model(), r.modelStderr());
        out.printf("estimator floor (%s): %.4f +- %.4f nats%n", floorHow, r.floor(), r.floorStderr());
        out.printf("exact NLL of the same points: %.4f nats%n", r.exact());
        out.printf("difference: %+.4f nats = model - floor %+.4f +- %.4f (the network) + floor - exact %+.4f "
                + "(the estimator)%n", r.gap(), r.excess(), r.excessStderr(), r.estimatorBias());
        return 0;
    }

    private double[] itd(Denoiser denoiser, double[] variances, double[] mean, LogSnrProposal proposal, float[] x) {
        ItdEstimator itd = new ItdEstimator(denoiser, new GaussianReference(variances), proposal);
        SplittableRandom draws = new SplittableRandom(seed + 1);
        return plain ? itd.negativeLogLikelihood(x, n, points, draws)
                : itd.negativeLogLikelihoodAgainstGaussian(x, n, points, draws, mean);
    }

    private static double[] negated(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = -v[i];
        }
        return out;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    /**
     * Bits per dimension of held-out images ({@code -mean(log p / d) / ln 2 + 7} for pixels scaled from
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
            LogSnrProposal proposal = LogSnrProposal.forVariances(variances,
                    clip == null ? LogSnrProposal.DEFAULT_CLIP : clip);
            ItdEstimator itd = new ItdEstimator(m.denoiser(), new GaussianReference(variances), proposal);
            nll = itd.negativeLogLikelihood(x, count, points, new SplittableRandom(seed + 1));
            how = String.format("itd, %d held-out images x %d points, clip %s", count, points, trim(proposal.clip()));
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
        spec.commandLine().getOut().println("estimator floor: none (images have no exact denoiser)");
        return 0;
    }
}
