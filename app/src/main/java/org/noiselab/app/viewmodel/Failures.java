package org.noiselab.app.viewmodel;

import java.util.concurrent.CompletionException;

/** What went wrong in a background task, as a person should read it. */
final class Failures {

    private Failures() {
    }

    /** The exception a {@link CompletionException} wraps (the failure itself), or the throwable as it is. */
    static Throwable cause(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
