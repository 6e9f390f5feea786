package org.noiselab.engine.train;

import org.jspecify.annotations.Nullable;

/**
 * How a {@link TrainingLoop#run} call ended.
 *
 * @param status     why it stopped
 * @param step       steps completed when it stopped
 * @param lastReport the last completed step, or {@code null} if none ran
 * @param error      the failure, for {@link Status#DIVERGED} and {@link Status#FAILED}
 */
public record TrainingOutcome(Status status, int step, @Nullable StepReport lastReport, @Nullable Throwable error) {

    /** End states of a run call. */
    public enum Status {
        /** The target step was reached. */
        COMPLETED,
        /** A cancel request was honoured between steps. */
        CANCELLED,
        /** A non-finite loss or gradient stopped the run; the model keeps its last good weights. */
        DIVERGED,
        /** An unexpected error stopped the run. */
        FAILED
    }
}
