package org.vecprop.reference;

import org.vecprop.contract.Checks;

/**
 * The index of each row's largest element, and each row's k largest, by plain scans: the oracle
 * of the argmax and top-k kernels. The order is total: a NaN counts as larger than any number,
 * then larger values first, and among equal values (-0 and +0 are equal, as are two NaNs) the
 * lower index first, so results are unique. (numpy's and PyTorch's argmax also return the first
 * NaN, and the first of equal maxima.)
 */
public final class ReferenceTopK {
    private ReferenceTopK() {}

    /**
     * Whether element (a, index ia) comes before (b, index ib) in the order above.
     *
     * @param a a value
     * @param ia its index
     * @param b another value
     * @param ib its index
     * @return true if a ranks before b
     */
    public static boolean before(float a, int ia, float b, int ib) {
        boolean aNaN = a != a, bNaN = b != b;
        if (aNaN || bNaN) {
            return aNaN && (!bNaN || ia < ib);
        }
        return a > b || (a == b && ia < ib);
    }

    /**
     * {@code index[indexOff + i]} = the position of row i's first largest element.
     *
     * @param rows rows of x, {@code >= 0}
     * @param cols columns of x, {@code >= 1} when rows > 0
     * @param x values, row stride {@code ldx}
     * @param xOff index of x's first element
     * @param ldx row stride of x
     * @param index output, one int per row
     * @param indexOff index of row 0's output
     * @throws NullPointerException for a null array, IllegalArgumentException or
     *     IndexOutOfBoundsException for a bad size, stride or extent, before any write
     */
    public static void argmax(int rows, int cols, float[] x, int xOff, int ldx, int[] index, int indexOff) {
        Checks.argmax(rows, cols, x, xOff, ldx, index, indexOff);
        for (int i = 0; i < rows; i++) {
            int best = 0;
            for (int j = 1; j < cols; j++) {
                if (before(x[xOff + i * ldx + j], j, x[xOff + i * ldx + best], best)) {
                    best = j;
                }
            }
            index[indexOff + i] = best;
        }
    }

    /**
     * Row i's k first elements in the order above: positions into {@code index}, and their
     * values into {@code values} unless it is null, best first.
     *
     * @param rows rows of x, {@code >= 0}
     * @param cols columns of x, {@code >= 0}
     * @param k how many per row, in [0, cols]
     * @param x values, row stride {@code ldx}
     * @param xOff index of x's first element
     * @param ldx row stride of x
     * @param index output, {@code rows x k} ints, row stride {@code ldIndex}
     * @param indexOff index of index's first element
     * @param ldIndex row stride of index, {@code >= max(1, k)}
     * @param values output or null, {@code rows x k} floats, row stride {@code ldValues}
     * @param valuesOff index of values' first element
     * @param ldValues row stride of values
     * @throws NullPointerException for a null array, IllegalArgumentException or
     *     IndexOutOfBoundsException for a bad size, stride, extent or overlap, before any write
     */
    public static void topK(int rows, int cols, int k, float[] x, int xOff, int ldx,
                            int[] index, int indexOff, int ldIndex, float[] values, int valuesOff, int ldValues) {
        Checks.topK(rows, cols, k, x, xOff, ldx, index, indexOff, ldIndex, values, valuesOff, ldValues);
        boolean[] taken = new boolean[cols];
        for (int i = 0; i < rows; i++) {
            java.util.Arrays.fill(taken, false);
            int row = xOff + i * ldx;
            for (int r = 0; r < k; r++) {
                int best = -1;
                for (int j = 0; j < cols; j++) {
                    if (!taken[j] && (best < 0 || before(x[row + j], j, x[row + best], best))) {
                        best = j;
                    }
                }
                taken[best] = true;
                index[indexOff + i * ldIndex + r] = best;
                if (values != null) {
                    values[valuesOff + i * ldValues + r] = x[row + best];
                }
            }
        }
    }
}
