package org.vecprop.kernel;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * ReLU, its derivative, bias add, bias gradient and the MSE gradient against the reference:
 * these are bit-identical by construction (same operations, same order per element or
 * column), so the tolerance is zero. The MSE loss differs only by summation order and
 * precision; its bound is {@code 40 * 2^-24} relative (see {@link Mse}).
 *
 * <p>Every case draws a shape (0 to 300 in each dimension), offsets and row strides larger
 * than the row, values with specials, and whether the output is the input itself (in place).
 * Array elements outside the written window must keep their bits.
 */
class ElementwisePropertiesTest {

    /** A generated layout: shape, offsets and strides of three matrices, and data. */
    record Case(int rows, int cols, int[] slack, boolean inPlace, long seed, int specials) {
        int ld(int which) {
            return Math.max(1, cols) + slack[2 * which + 1];
        }

        int off(int which) {
            return slack[2 * which];
        }

        /** A matrix array for operand {@code which} with padding around the window. */
        float[] matrix(Random rnd, int which) {
            return Values.random(rnd, off(which) + rows * ld(which) + 3, specials, 1f);
        }
    }

    static Gen<Case> cases() {
        Gen<int[]> shape = Props.dimension(300).zip(Props.dimension(300), (r, c) -> new int[] {r, c});
        Gen<int[]> slack = Generate.intArrays(Generate.constant(6), Props.slack());
        Gen<long[]> data = Generate.longRange(0, 1L << 40).zip(
                Generate.pick(java.util.List.of(0, 3, 100)), (s, p) -> new long[] {s, p});
        return shape.zip(slack, Generate.booleans(), data, (sh, sl, ip, d) ->
                new Case(sh[0], sh[1], sl, ip, d[0], (int) d[1]));
    }

    @Test
    void reluForwardIsBitIdentical() {
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
    void reluMaskIsBitIdentical() {
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
    void reluBackwardIsBitIdentical() {
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
    void reluBackwardWithBiasGradientIsBitIdentical() {
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
    void biasAddIsBitIdentical() {
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
    void biasGradientIsBitIdentical() {
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

    @Test
    void mseMatchesReference() {
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] p = c.matrix(rnd, 0);
            float[] t = c.matrix(rnd, 1);
            float[] g0 = c.matrix(rnd, 2);
            float expectedLoss = org.vecprop.reference.ReferenceMse.loss(c.rows(), c.cols(),
                    p, c.off(0), c.ld(0), t, c.off(1), c.ld(1));
            float loss = Mse.loss(c.rows(), c.cols(), p, c.off(0), c.ld(0), t, c.off(1), c.ld(1));
            closeLoss(expectedLoss, loss, c + " loss");

            // One pass: loss and gradient; in place on p when asked.
            float[] expP = p.clone(), actP = p.clone();
            float[] expG = c.inPlace() ? expP : g0.clone();
            float[] actG = c.inPlace() ? actP : g0.clone();
            int gOff = c.inPlace() ? c.off(0) : c.off(2), ldg = c.inPlace() ? c.ld(0) : c.ld(2);
            float expectedLoss2 = org.vecprop.reference.ReferenceMse.lossAndGradient(c.rows(), c.cols(),
                    expP, c.off(0), c.ld(0), t, c.off(1), c.ld(1), expG, gOff, ldg);
            float loss2 = Mse.lossAndGradient(c.rows(), c.cols(), actP, c.off(0), c.ld(0),
                    t, c.off(1), c.ld(1), actG, gOff, ldg);
            Compare.same(expectedLoss, expectedLoss2, c + " reference loss in both forms");
            closeLoss(expectedLoss2, loss2, c + " loss with gradient");
            Compare.sameArray(expG, actG, c + " g");
        });
    }

    /** The loss bound: relative {@code 40 * 2^-24}, plus one subnormal step. */
    static void closeLoss(float expected, float actual, String where) {
        Compare.close(expected, actual, 40 * Compare.U * Math.abs(expected) + Float.MIN_VALUE, where);
    }
}
