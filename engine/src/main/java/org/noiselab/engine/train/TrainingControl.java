package org.noiselab.engine.train;

/**
 * Thread-safe run control, checked by {@link TrainingLoop} between steps: pause, resume, single step and cooperative
 * cancel. Any thread may call the commands; the compute thread calls {@link #awaitPermission()}.
 */
public final class TrainingControl {

    private boolean paused;
    private boolean cancelled;
    private int singleSteps;
    private boolean waiting;

    /** Stops after the current step until {@link #resume()} or {@link #singleStep()}. */
    public synchronized void pause() {
        paused = true;
        notifyAll();
    }

    /** Continues a paused run. */
    public synchronized void resume() {
        paused = false;
        notifyAll();
    }

    /** While paused, lets exactly one more step run. */
    public synchronized void singleStep() {
        singleSteps++;
        notifyAll();
    }

    /** Ends the run after the current step. */
    public synchronized void cancel() {
        cancelled = true;
        notifyAll();
    }

    public synchronized boolean isPaused() {
        return paused;
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /**
     * Whether the compute thread is blocked in {@link #awaitPermission()} for want of a permit: no step can start until
     * a command arrives.
     */
    public synchronized boolean isBlocked() {
        return waiting && paused && !cancelled && singleSteps == 0;
    }

    /**
     * Blocks while paused without a single-step permit; returns {@code false} when the run should end.
     *
     * @throws InterruptedException if the compute thread is interrupted while waiting
     */
    public synchronized boolean awaitPermission() throws InterruptedException {
        waiting = true;
        try {
            while (!cancelled && paused && singleSteps == 0) {
                wait();
            }
        } finally {
            waiting = false;
        }
        if (cancelled) {
            return false;
        }
        if (paused) {
            singleSteps--;
        }
        return true;
    }
}
