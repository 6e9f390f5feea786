package org.noiselab.engine.objective;

import org.noiselab.engine.likelihood.GaussianReference;
import org.noiselab.engine.likelihood.ItdTerms;
import org.noiselab.engine.likelihood.LogSnrProposal;
import org.noiselab.engine.schedule.NoiseSchedule;

/** Maps an {@link ObjectiveSpec} to a fresh loss for one training run. */
public final class Objectives {

    private Objectives() {
    }

    /**
     * A new loss instance (losses hold scratch buffers, so each run gets its own).
     *
     * @param dataVariances per-dimension variances of the training data (the ITD reference Gaussian)
     * @param batchSize     the run's batch size (CDL's default number of integration points)
     */
    public static DiffusionLoss create(ObjectiveSpec spec, NoiseSchedule schedule, double[] dataVariances,
                                       int batchSize) {
        GaussianReference reference = new GaussianReference(dataVariances);
        LogSnrProposal proposal = LogSnrProposal.forVariances(dataVariances);
        if (spec instanceof ObjectiveSpec.Ddpm) {
            return new DdpmLoss(schedule);
        } else if (spec instanceof ObjectiveSpec.Itd) {
            return new ItdLoss(new ItdTerms(reference, proposal));
        } else if (spec instanceof ObjectiveSpec.Cdl) {
            return new CompositeLoss(spec, new ItdLoss(new ItdTerms(reference, proposal)),
                    new ContrastiveLoss(spec, new ItdTerms(reference, proposal), proposal, batchSize));
        } else if (spec instanceof ObjectiveSpec.Cdm cdm) {
            return new CdmLoss(cdm, schedule);
        } else if (spec instanceof ObjectiveSpec.DdpmCdl) {
            return new CompositeLoss(spec, new DdpmLoss(schedule),
                    new ContrastiveLoss(spec, new ItdTerms(reference, proposal), proposal, batchSize));
        }
        throw new IllegalArgumentException("unknown objective " + spec);
    }
}
