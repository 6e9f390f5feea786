package org.noiselab.app.service;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Hands values from a worker thread to the UI thread, keeping only the latest: at most one delivery is pending at a
 * time, so a producer publishing every training step never floods the UI with one task per step.
 *
 * @param <T> the immutable value type
 */
public final class CoalescingPublisher<T> {

    private final Executor ui;
    private final Consumer<T> consumer;
    private final AtomicReference<T> latest = new AtomicReference<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    public CoalescingPublisher(Executor ui, Consumer<T> consumer) {
        this.ui = ui;
        this.consumer = consumer;
    }

    /** Offers a value from any thread; earlier undelivered values are dropped. */
    public void publish(T value) {
        latest.set(value);
        if (scheduled.compareAndSet(false, true)) {
            ui.execute(this::deliver);
        }
    }

    private void deliver() {
        scheduled.set(false);
        T value = latest.getAndSet(null);
        if (value != null) {
            consumer.accept(value);
        }
    }
}
