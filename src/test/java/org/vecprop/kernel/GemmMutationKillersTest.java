package org.vecprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.vecprop.testing.VectorLength.L;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Values;

/**
 * Element-wise kernel behaviour that mutation testing (scripts/mutation) found unchecked: the
 * strided/contiguous split, and the fused backward's overlap check.
 */
class GemmMutationKillersTest {

    @Test
    void elementwiseKernelsWithOneStridedOperand() {
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
            float[] gRef = g0.clone(), g = g0.clone();
            float lossRef = org.vecprop.reference.ReferenceMse.lossAndGradient(rows, cols, p, 0, ld[0], t, 0, ld[1],
                    gRef, 0, ld[2]);
            float loss = Mse.lossAndGradient(rows, cols, p, 0, ld[0], t, 0, ld[1], g, 0, ld[2]);
            Compare.sameArray(gRef, g, "Mse g, operand " + strided + " strided");
            assertEquals(lossRef, loss, 40 * Compare.U * lossRef, "Mse loss, operand " + strided + " strided");
            assertEquals(org.vecprop.reference.ReferenceMse.loss(rows, cols, p, 0, ld[0], t, 0, ld[1]),
                    Mse.loss(rows, cols, p, 0, ld[0], t, 0, ld[1]), 40 * Compare.U * lossRef, "Mse.loss");

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

    @Test
    void theFusedBackwardRejectsDbOverlappingDy() {
        float[] z = new float[16], dy = new float[24], dz = new float[16];
        float[] before = dy.clone();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Relu.backwardWithBiasGradient(4, 4, z, 0, 4, dy, 0, 4, dz, 0, 4, dy, 14, true));
        assertEquals("db (elements 14..17) overlaps dy (elements 0..15) in the same array", e.getMessage());
        Compare.sameArray(before, dy, "dy untouched");
        // Right after dy it is fine.
        Relu.backwardWithBiasGradient(4, 4, z, 0, 4, dy, 0, 4, dz, 0, 4, dy, 16, true);
    }
}
