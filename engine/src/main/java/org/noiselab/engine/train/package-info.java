/**
 * Training: a session holds one run's state and performs a step; the loop drives it with pause, single step and
 * cancel; listeners observe. Step randomness is a pure function of the seeds and the step index.
 */
@NullMarked
package org.noiselab.engine.train;

import org.jspecify.annotations.NullMarked;
