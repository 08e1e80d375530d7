package org.vecprop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Simd;

/**
 * The classification kernels compute the same bits cold (partly interpreted) and hot in this JVM,
 * and print their hash ({@link ClassificationBits}) for comparison across configurations. It is
 * kept out of {@code vecprop.samebits.dir}, whose files {@code scripts/test} requires to be one
 * hash: the lead adds it beside {@code SameBitsTest}'s as a named hash.
 */
class ClassificationBitsTest {
    @Test
    void coldAndHotAgreeAndTheHashIsPrinted() {
        String cold = ClassificationBits.hash();
        String hot = ClassificationBits.hash();
        assertEquals(cold, hot, "the classification calls gave different bits before and after JIT compilation");
        System.out.println("[vecprop] classification same-bits hash " + hot + " ("
                + System.getProperty("vecprop.config", "default") + "; " + Simd.description() + ")");
    }
}
