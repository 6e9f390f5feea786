package org.noiselab.app.viewmodel;

import org.noiselab.engine.metric.ScoreErrorGrid;

/** How the score-error heatmap measures a model's error against the oracle at one point and step. */
public enum ErrorMeasure {
    /** {@code ||eps_model - eps_exact||^2}: bounded, comparable across noise levels. */
    EPS_SQUARED("squared eps error"),
    /** {@code ||s_model - s_exact||^2 = ||eps error||^2 / (1 - abar_t)}: what a sampler feels, huge at small t. */
    SCORE_SQUARED("squared score error"),
    /** {@code ||s_model - s_exact||}: the CDL paper's figure-1 quantity. */
    SCORE_ABSOLUTE("|score error|");

    private final String label;

    ErrorMeasure(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The measure at point i of step index s. */
    public double of(ScoreErrorGrid g, int s, int i) {
        return switch (this) {
            case EPS_SQUARED -> g.squaredEpsError(s, i);
            case SCORE_SQUARED -> g.squaredScoreError(s, i);
            case SCORE_ABSOLUTE -> Math.sqrt(g.squaredScoreError(s, i));
        };
    }

    @Override
    public String toString() {
        return label;
    }
}
