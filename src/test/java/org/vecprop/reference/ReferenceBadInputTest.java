package org.vecprop.reference;

import static org.vecprop.testing.BadCalls.gemm;
import static org.vecprop.testing.BadCalls.rejectedBeforeAnyWrite;

import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The oracle validates like the kernels: each reference method rejects the same bad calls,
 * with the same exception types and messages naming the argument, before writing (the rows are
 * the kernels' tables, {@link org.vecprop.testing.BadCalls}).
 */
class ReferenceBadInputTest {

    @TestFactory
    List<DynamicTest> gemmRejectsBadCallsBeforeAnyWrite() {
        return rejectedBeforeAnyWrite(gemm("ReferenceGemm.multiply", ReferenceGemm::multiply));
    }
}
