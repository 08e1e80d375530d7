package org.vecprop.reference;

import static org.vecprop.testing.BadCalls.binary;
import static org.vecprop.testing.BadCalls.bias;
import static org.vecprop.testing.BadCalls.gemm;
import static org.vecprop.testing.BadCalls.lossRejectingOverlapToo;
import static org.vecprop.testing.BadCalls.rejectedBeforeAnyWrite;
import static org.vecprop.testing.BadCalls.unary;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.vecprop.testing.BadCalls;
import org.vecprop.testing.BadCalls.Bad;

/**
 * The oracle validates like the kernels: each reference method rejects the same bad calls, with
 * the same exception types and messages naming the argument, before writing. The rows are the
 * kernels' tables ({@link BadCalls}); the kernels' own rows are in their test classes.
 */
class ReferenceBadInputTest {

    @TestFactory
    List<DynamicTest> gemmRejectsBadCallsBeforeAnyWrite() {
        return rejectedBeforeAnyWrite(gemm("ReferenceGemm.multiply", ReferenceGemm::multiply));
    }

    @TestFactory
    List<DynamicTest> reluRejectsBadCallsBeforeAnyWrite() {
        List<Bad> l = new ArrayList<>();
        l.addAll(unary("ReferenceRelu.forward", "x", "y", ReferenceRelu::forward));
        l.addAll(unary("ReferenceRelu.mask", "z", "m", ReferenceRelu::mask));
        l.addAll(binary("ReferenceRelu.backward", "z", "dy", "dz", ReferenceRelu::backward));
        return rejectedBeforeAnyWrite(l);
    }

    @TestFactory
    List<DynamicTest> mseRejectsBadCallsBeforeAnyWrite() {
        List<Bad> l = new ArrayList<>();
        l.addAll(binary("ReferenceMse.lossAndGradient", "p", "t", "g",
                (r, c, x, xo, lx, y, yo, ly, o, oo, lo) ->
                        ReferenceMse.lossAndGradient(r, c, x, xo, lx, y, yo, ly, o, oo, lo)));
        // The loss writes nothing, so only the messages are checked.
        l.addAll(unary("ReferenceMse.loss", "p", "t", lossRejectingOverlapToo(ReferenceMse::loss)));
        return rejectedBeforeAnyWrite(l);
    }

    @TestFactory
    List<DynamicTest> biasRejectsBadCallsBeforeAnyWrite() {
        return rejectedBeforeAnyWrite(bias("ReferenceBias", ReferenceBias::add, ReferenceBias::gradient));
    }

    @Test
    void updateRejectsBadArgumentsBeforeWriting() {
        BadCalls.sgdChecks(ReferenceUpdate::sgd);
    }
}
