package org.vecprop.internal.vector;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;

import jdk.incubator.vector.FloatVector;

/**
 * Column sums in vecprop's order: {@code sum[j] += x[i][j]} for {@code i = 0, 1, ...} in turn,
 * each addition rounded, for every column j. Rows are taken four at a time, so the running sums
 * are loaded and stored once per four rows: the additions per column stay in row order (a chain
 * of four dependent adds per vector), while the columns' vectors are independent of one another
 * and keep the adders busy.
 */
final class ColumnSums {
    private ColumnSums() {}

    /** Adds the {@code rows x cols} matrix's rows, in order, into {@code sum[sumOff ..]}. */
    static void add(int rows, int cols, float[] x, int xOff, int ldx, float[] sum, int sumOff) {
        int bound = F.loopBound(cols);
        int i = 0;
        for (; i + 4 <= rows; i += 4) {
            int r0 = xOff + i * ldx, r1 = r0 + ldx, r2 = r1 + ldx, r3 = r2 + ldx;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector.fromArray(F, sum, sumOff + j)
                        .add(FloatVector.fromArray(F, x, r0 + j))
                        .add(FloatVector.fromArray(F, x, r1 + j))
                        .add(FloatVector.fromArray(F, x, r2 + j))
                        .add(FloatVector.fromArray(F, x, r3 + j))
                        .intoArray(sum, sumOff + j);
            }
            for (; j < cols; j++) { // fewer than L columns: scalar (a masked tail allocates)
                sum[sumOff + j] = sum[sumOff + j] + x[r0 + j] + x[r1 + j] + x[r2 + j] + x[r3 + j];
            }
        }
        for (; i < rows; i++) {
            int r = xOff + i * ldx;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector.fromArray(F, sum, sumOff + j).add(FloatVector.fromArray(F, x, r + j))
                        .intoArray(sum, sumOff + j);
            }
            for (; j < cols; j++) {
                sum[sumOff + j] = sum[sumOff + j] + x[r + j];
            }
        }
    }
}
