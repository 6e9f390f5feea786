package org.noiselab.engine.kernel;

import java.util.Locale;

/**
 * Which {@link ConvolutionKernel} the convolutional layers use, for the whole process: {@code jvm} ({@link Conv3x3},
 * the default), {@code nd4j} ({@link Nd4jConv3x3}), or {@code auto}, which picks {@code nd4j} when ND4J's CUDA
 * backend is on the class path (the Maven profile {@code cuda}) and {@code jvm} otherwise. Set with the system
 * property {@code noiselab.conv} or the environment variable {@code NOISELAB_CONV} (the property wins), or
 * {@link #setBackend} before models are built; layers keep the backend they were built with.
 */
public final class ConvolutionKernels {

    /** A kernel implementation. */
    public enum Backend { JVM, ND4J }

    /** A class of ND4J's CUDA backend (nd4j-cuda-11.x); present only when that backend is on the class path. */
    static final String CUDA_BACKEND_CLASS = "org.nd4j.linalg.jcublas.JCublasBackend";

    private static volatile Backend backend;

    private ConvolutionKernels() {
    }

    private static volatile boolean nd4jStarted;

    /**
     * A 3x3 kernel of the given backend for {@code h x w} images, {@code cin -> cout} channels; ND4J's backend is
     * started here, on first use.
     *
     * @throws BackendUnavailableException when the ND4J kernel is chosen and ND4J's backend cannot start (no GPU, no
     *                                     CUDA libraries), naming the way back to the JVM kernel
     */
    public static ConvolutionKernel create(Backend chosen, int h, int w, int cin, int cout) {
        if (chosen == Backend.JVM) {
            return new Conv3x3(h, w, cin, cout);
        }
        startNd4j();
        return new Nd4jConv3x3(h, w, cin, cout);
    }

    private static void startNd4j() {
        if (nd4jStarted) {
            return;
        }
        try {
            org.nd4j.linalg.factory.Nd4j.getBackend();
            org.nd4j.linalg.factory.Nd4j.zeros(1);
            nd4jStarted = true;
        } catch (Throwable e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new BackendUnavailableException("ND4J's " + (cudaOnClassPath() ? "CUDA" : "CPU")
                    + " backend could not start for the convolutions (" + root.getMessage()
                    + "); set NOISELAB_CONV=jvm to use the JVM kernel", e);
        }
    }

    /** ND4J's backend, chosen for the convolutions, cannot start on this machine. */
    public static final class BackendUnavailableException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        BackendUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The backend layers built from now on use (read from the setting on first use).
     *
     * @throws IllegalArgumentException when the setting names no backend
     */
    public static Backend backend() {
        Backend b = backend;
        if (b == null) {
            b = fromSetting(System.getProperty("noiselab.conv", System.getenv().getOrDefault("NOISELAB_CONV",
                    "auto")));
            backend = b;
        }
        return b;
    }

    /** Sets the backend for layers built from now on. */
    public static void setBackend(Backend chosen) {
        backend = java.util.Objects.requireNonNull(chosen, "backend");
    }

    /**
     * The backend a setting names: {@code jvm}, {@code nd4j} or {@code auto}.
     *
     * @throws IllegalArgumentException for any other value
     */
    public static Backend fromSetting(String setting) {
        return switch (setting.trim().toLowerCase(Locale.ROOT)) {
            case "jvm" -> Backend.JVM;
            case "nd4j" -> Backend.ND4J;
            case "auto", "" -> cudaOnClassPath() ? Backend.ND4J : Backend.JVM;
            default -> throw new IllegalArgumentException("noiselab.conv / NOISELAB_CONV = '" + setting
                    + "': expected jvm, nd4j or auto");
        };
    }

    /** Whether ND4J's CUDA backend is on the class path (checked without loading ND4J). */
    public static boolean cudaOnClassPath() {
        return ConvolutionKernels.class.getClassLoader().getResource(CUDA_BACKEND_CLASS.replace('.', '/') + ".class")
                != null;
    }
}
