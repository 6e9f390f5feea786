package org.noiselab.app.service;

import java.util.prefs.Preferences;

/**
 * Where the PyTorch trainer lives: the Python interpreter (a preference, {@code python3} from the PATH by default) and
 * the folder holding the {@code noiselab_torch} package ({@link org.noiselab.engine.PythonTwins#root()}).
 */
public final class TorchSettings {

    static final String INTERPRETER_KEY = "torch.python";
    static final String DEFAULT_INTERPRETER = "python3";

    private final Preferences prefs;

    public TorchSettings(Preferences prefs) {
        this.prefs = prefs;
    }

    /** The interpreter to start the trainer with. */
    public String interpreter() {
        return prefs.get(INTERPRETER_KEY, DEFAULT_INTERPRETER);
    }

    /** Remembers the interpreter (best effort: a refused store leaves the default for the next start). */
    public void setInterpreter(String python) {
        try {
            prefs.put(INTERPRETER_KEY, python.strip());
        } catch (IllegalStateException | SecurityException e) {
            // the next start asks python3 again
        }
    }
}
