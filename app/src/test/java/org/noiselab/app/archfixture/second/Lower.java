package org.noiselab.app.archfixture.second;

import org.noiselab.app.archfixture.first.Upper;

/** The back-edge of the deliberate cycle. */
public final class Lower {

    public Upper upper() {
        return new Upper();
    }
}
