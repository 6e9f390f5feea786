package org.noiselab.engine.kernel;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How many threads a numeric kernel may use for one call, and the pool that runs the extra ones. The calling thread
 * always takes the first share, so with one thread nothing is handed off.
 *
 * <p>The default is the number of available processors (override with {@code -Dnoiselab.threads=N} or
 * {@link #setThreads}): a headless training run or benchmark owns the machine. The desktop app sets one thread per
 * call, because its training and analysis threads already run side by side on the two cores.
 */
public final class Parallelism {

    /** Work below this many rows is not split: thread hand-off would cost more than it saves. */
    public static final int MIN_ROWS_PER_THREAD = 64;

    private static volatile int threads = Math.max(1, Integer.getInteger("noiselab.threads",
            Runtime.getRuntime().availableProcessors()));
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "noiselab-kernel");
        t.setDaemon(true);
        return t;
    });

    private Parallelism() {
    }

    /** Threads per kernel call. */
    public static int threads() {
        return threads;
    }

    /** The most threads per kernel call. */
    public static final int MAX_THREADS = 256;

    /** Sets the threads per kernel call (1..{@value #MAX_THREADS}). */
    public static void setThreads(int count) {
        if (count < 1 || count > MAX_THREADS) {
            throw new IllegalArgumentException("threads = " + count + ": must lie in 1.." + MAX_THREADS);
        }
        threads = count;
    }

    /** A task over a range of rows, run by one share of the threads. */
    @FunctionalInterface
    public interface RowTask {
        /** Processes rows {@code [from, to)}; {@code share} identifies the thread's share (0 = caller). */
        void run(int share, int from, int to);
    }

    /** The number of shares {@link #forRows} will split {@code n} rows into. */
    public static int shares(int n) {
        return Math.max(1, Math.min(threads, n / MIN_ROWS_PER_THREAD));
    }

    /**
     * Splits {@code [0, n)} into {@link #shares(int)} contiguous ranges (multiples of 4 rows, for the kernel's
     * blocks) and runs them concurrently, the first on the calling thread; returns when all are done.
     */
    public static void forRows(int n, RowTask task) {
        int shares = shares(n);
        if (shares == 1) {
            task.run(0, 0, n);
            return;
        }
        int[] bounds = new int[shares + 1];
        for (int s = 1; s < shares; s++) {
            bounds[s] = (int) ((long) n * s / shares) & ~3;
        }
        bounds[shares] = n;
        run(shares, bounds, task);
    }

    /**
     * Splits {@code [0, n)} items of substantial work each (whole images, say) into up to {@link #threads()} contiguous
     * ranges and runs them as {@link #forRows} does; with fewer items than threads, one item per share.
     */
    public static void forItems(int n, RowTask task) {
        int shares = Math.max(1, Math.min(threads, n));
        if (shares == 1) {
            task.run(0, 0, n);
            return;
        }
        int[] bounds = new int[shares + 1];
        for (int s = 1; s <= shares; s++) {
            bounds[s] = (int) ((long) n * s / shares);
        }
        run(shares, bounds, task);
    }

    private static void run(int shares, int[] bounds, RowTask task) {
        CountDownLatch done = new CountDownLatch(shares - 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int s = 1; s < shares; s++) {
            int share = s;
            POOL.execute(() -> {
                try {
                    task.run(share, bounds[share], bounds[share + 1]);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            });
        }
        task.run(0, bounds[0], bounds[1]);
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for kernel threads", e);
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        } else if (t instanceof Error err) {
            throw err;
        } else if (t != null) {
            throw new IllegalStateException(t);
        }
    }
}
