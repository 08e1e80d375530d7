package org.vecprop.internal.vector;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.vecprop.reference.ReferenceTopK;

/**
 * Vector API argmax behind {@code org.vecprop.kernel.TopK.argmax}: per row, the maximum by
 * vectors ({@link Math#max}'s fold, exact in any order: NaN if any element is NaN), then the first
 * position holding it (the first NaN when it is NaN; -0 and +0 are equal), scanning vectors in
 * order; so the same position as the oracle's scan. Rows shorter than a vector take the oracle's
 * scan.
 */
final class VectorArgmax {
    private VectorArgmax() {}

    static void argmax(int rows, int cols, float[] x, int xOff, int ldx, int[] index, int indexOff) {
        if (cols < L) {
            ReferenceTopK.argmax(rows, cols, x, xOff, ldx, index, indexOff);
            return;
        }
        int bound = F.loopBound(cols), last = cols - L;
        for (int i = 0; i < rows; i++) {
            int xi = xOff + i * ldx;
            FloatVector mv = FloatVector.fromArray(F, x, xi + last);
            for (int j = 0; j < bound; j += L) {
                mv = mv.max(FloatVector.fromArray(F, x, xi + j));
            }
            float m = mv.reduceLanes(VectorOperators.MAX);
            boolean nan = m != m;
            int found = -1;
            for (int j = 0; j < bound && found < 0; j += L) {
                found = first(FloatVector.fromArray(F, x, xi + j), m, nan, j);
            }
            if (found < 0) { // only the last, overlapping vector is left; its earlier lanes held no match
                found = first(FloatVector.fromArray(F, x, xi + last), m, nan, last);
            }
            index[indexOff + i] = found;
        }
    }

    /** j plus the first lane equal to m (a NaN lane when nan), or -1. */
    private static int first(FloatVector v, float m, boolean nan, int j) {
        VectorMask<Float> hit = nan ? v.test(VectorOperators.IS_NAN) : v.compare(VectorOperators.EQ, m);
        return hit.anyTrue() ? j + hit.firstTrue() : -1;
    }
}
