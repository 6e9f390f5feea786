package org.noiselab.app.service;

import java.util.List;
import org.noiselab.engine.sample.PicardSpec;

/**
 * A Picard run as recorded so far: one frame per iteration.
 *
 * @param label   which model ran
 * @param spec    the Picard settings
 * @param tau     the sampling steps: slot j sits at diffusion step {@code tau[K - j]}
 * @param dim     data dimension
 * @param frames  the iterations recorded so far
 * @param done    whether the run has finished
 */
public record PicardRun(String label, PicardSpec spec, int[] tau, int dim, List<Frame> frames, boolean done) {

    /**
     * One iteration.
     *
     * @param iteration    1-based
     * @param converged    slots final after it
     * @param evaluations  model evaluations per sample so far
     * @param mmd          MMD of the current final state against data draws
     * @param finalState   the last slot of every sample
     * @param trajectories every slot of each tracked sample
     */
    public record Frame(int iteration, int converged, long evaluations, double mmd, float[] finalState,
                        float[][] trajectories) {
    }

    /** The diffusion step of slot j. */
    public int stepOfSlot(int slot) {
        return tau[tau.length - 1 - slot];
    }
}
