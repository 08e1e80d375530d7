package org.vecprop.testing;

import org.vecprop.kernel.Simd;

/**
 * The vector length of this run, for tests that choose shapes so that both the vector body and
 * the scalar tail of a row are exercised at every width.
 */
public final class VectorLength {
    private VectorLength() {}

    /** Floats per vector in this run (4 on the scalar path, where the value does not matter). */
    public static final int L = Math.max(4, Simd.vectorBits() / 32);
}
