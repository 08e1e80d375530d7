package org.vecprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.vecprop.kernel.ElementwiseCase.cases;
import static org.vecprop.testing.BadCalls.IAE;
import static org.vecprop.testing.BadCalls.NPE;
import static org.vecprop.testing.BadCalls.IOOBE;
import static org.vecprop.testing.BadCalls.binary;
import static org.vecprop.testing.BadCalls.rejectedBeforeAnyWrite;
import static org.vecprop.testing.BadCalls.unary;
import static org.vecprop.testing.VectorLength.L;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.vecprop.testing.BadCalls;
import org.vecprop.testing.BadCalls.Bad;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Props;
import org.vecprop.testing.Values;

/**
 * {@link Relu}: forward, mask, backward, and backward fused with the bias gradient, against the
 * reference. They are bit-identical by construction (same operations, same order per element or
 * column), so the tolerance is zero; cases come from {@link ElementwiseCase}, in place or not.
 * Also the bad input of every entry point. Asked for by mutation testing (scripts/mutation):
 * one strided operand among contiguous ones, and the fused backward's db overlapping dy.
 */
class ReluTest {

    // ------------------------------------------------------- against the reference (bit-identical)

    @Test
    void forwardIsBitIdentical() {
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] x = c.matrix(rnd, 0);
            float[] expected = c.inPlace() ? x.clone() : c.matrix(rnd, 1);
            float[] actual = expected.clone();
            int yOff = c.inPlace() ? c.off(0) : c.off(1), ldy = c.inPlace() ? c.ld(0) : c.ld(1);
            float[] xRef = c.inPlace() ? expected : x.clone();
            float[] xAct = c.inPlace() ? actual : x;
            org.vecprop.reference.ReferenceRelu.forward(c.rows(), c.cols(), xRef, c.off(0), c.ld(0),
                    expected, yOff, ldy);
            Relu.forward(c.rows(), c.cols(), xAct, c.off(0), c.ld(0), actual, yOff, ldy);
            Compare.sameArray(expected, actual, c + " y");
        });
    }

    @Test
    void maskIsBitIdentical() {
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] z = c.matrix(rnd, 0);
            float[] expected = c.matrix(rnd, 1);
            float[] actual = expected.clone();
            org.vecprop.reference.ReferenceRelu.mask(c.rows(), c.cols(), z, c.off(0), c.ld(0),
                    expected, c.off(1), c.ld(1));
            Relu.mask(c.rows(), c.cols(), z, c.off(0), c.ld(0), actual, c.off(1), c.ld(1));
            Compare.sameArray(expected, actual, c + " mask");
        });
    }

    @Test
    void backwardIsBitIdentical() {
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] z = c.matrix(rnd, 0);
            float[] dy = c.matrix(rnd, 1);
            float[] dzInit = c.matrix(rnd, 2);
            // In place: dz is dy itself.
            float[] expDy = dy.clone(), actDy = dy.clone();
            float[] expDz = c.inPlace() ? expDy : dzInit.clone();
            float[] actDz = c.inPlace() ? actDy : dzInit.clone();
            int dzOff = c.inPlace() ? c.off(1) : c.off(2), lddz = c.inPlace() ? c.ld(1) : c.ld(2);
            org.vecprop.reference.ReferenceRelu.backward(c.rows(), c.cols(), z, c.off(0), c.ld(0),
                    expDy, c.off(1), c.ld(1), expDz, dzOff, lddz);
            Relu.backward(c.rows(), c.cols(), z, c.off(0), c.ld(0),
                    actDy, c.off(1), c.ld(1), actDz, dzOff, lddz);
            Compare.sameArray(expDz, actDz, c + " dz");
            Compare.sameArray(expDy, actDy, c + " dy");
        });
    }

    @Test
    void backwardWithBiasGradientIsBitIdentical() {
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] z = c.matrix(rnd, 0);
            float[] dy = c.matrix(rnd, 1);
            float[] db0 = Values.random(rnd, c.off(2) + c.cols() + 2, c.specials(), 1f);
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] expDy = dy.clone(), actDy = dy.clone();
                float[] expDb = db0.clone(), actDb = db0.clone();
                // dz in place on dy, as the dense backward pass uses it.
                org.vecprop.reference.ReferenceRelu.backward(c.rows(), c.cols(), z, c.off(0), c.ld(0),
                        expDy, c.off(1), c.ld(1), expDy, c.off(1), c.ld(1));
                org.vecprop.reference.ReferenceBias.gradient(c.rows(), c.cols(), expDy, c.off(1), c.ld(1),
                        expDb, c.off(2), accumulate);
                Relu.backwardWithBiasGradient(c.rows(), c.cols(), z, c.off(0), c.ld(0), actDy, c.off(1), c.ld(1),
                        actDy, c.off(1), c.ld(1), actDb, c.off(2), accumulate);
                Compare.sameArray(expDy, actDy, c + " dz accumulate=" + accumulate);
                Compare.sameArray(expDb, actDb, c + " db accumulate=" + accumulate);
            }
        });
    }

    @Test
    void withOneStridedOperand() {
        // The kernels treat all-contiguous operands as one long row; one strided operand must
        // turn that off. Each operand strided in turn, the others contiguous.
        int rows = 3, cols = 2 * L + 3;
        Random rnd = new Random(9);
        for (int strided = 0; strided < 3; strided++) {
            int[] ld = {cols, cols, cols};
            ld[strided] = cols + 2;
            float[] p = Values.random(rnd, rows * ld[0], 0, 2f);
            float[] t = Values.random(rnd, rows * ld[1], 0, 2f);
            float[] g0 = Values.random(rnd, rows * ld[2], 0, 2f);
            float[] yRef = g0.clone(), y = g0.clone();
            org.vecprop.reference.ReferenceRelu.backward(rows, cols, p, 0, ld[0], t, 0, ld[1], yRef, 0, ld[2]);
            Relu.backward(rows, cols, p, 0, ld[0], t, 0, ld[1], y, 0, ld[2]);
            Compare.sameArray(yRef, y, "Relu.backward, operand " + strided + " strided");
            if (strided < 2) {
                // x strided and y contiguous, then the other way round.
                int ldx = ld[0], ldy = ld[1];
                float[] x = p;
                float[] mRef = Values.random(rnd, rows * ldy, 0, 1f), mk = mRef.clone();
                org.vecprop.reference.ReferenceRelu.mask(rows, cols, x, 0, ldx, mRef, 0, ldy);
                Relu.mask(rows, cols, x, 0, ldx, mk, 0, ldy);
                Compare.sameArray(mRef, mk, "Relu.mask, operand " + strided + " strided");
                float[] fRef = mRef.clone(), f = mRef.clone();
                org.vecprop.reference.ReferenceRelu.forward(rows, cols, x, 0, ldx, fRef, 0, ldy);
                Relu.forward(rows, cols, x, 0, ldx, f, 0, ldy);
                Compare.sameArray(fRef, f, "Relu.forward, operand " + strided + " strided");
            }
        }
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void backwardWithBiasGradientRejectsDbOverlappingDy() {
        float[] z = new float[16], dy = new float[24], dz = new float[16];
        float[] before = dy.clone();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Relu.backwardWithBiasGradient(4, 4, z, 0, 4, dy, 0, 4, dz, 0, 4, dy, 14, true));
        assertEquals("db must not overlap dy: db spans elements 14..17 and dy 0..15 of the same array", e.getMessage());
        Compare.sameArray(before, dy, "dy untouched");
        // Right after dy it is fine.
        Relu.backwardWithBiasGradient(4, 4, z, 0, 4, dy, 0, 4, dz, 0, 4, dy, 16, true);
    }

    @Test
    void generatedInvalidForwardCallsAreRejected() {
        InvalidCalls.check("Relu.forward", new int[][] {{3, 5}, {3, 5}}, new String[] {"x", "y"}, 1,
                m -> Relu.forward(m[0].rows, m[0].cols, m[0].array, m[0].off, m[0].ld, m[1].array, m[1].off, m[1].ld));
    }

    @Test
    void generatedInvalidBackwardCallsAreRejected() {
        InvalidCalls.check("Relu.backward", new int[][] {{3, 5}, {3, 5}, {3, 5}}, new String[] {"z", "dy", "dz"}, 1,
                m -> Relu.backward(m[0].rows, m[0].cols, m[0].array, m[0].off, m[0].ld,
                        m[1].array, m[1].off, m[1].ld, m[2].array, m[2].off, m[2].ld));
    }

    /**
     * Every entry point rejects bad arguments before writing: the exception is
     * IllegalArgumentException or IndexOutOfBoundsException, its message names the argument and its
     * value, and every array keeps its bits (the rows: {@link BadCalls}).
     */
    @TestFactory
    List<DynamicTest> badCallsAreRejectedBeforeAnyWrite() {
        List<Bad> l = new ArrayList<>();
        l.addAll(unary("Relu.forward", "x", "y", Relu::forward));
        l.addAll(unary("Relu.mask", "z", "m", Relu::mask));
        l.addAll(binary("Relu.backward", "z", "dy", "dz", Relu::backward));
        l.addAll(binary("Relu.backwardWithBiasGradient", "z", "dy", "dz",
                (r, c, x, xo, lx, y, yo, ly, o, oo, lo) -> Relu.backwardWithBiasGradient(r, c, x, xo, lx, y, yo, ly,
                        o, oo, lo, new float[Math.max(0, c)], 0, true)));
        l.add(new Bad("Relu.backwardWithBiasGradient null db", NPE, "db must not be null",
                a -> Relu.backwardWithBiasGradient(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 0, 4, null, 0, false)));
        l.add(new Bad("Relu.backwardWithBiasGradient db overlaps z", IAE, "db must not overlap z: db spans elements 3..6",
                a -> Relu.backwardWithBiasGradient(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 0, 4, a.a, 3, false)));
        l.add(new Bad("Relu.backwardWithBiasGradient db overlaps dz", IAE, "db must not overlap dz: db spans elements 60..63",
                a -> Relu.backwardWithBiasGradient(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 48, 4, a.c, 60, false)));
        l.add(new Bad("Relu.backwardWithBiasGradient db past end", IOOBE, "db must fit in its array: 4 elements at dbOff = 62",
                a -> Relu.backwardWithBiasGradient(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 0, 4, a.d, 62, false)));
        return rejectedBeforeAnyWrite(l);
    }
}
