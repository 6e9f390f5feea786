/**
 * View models: JavaFX properties and commands only, no scene-graph types and no ND4J. They talk to the engine
 * through the app services and receive immutable snapshots on the UI thread.
 */
package org.noiselab.app.viewmodel;
