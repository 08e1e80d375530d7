package org.vecprop.kernel;

import org.vecprop.contract.Checks;

/**
 * The class of each row (argmax) and each row's k best (top-k), for inference: on logits or on
 * probabilities from {@link Softmax#forward} (softmax keeps the order of the logits, but two close
 * logits may round to equal probabilities, which then rank by index; select on the probabilities
 * to report them). Writes into the caller's arrays; allocates nothing.
 *
 * <p><b>The order</b> is total, so results are unique and the same on every path: larger values
 * first; among equal values (-0 and +0 are equal) the <b>lower index</b> first; a <b>NaN counts as
 * larger than any number</b> (the first NaN of a row is its argmax, as numpy's and PyTorch's
 * argmax return it), NaNs among themselves by index. The results are exact: a selection, no
 * arithmetic ({@link org.vecprop.reference.ReferenceTopK} is the oracle, and the kernels equal it).
 *
 * <p>Bad input throws before anything is written ({@code docs/conventions.md}). Thread-safe.
 */
public final class TopK {
    private TopK() {}

    /**
     * {@code index[indexOff + i]} = the position in row i of its largest element (the first one,
     * see the class comment).
     *
     * @param rows rows of x, {@code >= 0}
     * @param cols columns of x, {@code >= 1} when rows > 0
     * @param x values, from {@code xOff} with row stride {@code ldx >= max(1, cols)}
     * @param xOff index of x's first element
     * @param ldx row stride of x
     * @param index output: {@code rows} ints from {@code indexOff}
     * @param indexOff index of row 0's result
     * @throws NullPointerException for a null array
     * @throws IllegalArgumentException for a bad size or stride (including cols 0 with rows)
     * @throws IndexOutOfBoundsException for an offset or extent past an array
     */
    public static void argmax(int rows, int cols, float[] x, int xOff, int ldx, int[] index, int indexOff) {
        Checks.argmax(rows, cols, x, xOff, ldx, index, indexOff);
        if (rows > 0) {
            Implementation.KERNELS.argmax(rows, cols, x, xOff, ldx, index, indexOff);
        }
    }

    /**
     * Row i's k first elements in the order of the class comment, best first: their positions
     * into {@code index} row i and, unless values is null, their values into {@code values} row i.
     * O(cols·log k) comparisons per row.
     *
     * @param rows rows of x, {@code >= 0}
     * @param cols columns of x, {@code >= 0}
     * @param k how many per row, in [0, cols]
     * @param x values, from {@code xOff} with row stride {@code ldx >= max(1, cols)}
     * @param xOff index of x's first element
     * @param ldx row stride of x
     * @param index output, {@code rows x k} ints from {@code indexOff}, row stride {@code ldIndex >= max(1, k)}
     * @param indexOff index of index's first element
     * @param ldIndex row stride of index
     * @param values null, or output {@code rows x k} floats from {@code valuesOff}, row stride
     *     {@code ldValues >= max(1, k)}; may not overlap x
     * @param valuesOff index of values' first element
     * @param ldValues row stride of values
     * @throws NullPointerException for a null x or index
     * @throws IllegalArgumentException for a bad size, k, stride or overlap
     * @throws IndexOutOfBoundsException for an offset or extent past an array; every exception
     *     before anything is written
     */
    public static void select(int rows, int cols, int k, float[] x, int xOff, int ldx,
                              int[] index, int indexOff, int ldIndex, float[] values, int valuesOff, int ldValues) {
        Checks.topK(rows, cols, k, x, xOff, ldx, index, indexOff, ldIndex, values, valuesOff, ldValues);
        if (rows > 0 && k > 0) {
            Implementation.KERNELS.topK(rows, cols, k, x, xOff, ldx, index, indexOff, ldIndex,
                    values, valuesOff, ldValues);
        }
    }
}
