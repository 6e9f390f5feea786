package org.noiselab.app.service;

/** Which denoiser a view evaluates: the trained weights (averaged or last step) or the exact oracle. */
public enum ModelChoice {
    EMA("Trained (EMA)"), RAW("Trained (last step)"), ORACLE("Oracle (exact)");

    private final String label;

    ModelChoice(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
