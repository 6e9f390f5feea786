package org.noiselab.app.service;

/** What the training run is doing. */
public enum RunState {
    /** Not training; more steps may be taken. */
    PAUSED,
    /** The training thread is taking steps. */
    RUNNING,
    /** The step budget is spent. */
    FINISHED,
    /** The last step produced a non-finite loss; the model holds the last good weights. */
    DIVERGED
}
