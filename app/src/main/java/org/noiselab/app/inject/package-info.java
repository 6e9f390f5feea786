/** The Guice module that wires the services, view models and views of one window. */
package org.noiselab.app.inject;
