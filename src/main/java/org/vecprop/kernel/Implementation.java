package org.vecprop.kernel;

import java.lang.reflect.Proxy;
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

    /**
     * The Vector API kernels when SIMD is on; else the scalar ones; or, when
     * {@code -Dvecprop.requireSimd=true} asks for full speed or nothing and SIMD is off or the JVM
     * has no hardware FMA, kernels that refuse every call.
     */
    static final Kernels KERNELS = Vectorization.REQUIRED && Vectorization.WHY_SLOW != null
            ? refusing()
            : Vectorization.ENABLED ? VectorKernels.INSTANCE : ScalarKernels.INSTANCE;

    /**
     * Kernels whose every method throws {@link IllegalStateException} saying why SIMD is off. A
     * proxy, since no call ever computes anything: it only needs to exist and refuse.
     */
    private static Kernels refusing() {
        return (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(),
                new Class<?>[] {Kernels.class}, (proxy, method, args) -> {
                    throw new IllegalStateException(Simd.refusal());
                });
    }
}
