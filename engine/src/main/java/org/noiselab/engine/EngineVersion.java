package org.noiselab.engine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The engine's version, recorded in every checkpoint. */
public final class EngineVersion {

    private static final String VERSION = load();

    private EngineVersion() {
    }

    /** The Maven version of the engine module, or {@code "unknown"} when run from unpackaged sources. */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = EngineVersion.class.getResourceAsStream("engine-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
