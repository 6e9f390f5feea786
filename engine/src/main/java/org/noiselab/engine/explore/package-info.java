/**
 * What the app's Images view asks of an image model, in one place: sampling with every step reported (so the view
 * can show the reverse process), class-conditional and guided sampling, and the likelihood of held-out images by the
 * model's own estimator (the CDM's single pass or ITD) with its floor.
 */
@NullMarked
package org.noiselab.engine.explore;

import org.jspecify.annotations.NullMarked;
