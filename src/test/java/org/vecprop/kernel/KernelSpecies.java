package org.vecprop.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float species the kernels use ({@link Vectors#F}), for tests in other packages that run
 * vector code in the same JVM as the kernels: they must use this very species (the same vector
 * class), because code shared by two vector classes of one width, such as the Vector API's own
 * methods and vecprop's exp, gets polluted type profiles, and C2 then boxes vectors (measured:
 * allocation on every call and about 100 times slower). On the scalar path, the preferred species.
 */
public final class KernelSpecies {
    private KernelSpecies() {}

    /** The kernels' species when SIMD is on, else {@link FloatVector#SPECIES_PREFERRED}. */
    public static VectorSpecies<Float> get() {
        return Simd.enabled() ? Vectors.F : FloatVector.SPECIES_PREFERRED;
    }
}
