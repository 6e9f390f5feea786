package org.noiselab.engine.objective;

import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.noiselab.engine.data.TrainingBatch;
import org.noiselab.engine.likelihood.ItdTerms;
import org.noiselab.engine.likelihood.LogSnrProposal;
import org.noiselab.engine.model.TrainableDenoiser;
import org.noiselab.engine.model.TrainableModel;
import org.noiselab.engine.schedule.NoiseSchedule;

/**
 * The contrastive diffusion loss (Wu et al. 2024, "Your diffusion model is secretly a noise classifier"), exactly as
 * the reference code computes it: for each of the first {@code samples} points x of a batch, draw {@code zeta} from
 * the log-SNR proposal and a fair coin; on tails noise the point, {@code z = sqrt(sigmoid zeta) x + sqrt(sigmoid -zeta)
 * eps} with {@code y = -1}, else {@code z = x}, {@code y = +1}; then
 * <pre>
 *   loss = weight / B * sum_i softplus(y_i (log p_zeta(z_i) - log p(z_i))),
 * </pre>
 * each log-density an ITD estimate with B fresh integration points (see {@link ItdTerms}). The model is trained as a
 * classifier of "clean versus noised", whose logit is its own log-likelihood ratio. A conditional model's densities are
 * those of the point's own class (its label, or the null class where label dropout put it), so every row of a term
 * carries the label of the point it estimates.
 */
public final class ContrastiveLoss implements DiffusionLoss {

    private final ObjectiveSpec spec;
    private final ObjectiveSpec.ContrastiveSettings settings;
    private final ItdTerms terms;
    private final LogSnrProposal proposal;
    private final int points;
    private float[] out = new float[0];
    private float[] grad = new float[0];
    private int[] rowLabels = new int[0];

    public ContrastiveLoss(ObjectiveSpec spec, ItdTerms terms, LogSnrProposal proposal, int batchSize) {
        this.spec = spec;
        this.settings = spec.contrastive();
        this.terms = terms;
        this.proposal = proposal;
        this.points = settings.pointsFor(batchSize);
    }

    @Override
    public ObjectiveSpec spec() {
        return spec;
    }

    @Override
    public double lossAndGradient(TrainableModel trainable, TrainingBatch batch, SplittableRandom rng) {
        TrainableDenoiser model = DiffusionLoss.denoiser(trainable, spec());
        int dim = batch.dim();
        int count = Math.min(settings.samples(), batch.n());
        float[] z = new float[2 * count * dim];
        double[] zeta = new double[2 * count];
        int[] y = new int[count];
        for (int i = 0; i < count; i++) {
            double level = proposal.sample(rng);
            y[i] = rng.nextBoolean() ? 1 : -1;
            double a = NoiseSchedule.alphaBarOfLogSnr(level);
            for (int j = 0; j < dim; j++) {
                double x = batch.x0()[i * dim + j];
                float v = (float) (y[i] < 0 ? Math.sqrt(a) * x + Math.sqrt(1 - a) * rng.nextGaussian() : x);
                z[(2 * i) * dim + j] = v;
                z[(2 * i + 1) * dim + j] = v;
            }
            zeta[2 * i] = level;
            zeta[2 * i + 1] = Double.NaN;
        }
        terms.build(z, 2 * count, dim, zeta, points, rng);
        int values = terms.rows() * dim;
        if (out.length < values) {
            out = new float[values];
            grad = new float[values];
        }
        model.forwardForTraining(terms.inputs(), terms.queryLogSnr(), rowLabels(batch.labels(), count), terms.rows(),
                out);
        double[] nll = terms.evaluate(out, new double[2 * count], null);
        double[] coefficient = new double[2 * count];
        double loss = 0;
        double scale = settings.weight() / points;
        for (int i = 0; i < count; i++) {
            double logRatio = nll[2 * i + 1] - nll[2 * i];
            double m = y[i] * logRatio;
            loss += softplus(m);
            double s = 1 / (1 + Math.exp(-m));
            coefficient[2 * i] = -scale * s * y[i];
            coefficient[2 * i + 1] = scale * s * y[i];
        }
        terms.evaluate(out, coefficient, grad);
        model.backward(grad);
        return scale * loss;
    }

    /** Row {@code r} of the ITD terms belongs to group {@code r / points}, and groups 2i and 2i+1 to point i. */
    private int @Nullable [] rowLabels(int @Nullable [] labels, int count) {
        if (labels == null) {
            return null;
        }
        int rows = 2 * count * points;
        if (rowLabels.length != rows) {
            rowLabels = new int[rows];
        }
        for (int r = 0; r < rows; r++) {
            rowLabels[r] = labels[r / (2 * points)];
        }
        return rowLabels;
    }

    static double softplus(double m) {
        return m > 30 ? m : Math.log1p(Math.exp(m));
    }
}
