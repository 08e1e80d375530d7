package org.vecprop.kernel;

import jdk.incubator.vector.FloatVector;

/**
 * The one place {@link Simd} touches the Vector API, loaded only after it has checked that the
 * module is present, so a JVM without the module never resolves a Vector API class.
 */
final class VectorProbe {
    private VectorProbe() {}

    static int preferredFloatBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }
}
