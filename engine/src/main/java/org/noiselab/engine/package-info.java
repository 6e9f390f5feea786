/**
 * The Noise Lab engine: training, sampling and measuring diffusion models on the JVM, headless. This package holds
 * what every other one shares: {@link org.noiselab.engine.InvalidConfigException} (a value that cannot be used,
 * named as the user sees it) and the engine's version. docs/ARCHITECTURE.md maps the packages.
 */
package org.noiselab.engine;
