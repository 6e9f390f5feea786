package org.noiselab.app.service;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.noiselab.engine.model.KernelWarmup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two engine threads of the app. {@code training} owns the training session; {@code analysis} evaluates
 * snapshots (score grids, sampling) on its own model copies, so analysis never slows a training step and no engine
 * object is shared between threads. The FX thread never calls the engine.
 */
public final class Workers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Workers.class);

    private static final long WARMUP_MAX_MILLIS = 12_000;

    private volatile CompletableFuture<Void> warm = CompletableFuture.completedFuture(null);

    private final ExecutorService training = singleThread("noiselab-training");
    private final ExecutorService analysis = singleThread("noiselab-analysis");

    /**
     * Compiles the numeric kernels (see {@link KernelWarmup}) on the training thread, queued behind work already
     * submitted so the window and the default run appear first; compiled code serves both threads. Completes when
     * the kernels run at full speed.
     */
    public CompletableFuture<Void> warmUp() {
        warm = CompletableFuture.runAsync(() -> LOG.info("engine kernels warmed up in {} ms",
                KernelWarmup.run(WARMUP_MAX_MILLIS)), training);
        return warm;
    }

    /** Completes when the warm-up started by {@link #warmUp()} is done (immediately if none was started). */
    public CompletableFuture<Void> warmedUp() {
        return warm;
    }

    public ExecutorService training() {
        return training;
    }

    public ExecutorService analysis() {
        return analysis;
    }

    /** Whether {@link #close()} was called. */
    public boolean closed() {
        return training.isShutdown();
    }

    /** Stops both threads, waiting a few seconds for running work. */
    @Override
    public void close() {
        training.shutdown();
        analysis.shutdown();
        try {
            if (!training.awaitTermination(10, TimeUnit.SECONDS) || !analysis.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("engine threads did not stop in time");
                training.shutdownNow();
                analysis.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One thread; work arriving after {@link #close()} (a late UI callback) is dropped, not thrown back. */
    private static ExecutorService singleThread(String name) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), named(name),
                new ThreadPoolExecutor.DiscardPolicy());
    }

    private static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((th, e) -> LOG.error("uncaught exception on {}", th.getName(), e));
            return t;
        };
    }
}
