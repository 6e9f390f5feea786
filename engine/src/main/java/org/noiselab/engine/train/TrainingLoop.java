package org.noiselab.engine.train;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training template (Tribuo's {@code AbstractSGDTrainer}, DJL's {@code EasyTrain}): until the target step,
 * wait for permission (pause, single step, cancel), run one {@link TrainingSession#trainStep()}, notify listeners. Runs on
 * the calling thread, which should be the run's single compute thread.
 */
public final class TrainingLoop {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);

    private TrainingLoop() {
    }

    /** Trains to the end of the step budget. */
    public static TrainingOutcome run(TrainingSession session, TrainingControl control,
                                      List<? extends TrainingListener> listeners) {
        return run(session, session.setup().config().steps(), control, listeners);
    }

    /** Trains until {@code targetStep} (at most the budget), honouring the control between steps. */
    public static TrainingOutcome run(TrainingSession session, int targetStep, TrainingControl control,
                                      List<? extends TrainingListener> listeners) {
        int target = Math.min(targetStep, session.setup().config().steps());
        LOG.info("training {} on {} ({}) from step {} to {}", session.setup().model().kind(),
                session.setup().dataset(), session.setup().objective().kind(), session.step(), target);
        listeners.forEach(l -> l.onStart(session));
        StepReport last = null;
        TrainingOutcome outcome;
        try {
            while (session.step() < target) {
                if (!control.awaitPermission()) {
                    break;
                }
                last = session.trainStep();
                for (TrainingListener l : listeners) {
                    l.onStep(session, last);
                }
            }
            TrainingOutcome.Status status = session.step() >= target ? TrainingOutcome.Status.COMPLETED
                    : TrainingOutcome.Status.CANCELLED;
            outcome = new TrainingOutcome(status, session.step(), last, null);
        } catch (TrainingDivergedException e) {
            outcome = new TrainingOutcome(TrainingOutcome.Status.DIVERGED, session.step(), last, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = new TrainingOutcome(TrainingOutcome.Status.CANCELLED, session.step(), last, null);
        } catch (RuntimeException e) {
            outcome = new TrainingOutcome(TrainingOutcome.Status.FAILED, session.step(), last, e);
        }
        LOG.info("training stopped: {} at step {}", outcome.status(), outcome.step());
        for (TrainingListener l : listeners) {
            l.onEnd(session, outcome);
        }
        return outcome;
    }
}
