/** Optimisation: AdamW with gradient clipping in one fused loop, parameter EMA, learning-rate schedules. */
package org.noiselab.engine.optim;
