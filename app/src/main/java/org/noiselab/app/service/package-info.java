/**
 * App-side services over the engine: the training and analysis threads, coalesced snapshots for the UI, the run
 * store that keeps unsaved runs, and the dialog contract view models use. No JavaFX scene types here.
 */
@NullMarked
package org.noiselab.app.service;

import org.jspecify.annotations.NullMarked;
