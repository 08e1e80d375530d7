package org.vecprop.internal;

import jdk.incubator.vector.FloatVector;

/**
 * The one place {@link Vectorization} touches the Vector API, loaded only after it has checked that the
 * module is present, so a JVM without the module never resolves a Vector API class.
 */
final class VectorProbe {
    private VectorProbe() {}

    static int preferredFloatBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }
}
