package org.noiselab.app.view;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.testfx.util.WaitForAsyncUtils;

/** Waiting and reading on the FX thread, between two pulses, where the view models change all together. */
final class FxWait {

    private FxWait() {
    }

    /** Reads on the FX thread. */
    static <T> T onFx(Callable<T> read) {
        try {
            return WaitForAsyncUtils.asyncFx(read).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("reading on the FX thread failed", e);
        }
    }

    /** Waits up to 60 s for a condition tested on the FX thread; fails the test if it never holds. */
    static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!onFx(condition::getAsBoolean)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 60 s");
            }
            WaitForAsyncUtils.sleep(10, TimeUnit.MILLISECONDS);
        }
    }
}
