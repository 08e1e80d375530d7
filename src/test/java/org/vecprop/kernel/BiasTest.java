package org.vecprop.kernel;

import static org.vecprop.kernel.ElementwiseCase.cases;
import static org.vecprop.testing.BadCalls.bias;
import static org.vecprop.testing.BadCalls.rejectedBeforeAnyWrite;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.vecprop.testing.BadCalls;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Props;
import org.vecprop.testing.Values;

/**
 * {@link Bias}: add and gradient against the reference, bit-identical by construction (the same
 * summation order per column), on generated cases ({@link ElementwiseCase}), in place or not,
 * accumulating or not; and the bad input of both.
 */
class BiasTest {

    @Test
    void addIsBitIdentical() {
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] x = c.matrix(rnd, 0);
            float[] bias = Values.random(rnd, c.off(2) + c.cols() + 2, c.specials(), 1f);
            float[] expected = c.inPlace() ? x.clone() : c.matrix(rnd, 1);
            float[] actual = expected.clone();
            float[] xRef = c.inPlace() ? expected : x;
            float[] xAct = c.inPlace() ? actual : x;
            int yOff = c.inPlace() ? c.off(0) : c.off(1), ldy = c.inPlace() ? c.ld(0) : c.ld(1);
            float[] biasBefore = bias.clone();
            org.vecprop.reference.ReferenceBias.add(c.rows(), c.cols(), xRef, c.off(0), c.ld(0),
                    bias, c.off(2), expected, yOff, ldy);
            Bias.add(c.rows(), c.cols(), xAct, c.off(0), c.ld(0), bias, c.off(2), actual, yOff, ldy);
            Compare.sameArray(expected, actual, c + " y");
            Compare.sameArray(biasBefore, bias, c + " bias");
        });
    }

    @Test
    void gradientIsBitIdentical() {
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] dz = c.matrix(rnd, 0);
            float[] db0 = Values.random(rnd, c.off(1) + c.cols() + 2, c.specials(), 1f);
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] expected = db0.clone(), actual = db0.clone();
                org.vecprop.reference.ReferenceBias.gradient(c.rows(), c.cols(), dz, c.off(0), c.ld(0),
                        expected, c.off(1), accumulate);
                Bias.gradient(c.rows(), c.cols(), dz, c.off(0), c.ld(0), actual, c.off(1), accumulate);
                Compare.sameArray(expected, actual, c + " db accumulate=" + accumulate);
            }
        });
    }

    /**
     * Both entry points reject bad arguments before writing: the exception is
     * IllegalArgumentException or IndexOutOfBoundsException, its message names the argument and its
     * value, and every array keeps its bits (the rows: {@link BadCalls#bias}).
     */
    @TestFactory
    List<DynamicTest> badCallsAreRejectedBeforeAnyWrite() {
        return rejectedBeforeAnyWrite(bias("Bias", Bias::add, Bias::gradient));
    }

    /**
     * The gradient with a caller's workspace makes its own call to the checks: it rejects the
     * same bad calls, with the same exceptions and messages, before writing (Bias.add has no
     * workspace form, so its rows are left out).
     */
    @TestFactory
    List<DynamicTest> theGradientWithAWorkspaceRejectsTheSameBadCallsBeforeAnyWrite() {
        Workspace ws = new Workspace();
        return rejectedBeforeAnyWrite(bias("Bias (workspace)", Bias::add,
                (r, c, dz, dzOff, lddz, db, dbOff, acc) -> Bias.gradient(r, c, dz, dzOff, lddz, db, dbOff, acc, ws))
                .stream().filter(b -> b.what().contains(".gradient")).toList());
    }
}
