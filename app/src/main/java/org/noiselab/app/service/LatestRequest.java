package org.noiselab.app.service;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A request slot where the newest job wins: a job submitted while an older one still waits replaces it, so a view
 * asking on every mouse move or snapshot gets the newest answer and never a backlog.
 */
final class LatestRequest {

    private final AtomicReference<Runnable> pending = new AtomicReference<>();

    /** Runs {@code job} on {@code thread} unless a newer job replaces it before it starts. */
    void submit(Executor thread, Runnable job) {
        if (pending.getAndSet(job) == null) {
            thread.execute(() -> {
                Runnable next = pending.getAndSet(null);
                if (next != null) {
                    next.run();
                }
            });
        }
    }
}
