package org.vecprop.kernel;

import static org.vecprop.kernel.ElementwiseCase.cases;
import static org.vecprop.testing.BadCalls.IAE;
import static org.vecprop.testing.BadCalls.IOOBE;
import static org.vecprop.testing.BadCalls.NPE;
import static org.vecprop.testing.BadCalls.binary;
import static org.vecprop.testing.BadCalls.rejectedBeforeAnyWrite;
import static org.vecprop.testing.BadCalls.unary;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Test;
import org.vecprop.reference.ReferenceRelu;
import org.vecprop.testing.BadCalls.Bad;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Props;

/**
 * {@link Activation}'s own kernels where they are not another class's: the identity's passes (a
 * copy, so the tolerance is zero and every bit of x or dy must arrive, NaN payloads included),
 * ReLU's backward pass from the activation a rather than z (the mask {@code a > 0} must be the
 * mask {@code z > 0} bit for bit, also for NaN, ±0 and ±Inf), and the bad calls of every
 * constant. The sigmoid's and tanh's passes are {@link SigmoidTest}'s and {@link TanhTest}'s,
 * ReLU's forward pass {@link ReluTest}'s. Cases from {@link ElementwiseCase}: padding around
 * every window must keep its bits.
 */
class ActivationTest {

    @Test
    void identityForwardCopiesXBitForBit() {
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] x = c.matrix(rnd, 0);
            float[] y = c.inPlace() ? x : c.matrix(rnd, 1);
            int yOff = c.inPlace() ? c.off(0) : c.off(1), ldy = c.inPlace() ? c.ld(0) : c.ld(1);
            float[] xBefore = x.clone(), expected = y.clone();
            for (int i = 0; i < c.rows(); i++) {
                for (int j = 0; j < c.cols(); j++) {
                    expected[yOff + i * ldy + j] = xBefore[c.off(0) + i * c.ld(0) + j];
                }
            }
            Activation.IDENTITY.forward(c.rows(), c.cols(), x, c.off(0), c.ld(0), y, yOff, ldy);
            Compare.sameArray(expected, y, c + " y");
            Compare.sameArray(c.inPlace() ? expected : xBefore, x, c + " x");
        });
    }

    @Test
    void identityBackwardCopiesDyBitForBitAndReadsNothingOfA() {
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] a = c.matrix(rnd, 0), dy = c.matrix(rnd, 1);
            float[] dz = c.inPlace() ? dy : c.matrix(rnd, 2);
            int dzOff = c.inPlace() ? c.off(1) : c.off(2), lddz = c.inPlace() ? c.ld(1) : c.ld(2);
            float[] dyBefore = dy.clone(), expected = dz.clone();
            for (int i = 0; i < c.rows(); i++) {
                for (int j = 0; j < c.cols(); j++) {
                    expected[dzOff + i * lddz + j] = dyBefore[c.off(1) + i * c.ld(1) + j];
                }
            }
            Activation.IDENTITY.backward(c.rows(), c.cols(), a, c.off(0), c.ld(0), dy, c.off(1), c.ld(1),
                    dz, dzOff, lddz);
            Compare.sameArray(expected, dz, c + " dz");
        });
    }

    @Test
    void identityBackwardWithBiasGradientIsTheCopyThenTheBiasGradient() {
        // Documented as bit-identical to backward followed by Bias.gradient, in both modes and
        // with or without the caller's workspace.
        Workspace ws = new Workspace();
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] a = c.matrix(rnd, 0), dy = c.matrix(rnd, 1), dz0 = c.matrix(rnd, 2);
            float[] db0 = org.vecprop.testing.Values.random(rnd, c.cols() + 5, 0, 1f);
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] dzExp = dz0.clone(), dbExp = db0.clone();
                Activation.IDENTITY.backward(c.rows(), c.cols(), a, c.off(0), c.ld(0), dy, c.off(1), c.ld(1),
                        dzExp, c.off(2), c.ld(2));
                Bias.gradient(c.rows(), c.cols(), dzExp, c.off(2), c.ld(2), dbExp, 2, accumulate);
                float[] dz = dz0.clone(), db = db0.clone(), dzWs = dz0.clone(), dbWs = db0.clone();
                Activation.IDENTITY.backwardWithBiasGradient(c.rows(), c.cols(), a, c.off(0), c.ld(0),
                        dy, c.off(1), c.ld(1), dz, c.off(2), c.ld(2), db, 2, accumulate);
                Activation.IDENTITY.backwardWithBiasGradient(c.rows(), c.cols(), a, c.off(0), c.ld(0),
                        dy, c.off(1), c.ld(1), dzWs, c.off(2), c.ld(2), dbWs, 2, accumulate, ws);
                Compare.sameArray(dzExp, dz, c + " dz, accumulate " + accumulate);
                Compare.sameArray(dbExp, db, c + " db, accumulate " + accumulate);
                Compare.sameArray(dzExp, dzWs, c + " dz with a workspace, accumulate " + accumulate);
                Compare.sameArray(dbExp, dbWs, c + " db with a workspace, accumulate " + accumulate);
            }
        });
    }

    @Test
    void reluBackwardFromTheActivationIsReluBackwardFromZ() {
        // A layer stores a = relu(z) and passes it where Relu's own front takes z: the two must
        // agree bit for bit, fused or not (ElementwiseCase's specials bring NaN, ±0 and ±Inf).
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] z = c.matrix(rnd, 0), dy = c.matrix(rnd, 1), dz0 = c.matrix(rnd, 2);
            float[] a = z.clone();
            ReferenceRelu.forward(c.rows(), c.cols(), z, c.off(0), c.ld(0), a, c.off(0), c.ld(0));
            float[] fromZ = dz0.clone(), fromA = dz0.clone();
            Relu.backward(c.rows(), c.cols(), z, c.off(0), c.ld(0), dy, c.off(1), c.ld(1), fromZ, c.off(2), c.ld(2));
            Activation.RELU.backward(c.rows(), c.cols(), a, c.off(0), c.ld(0), dy, c.off(1), c.ld(1),
                    fromA, c.off(2), c.ld(2));
            Compare.sameArray(fromZ, fromA, c + " dz");
            float[] dbZ = new float[c.cols() + 1], dbA = new float[c.cols() + 1];
            float[] fusedZ = dz0.clone(), fusedA = dz0.clone();
            Relu.backwardWithBiasGradient(c.rows(), c.cols(), z, c.off(0), c.ld(0), dy, c.off(1), c.ld(1),
                    fusedZ, c.off(2), c.ld(2), dbZ, 1, false);
            Activation.RELU.backwardWithBiasGradient(c.rows(), c.cols(), a, c.off(0), c.ld(0), dy, c.off(1),
                    c.ld(1), fusedA, c.off(2), c.ld(2), dbA, 1, false);
            Compare.sameArray(fusedZ, fusedA, c + " fused dz");
            Compare.sameArray(dbZ, dbA, c + " db");
        });
    }

    /**
     * Every constant's every entry point rejects bad arguments before writing, naming them as
     * this class's parameters do (the backward input is a, where {@link Relu} names it z).
     */
    @TestFactory
    List<DynamicTest> badCallsAreRejectedBeforeAnyWrite() {
        List<Bad> l = new ArrayList<>();
        for (Activation f : Activation.values()) {
            String name = "Activation." + f;
            l.addAll(unary(name + ".forward", "x", "y", f::forward));
            l.addAll(binary(name + ".backward", "a", "dy", "dz", f::backward));
            l.addAll(binary(name + ".backwardWithBiasGradient", "a", "dy", "dz",
                    (r, c, x, xo, lx, y, yo, ly, o, oo, lo) -> f.backwardWithBiasGradient(r, c, x, xo, lx, y, yo, ly,
                            o, oo, lo, new float[Math.max(0, c)], 0, true)));
            l.add(new Bad(name + ".backwardWithBiasGradient null db", NPE, "db must not be null",
                    a -> f.backwardWithBiasGradient(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 0, 4, null, 0, false)));
            l.add(new Bad(name + ".backwardWithBiasGradient db overlaps a", IAE,
                    "db must not overlap a: db spans elements 3..6",
                    a -> f.backwardWithBiasGradient(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 0, 4, a.a, 3, false)));
            l.add(new Bad(name + ".backwardWithBiasGradient db past end", IOOBE,
                    "db must fit in its array: 4 elements at dbOff = 62",
                    a -> f.backwardWithBiasGradient(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 0, 4, a.d, 62, false)));
            l.add(new Bad(name + ".backwardWithBiasGradient null workspace", NPE, "workspace must not be null",
                    a -> f.backwardWithBiasGradient(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 0, 4, a.d, 0, false, null)));
        }
        return rejectedBeforeAnyWrite(l);
    }
}
