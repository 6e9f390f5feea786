package org.noiselab.engine.explore;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.data.ImageShape;
import org.noiselab.engine.likelihood.CdmLikelihood;
import org.noiselab.engine.likelihood.GaussianReference;
import org.noiselab.engine.likelihood.ItdEstimator;
import org.noiselab.engine.likelihood.LogSnrProposal;
import org.noiselab.engine.model.ClassifierDenoiser;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.model.GuidedDenoiser;
import org.noiselab.engine.model.NoiseLevelClassifier;
import org.noiselab.engine.sample.DiffusionProblem;
import org.noiselab.engine.sample.SamplerSpec;
import org.noiselab.engine.sample.Samplers;
import org.noiselab.engine.sample.SamplingListener;
import org.noiselab.engine.sample.SamplingRequest;
import org.noiselab.engine.sample.SamplingStep;
import org.noiselab.engine.schedule.NoiseSchedule;

/**
 * What an image workspace asks of a trained image model: sample grids (per class, guided), the reverse process as
 * frames, a test image noised to a chosen step and the model's estimate of the clean image from it, and an image's
 * likelihood in bits per dimension. All sampling is deterministic DDIM from seeded noise, so the same seed shows the
 * same images as a slider moves. Not thread-safe (the model keeps scratch buffers).
 */
public final class ImageExplorer {

    /** A test image noised to step t and the model's clean-image estimate {@code (x_t - sigma eps_hat)/sqrt(abar)}. */
    public record Denoised(int step, double alphaBar, float[] noised, float[] estimate) {
    }

    private final Denoiser model;
    private final NoiseSchedule schedule;
    private final ImageShape shape;

    /** An explorer over a model of the given image shape. */
    public ImageExplorer(Denoiser model, NoiseSchedule schedule, ImageShape shape) {
        if (model.dim() != shape.dim()) {
            throw new IllegalArgumentException("model of dimension " + model.dim() + " for " + shape);
        }
        this.model = model;
        this.schedule = schedule;
        this.shape = shape;
    }

    public ImageShape shape() {
        return shape;
    }

    /** Classes of a conditional model, 0 otherwise. */
    public int classCount() {
        return model.classCount();
    }

    /** Whether the model is a noise-level classifier (a CDM), whose likelihood takes one forward pass. */
    public boolean isClassifier() {
        return model instanceof ClassifierDenoiser;
    }

    /** Diffusion steps T of the schedule. */
    public int steps() {
        return schedule.steps();
    }

    /**
     * {@code n} DDIM samples of {@code steps} steps from seed {@code seed}.
     *
     * @param label    a class of a conditional model, or -1 for none
     * @param guidance classifier-free guidance weight (needs a class)
     */
    public float[] sample(int n, long seed, int label, double guidance, int steps) {
        return Samplers.create(new SamplerSpec.Ddim(steps, 0)).sample(problem(label, guidance),
                request(n, seed, label)).points();
    }

    /**
     * The reverse process of one image as {@code frames} states from pure noise to the sample (first and last
     * included), with the same seed and settings as {@link #sample}.
     */
    public List<float[]> reverseProcess(long seed, int label, double guidance, int steps, int frames) {
        List<float[]> out = new ArrayList<>();
        int every = Math.max(1, steps / Math.max(1, frames - 1));
        Samplers.create(new SamplerSpec.Ddim(steps, 0)).sample(problem(label, guidance), request(1, seed, label),
                new SamplingListener() {
                    @Override
                    public void onStart(SamplingStep initial) {
                        out.add(initial.points());
                    }

                    @Override
                    public void onStep(SamplingStep step) {
                        if (step.index() % every == 0 || step.index() == step.total()) {
                            if (out.size() < frames || step.index() == step.total()) {
                                out.add(step.points());
                            }
                        }
                    }
                });
        return out;
    }

    /** Noises {@code image} to step {@code t} (noise from {@code seed}) and lets the model estimate the clean image. */
    public Denoised denoise(float[] image, int t, long seed, int label) {
        if (t < 1 || t > schedule.steps()) {
            throw new IllegalArgumentException("step " + t + " outside 1.." + schedule.steps());
        }
        double abar = schedule.alphaBar(t);
        double sigma = Math.sqrt(1 - abar);
        SplittableRandom rng = new SplittableRandom(seed);
        float[] noised = new float[image.length];
        for (int k = 0; k < image.length; k++) {
            noised[k] = (float) (Math.sqrt(abar) * image[k] + sigma * rng.nextGaussian());
        }
        float[] eps = new float[image.length];
        model.predictEps(noised, new float[] {(float) schedule.logSnr(t)}, label < 0 ? null : new int[] {label}, 1,
                eps);
        float[] estimate = new float[image.length];
        for (int k = 0; k < image.length; k++) {
            estimate[k] = (float) ((noised[k] - sigma * eps[k]) / Math.sqrt(abar));
        }
        return new Denoised(t, abar, noised, estimate);
    }

    /**
     * Bits per dimension of one image ({@code -log p / d / ln 2 + 7}, pixels from [0, 255] in [-1, 1]): exact in one
     * forward pass for a CDM (Theorem 3.2), otherwise the ITD estimate with {@code points} integration points against
     * a Gaussian of the given per-pixel variances.
     */
    public double bitsPerDim(float[] image, double @Nullable [] variances, int points, long seed) {
        double nll;
        if (model instanceof ClassifierDenoiser cd) {
            NoiseLevelClassifier c = cd.classifier();
            nll = -CdmLikelihood.logDensity(c, image, null, 1)[0];
        } else {
            if (variances == null) {
                throw new IllegalArgumentException("an ITD estimate needs the data's per-pixel variances");
            }
            nll = new ItdEstimator(model, new GaussianReference(variances), LogSnrProposal.forVariances(variances))
                    .negativeLogLikelihood(image, 1, points, new SplittableRandom(seed))[0];
        }
        return nll / shape.dim() / Math.log(2) + 7;
    }

    private DiffusionProblem problem(int label, double guidance) {
        if (label >= 0 && (model.classCount() == 0 || label >= model.classCount())) {
            throw new IllegalArgumentException("class " + label + ": the model has " + model.classCount()
                    + " classes");
        }
        if (guidance != 0 && label < 0) {
            throw new IllegalArgumentException("guidance needs a class");
        }
        Denoiser d = guidance == 0 ? model : new GuidedDenoiser(model, guidance);
        return new DiffusionProblem(d, schedule);
    }

    private static SamplingRequest request(int n, long seed, int label) {
        return label < 0 ? SamplingRequest.of(n, seed) : SamplingRequest.ofClass(n, seed, label);
    }
}
