package org.noiselab.app.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.noiselab.engine.io.CheckpointIO;
import org.noiselab.engine.io.RunFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a training run's folder (as the PyTorch trainer writes it) on its own thread: every interval it reads
 * {@code run.json} and lists the checkpoints, and tells its listener about each newer checkpoint once and about the
 * run's state, until the run ends (its last checkpoint reported) or {@link #close()}.
 */
public final class RunFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunFollower.class);

    /** What a follower reports, on its own thread. */
    public interface Listener {

        /** A checkpoint newer than any reported before; {@code imageModel} when it holds an image model. */
        void checkpoint(Path file, long step, boolean imageModel);

        /** The run's state in words (e.g. "running, step 500 of 3000 on cuda x2"); {@code ended} when it stopped. */
        void state(String words, boolean ended);

        /** The folder could not be read (gone, or a broken run.json); following stops. */
        void failed(Exception e);
    }

    private final Path dir;
    private final Listener listener;
    private final ScheduledExecutorService thread;
    private long reported = -1;
    private String lastWords = "";

    private RunFollower(Path dir, Listener listener) {
        this.dir = dir;
        this.listener = listener;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "run-follower");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts following {@code dir}, looking first at once and then every {@code interval}. */
    public static RunFollower start(Path dir, Duration interval, Listener listener) {
        RunFollower f = new RunFollower(dir, listener);
        f.thread.scheduleWithFixedDelay(f::look, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return f;
    }

    /** The folder being followed. */
    public Path folder() {
        return dir;
    }

    private void look() {
        try {
            // the status first: a run that has ended wrote its last checkpoint before saying so
            Optional<RunFolder.Status> status = RunFolder.status(dir);
            Optional<RunFolder.Saved> newest = RunFolder.newest(dir);
            if (newest.isPresent() && newest.get().step() != reported) {
                reported = newest.get().step();
                listener.checkpoint(newest.get().file(), reported, imageModel(newest.get().file()));
            }
            String words = status.map(RunFollower::words).orElse("waiting for the trainer to start");
            boolean ended = status.isPresent() && status.get().ended();
            if (!words.equals(lastWords) || ended) {
                lastWords = words;
                listener.state(words, ended);
            }
            if (ended) {
                thread.shutdown();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("stopped following {}", dir, e);
            listener.failed(e);
            thread.shutdown();
        }
    }

    static String words(RunFolder.Status s) {
        String where = s.device() + (s.worldSize() > 1 ? " x" + s.worldSize() : "");
        String base = s.state() + ", step " + s.step() + " of " + s.steps() + " on " + where;
        return s.message().isEmpty() ? base : base + " (" + s.message() + ")";
    }

    /** Whether the checkpoint holds an image model, from the manifest written beside it (or the file itself). */
    private static boolean imageModel(Path file) throws IOException {
        Path side = CheckpointIO.sidecar(file);
        String kind = Files.exists(side) ? CheckpointIO.readManifest(side).setup().model().kind()
                : CheckpointIO.load(file).setup().model().kind();
        return kind.equals("unet") || kind.equals("classifier-unet");
    }

    /** Stops following; the listener hears nothing more after the current look. */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
