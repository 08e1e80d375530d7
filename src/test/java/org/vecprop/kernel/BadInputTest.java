package org.vecprop.kernel;

import static org.vecprop.testing.BadCalls.IAE;
import static org.vecprop.testing.BadCalls.IOOBE;
import static org.vecprop.testing.BadCalls.binary;
import static org.vecprop.testing.BadCalls.bias;
import static org.vecprop.testing.BadCalls.lossRejectingOverlapToo;
import static org.vecprop.testing.BadCalls.rejectedBeforeAnyWrite;
import static org.vecprop.testing.BadCalls.unary;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.vecprop.testing.BadCalls.Bad;

/** The element-wise kernels, and their reference twins, reject bad arguments before writing. */
class BadInputTest {

    static List<Bad> all() {
        List<Bad> l = new ArrayList<>();
        l.addAll(unary("Relu.forward", "x", "y", Relu::forward));
        l.addAll(unary("reference.Relu.forward", "x", "y", org.vecprop.reference.ReferenceRelu::forward));
        l.addAll(unary("Relu.mask", "z", "m", Relu::mask));
        l.addAll(unary("reference.Relu.mask", "z", "m", org.vecprop.reference.ReferenceRelu::mask));
        l.addAll(binary("Relu.backward", "z", "dy", "dz", Relu::backward));
        l.addAll(binary("reference.Relu.backward", "z", "dy", "dz",
                org.vecprop.reference.ReferenceRelu::backward));
        l.addAll(binary("Relu.backward(db)", "z", "dy", "dz",
                (r, c, x, xo, lx, y, yo, ly, o, oo, lo) -> Relu.backwardWithBiasGradient(r, c, x, xo, lx, y, yo, ly,
                        o, oo, lo, new float[Math.max(0, c)], 0, true)));
        l.add(new Bad("Relu.backward(db) null db", IAE, "db must not be null",
                a -> Relu.backwardWithBiasGradient(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 0, 4, null, 0, false)));
        l.add(new Bad("Relu.backward(db) db overlaps z", IAE, "db (elements 3..6) overlaps z",
                a -> Relu.backwardWithBiasGradient(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 0, 4, a.a, 3, false)));
        l.add(new Bad("Relu.backward(db) db overlaps dz", IAE, "db (elements 60..63) overlaps dz",
                a -> Relu.backwardWithBiasGradient(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 48, 4, a.c, 60, false)));
        l.add(new Bad("Relu.backward(db) db past end", IOOBE, "db: 4 elements at dbOff 62",
                a -> Relu.backwardWithBiasGradient(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 0, 4, a.d, 62, false)));
        l.addAll(binary("Mse.lossAndGradient", "p", "t", "g",
                (r, c, x, xo, lx, y, yo, ly, o, oo, lo) -> Mse.lossAndGradient(r, c, x, xo, lx, y, yo, ly, o, oo, lo)));
        l.addAll(binary("reference.Mse.lossAndGradient", "p", "t", "g",
                (r, c, x, xo, lx, y, yo, ly, o, oo, lo) ->
                        org.vecprop.reference.ReferenceMse.lossAndGradient(r, c, x, xo, lx, y, yo, ly, o, oo, lo)));
        // The loss writes nothing, so only the messages are checked; d serves as a bystander.
        l.addAll(unary("Mse.loss", "p", "t",
                lossRejectingOverlapToo(Mse::loss)));
        l.addAll(unary("reference.Mse.loss", "p", "t",
                lossRejectingOverlapToo(org.vecprop.reference.ReferenceMse::loss)));
        l.addAll(bias("Bias", Bias::add, Bias::gradient));
        l.addAll(bias("reference.Bias", org.vecprop.reference.ReferenceBias::add,
                org.vecprop.reference.ReferenceBias::gradient));
        return l;
    }

    @TestFactory
    List<DynamicTest> everyBadCallIsRejectedBeforeAnyWrite() {
        return rejectedBeforeAnyWrite(all());
    }
}
