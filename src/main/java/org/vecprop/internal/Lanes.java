package org.vecprop.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float species every Vector API kernel uses, fixed once from {@link Vectorization#BITS}.
 * Being a {@code static final}, C2 treats it as a constant, so the kernels compile to straight
 * vector code of exactly this width. Loaded only when {@link Vectorization#ENABLED}: a JVM
 * without the incubator module never touches this class.
 */
public final class Lanes {
    private Lanes() {}

    /** The species of every kernel's vectors. */
    public static final VectorSpecies<Float> F =
            FloatVector.SPECIES_MAX.length() * 32 == Vectorization.BITS
                    ? FloatVector.SPECIES_MAX
                    : VectorSpecies.of(float.class, VectorShape.forBitSize(Vectorization.BITS));

    /** Lanes per vector. */
    public static final int L = F.length();
}
