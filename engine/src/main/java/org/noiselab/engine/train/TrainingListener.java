package org.noiselab.engine.train;

/**
 * Observer of a {@link TrainingLoop}, called on the compute thread. Logging, progress, snapshots for the UI,
 * divergence handling and autosave are all listeners; the loop knows none of them. Listeners must be quick: publish a
 * copy and return.
 */
public interface TrainingListener {

    /** Before the first step of a {@link TrainingLoop#run} call. */
    default void onStart(TrainingSession session) {
    }

    /** After every completed step. */
    default void onStep(TrainingSession session, StepReport report) {
    }

    /** Once, when the run call ends for any reason. */
    default void onEnd(TrainingSession session, TrainingOutcome outcome) {
    }
}
