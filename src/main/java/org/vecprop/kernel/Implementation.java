package org.vecprop.kernel;

import org.vecprop.internal.Kernels;
import org.vecprop.internal.Vectorization;
import org.vecprop.internal.scalar.ScalarKernels;
import org.vecprop.internal.vector.VectorKernels;

/**
 * Which implementation every public kernel runs: chosen once, here, from {@link
 * Vectorization}'s decision (which also logged why). A {@code static final}, so the JIT sees one
 * implementation and inlines through the interface.
 */
final class Implementation {
    private Implementation() {}

    /** The Vector API kernels when SIMD is on, else the scalar ones. */
    static final Kernels KERNELS = Vectorization.ENABLED ? VectorKernels.INSTANCE : ScalarKernels.INSTANCE;
}
