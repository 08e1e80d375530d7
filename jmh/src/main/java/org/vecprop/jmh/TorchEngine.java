package org.vecprop.jmh;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/**
 * PyTorch through DJL as every benchmark here uses it: loaded offline from the jars on the class
 * path (ai.djl.pytorch:pytorch-engine 0.36.0, pytorch-jni 2.7.1-0.36.0, pytorch-native-cpu 2.7.1
 * linux-x86_64), on one intra-op and one inter-op thread. {@link BenchmarkDefaults} sets the
 * system properties this checks.
 */
final class TorchEngine {
    private static final String WHAT = "PyTorch through DJL (ai.djl.pytorch:pytorch-engine 0.36.0, "
            + "pytorch-jni 2.7.1-0.36.0, pytorch-native-cpu 2.7.1 linux-x86_64)";

    private TorchEngine() {}

    /**
     * Creates a DJL model object, making sure libtorch comes from the jar and runs on one thread.
     *
     * @param create builds the object; the first use of DJL, which loads libtorch
     * @return what {@code create} built
     * @throws IllegalStateException if {@code -Dai.djl.offline=true} is missing, if libtorch
     *     cannot be loaded, or if it runs on more than one intra-op or inter-op thread
     */
    static <T> T load(Supplier<T> create) {
        if (!"true".equals(System.getProperty("ai.djl.offline"))) {
            throw new IllegalStateException(WHAT + " must run with -Dai.djl.offline=true, so that "
                    + "libtorch comes from the pytorch-native-cpu jar and nothing is downloaded");
        }
        T made;
        try {
            made = create.get();
        } catch (Throwable e) {
            throw new IllegalStateException(WHAT + " could not be loaded offline from the "
                    + "benchmark jar: " + e, e);
        }
        int intra = JniUtils.getNumThreads(), inter = JniUtils.getNumInteropThreads();
        if (intra != 1 || inter != 1) {
            throw new IllegalStateException("libtorch uses " + intra + " intra-op and " + inter
                    + " inter-op threads, not 1 and 1: run with "
                    + "-Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1");
        }
        return made;
    }

    /** @return the engine's name and version and its thread counts, e.g. for the log of a run */
    static String description() {
        Engine engine = Engine.getEngine("PyTorch");
        return engine.getEngineName() + " " + engine.getVersion() + " (DJL " + Engine.getDjlVersion()
                + "), intra-op threads " + JniUtils.getNumThreads() + ", inter-op threads "
                + JniUtils.getNumInteropThreads();
    }
}
