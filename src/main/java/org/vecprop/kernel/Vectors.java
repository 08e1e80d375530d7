package org.vecprop.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float species every SIMD kernel uses, fixed once from {@link Simd#BITS}. Being a
 * {@code static final}, C2 treats it as a constant, so the kernels compile to straight vector
 * code of exactly this width. Loaded only when {@link Simd#ENABLED}.
 */
final class Vectors {
    private Vectors() {}

    static final VectorSpecies<Float> F =
            FloatVector.SPECIES_MAX.length() * 32 == Simd.BITS
                    ? FloatVector.SPECIES_MAX
                    : VectorSpecies.of(float.class, VectorShape.forBitSize(Simd.BITS));

    /** Lanes per vector. */
    static final int L = F.length();
}
