package org.vecprop.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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

    /**
     * The masks of the first n lanes, n = 0 .. L, made once: a mask made per call may be
     * allocated. Used by the narrow GEMM's rows and the transpose of a short depth.
     */
    public static final VectorMask<Float>[] FIRST = firstLanes();

    @SuppressWarnings("unchecked")
    private static VectorMask<Float>[] firstLanes() {
        VectorMask<Float>[] masks = new VectorMask[L + 1];
        for (int n = 0; n <= L; n++) {
            masks[n] = F.indexInRange(0, n);
        }
        return masks;
    }
}
