/** Benchmarks behind {@code bin/noiselab bench}: warmed-up, repeated, reported as medians. */
@NullMarked
package org.noiselab.engine.bench;

import org.jspecify.annotations.NullMarked;
