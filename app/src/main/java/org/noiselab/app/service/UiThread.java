package org.noiselab.app.service;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.inject.Qualifier;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Marks the executor that runs on the UI thread: {@code Platform::runLater} in the app, a direct executor in tests,
 * so view models never call JavaFX's thread machinery themselves (Bisq's {@code UserThread}).
 */
@Qualifier
@Retention(RUNTIME)
@Target({FIELD, PARAMETER, METHOD})
public @interface UiThread {
}
