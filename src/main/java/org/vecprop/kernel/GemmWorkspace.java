package org.vecprop.kernel;

import org.vecprop.internal.PackBuffers;

/**
 * Packing buffers for {@link Gemm}, for callers who manage their own memory: pass one to
 * {@link Gemm#multiply(boolean, boolean, int, int, int, float, float[], int, int, float[], int,
 * int, float, float[], int, int, GemmWorkspace)}. Calls without a workspace use one per thread.
 *
 * <p>A workspace grows to the largest panels it has been asked for and never shrinks (at most
 * {@code MC * KC + KC * NC} floats plus one register tile: about 2.6 MB at the default
 * blocking). It is not thread-safe: one thread uses it at a time.
 */
public final class GemmWorkspace {
    final PackBuffers buffers = new PackBuffers();

    /** Creates an empty workspace; its buffers grow on first use. */
    public GemmWorkspace() {}
}
