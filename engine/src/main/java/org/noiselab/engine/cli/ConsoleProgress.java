package org.noiselab.engine.cli;

import java.io.PrintWriter;
import org.noiselab.engine.train.StepReport;
import org.noiselab.engine.train.TrainingDivergedException;
import org.noiselab.engine.train.TrainingListener;
import org.noiselab.engine.train.TrainingOutcome;
import org.noiselab.engine.train.TrainingSession;

/** Prints a progress line every N steps: step, mean loss since the last line, learning rate, speed and ETA. */
final class ConsoleProgress implements TrainingListener {

    private final PrintWriter out;
    private final int every;
    private long start;
    private int startStep;
    private double lossSum;
    private int lossCount;

    ConsoleProgress(PrintWriter out, int every) {
        this.out = out;
        this.every = every;
    }

    @Override
    public void onStart(TrainingSession session) {
        start = System.nanoTime();
        startStep = session.step();
    }

    @Override
    public void onStep(TrainingSession session, StepReport r) {
        lossSum += r.loss();
        lossCount++;
        if (r.step() % every != 0 && r.step() != r.totalSteps()) {
            return;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = (r.step() - startStep) / Math.max(seconds, 1e-9);
        long eta = Math.round((r.totalSteps() - r.step()) / Math.max(rate, 1e-9));
        out.printf("step %7d/%d  loss %.4f  lr %.2e  %6.0f steps/s  ETA %dm%02ds%n", r.step(), r.totalSteps(),
                lossSum / lossCount, r.learningRate(), rate, eta / 60, eta % 60);
        out.flush();
        lossSum = 0;
        lossCount = 0;
    }

    @Override
    public void onEnd(TrainingSession session, TrainingOutcome outcome) {
        double seconds = (System.nanoTime() - start) / 1e9;
        if (outcome.error() instanceof TrainingDivergedException e) {
            out.printf("diverged at step %d after %.1f s; back to the last good weights, of step %d%n", e.step(),
                    seconds, e.keptStep());
        } else {
            out.printf("%s after %d steps in %.1f s%n", outcome.status().name().toLowerCase(java.util.Locale.ROOT),
                    outcome.step(), seconds);
        }
        out.flush();
    }
}
