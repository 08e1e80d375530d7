package org.vecprop.jmh;

import org.bytedeco.openblas.global.openblas;

/**
 * OpenBLAS (through JavaCPP's {@code org.bytedeco:openblas}) as every peer here uses it: on one
 * thread, so that it runs on one core like vecprop.
 */
public final class OpenBlas {
    private OpenBlas() {}

    /**
     * Limits OpenBLAS to one thread and checks that it took.
     *
     * @throws IllegalStateException if OpenBLAS still reports more than one thread
     */
    public static void useOneThread() {
        openblas.blas_set_num_threads(1);
        int threads = openblas.blas_get_num_threads();
        if (threads != 1) {
            throw new IllegalStateException("OpenBLAS still uses " + threads + " threads");
        }
    }

    /**
     * @return the version, thread count, build core and {@code OPENBLAS_CORETYPE} (unset means
     *     OpenBLAS picks its kernel for this CPU), for the log of a run
     */
    public static String description() {
        return openblas.OPENBLAS_VERSION.trim() + ", threads " + openblas.blas_get_num_threads()
                + ", build core " + openblas.OPENBLAS_CHAR_CORENAME
                + ", OPENBLAS_CORETYPE=" + System.getenv("OPENBLAS_CORETYPE");
    }
}
