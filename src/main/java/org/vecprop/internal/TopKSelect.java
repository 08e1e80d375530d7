package org.vecprop.internal;

import org.vecprop.reference.ReferenceTopK;

/**
 * Selection of a row's k first elements in the top-k order (NaN first, then larger values, then
 * the lower index; see {@code org.vecprop.reference.ReferenceTopK}), in place in the caller's
 * index row: a heap of k positions whose root is the one that ranks last, then a heap sort, so
 * {@code O(cols log k)} comparisons and no allocation. Both implementations call it: the result is
 * a selection, exact, with no arithmetic to order.
 */
public final class TopKSelect {
    private TopKSelect() {}

    /**
     * Writes the positions of row {@code x[row .. row + cols)}'s k first elements, best first,
     * into {@code index[io .. io + k)}, and their values into {@code values[vo ..)} unless values
     * is null. {@code 0 <= k <= cols}.
     */
    public static void row(float[] x, int row, int cols, int k, int[] index, int io, float[] values, int vo) {
        if (k == 0) {
            return;
        }
        for (int j = 0; j < k; j++) { // the first k, as a heap: each sifted up
            index[io + j] = j;
            up(x, row, index, io, j);
        }
        for (int j = k; j < cols; j++) {
            int worst = index[io];
            if (ReferenceTopK.before(x[row + j], j, x[row + worst], worst)) {
                index[io] = j;
                down(x, row, index, io, k);
            }
        }
        for (int end = k - 1; end > 0; end--) { // heap sort: the last-ranked goes to the end
            int t = index[io];
            index[io] = index[io + end];
            index[io + end] = t;
            down(x, row, index, io, end);
        }
        if (values != null) {
            for (int r = 0; r < k; r++) {
                values[vo + r] = x[row + index[io + r]];
            }
        }
    }

    /** Whether heap entry p ranks after entry q (the heap keeps the last-ranked at its root). */
    private static boolean after(float[] x, int row, int[] index, int io, int p, int q) {
        int a = index[io + p], b = index[io + q];
        return ReferenceTopK.before(x[row + b], b, x[row + a], a);
    }

    private static void up(float[] x, int row, int[] index, int io, int child) {
        while (child > 0) {
            int parent = (child - 1) >> 1;
            if (!after(x, row, index, io, child, parent)) {
                return;
            }
            swap(index, io + child, io + parent);
            child = parent;
        }
    }

    private static void down(float[] x, int row, int[] index, int io, int size) {
        int parent = 0;
        while (true) {
            int child = 2 * parent + 1;
            if (child >= size) {
                return;
            }
            if (child + 1 < size && after(x, row, index, io, child + 1, child)) {
                child++;
            }
            if (!after(x, row, index, io, child, parent)) {
                return;
            }
            swap(index, io + child, io + parent);
            parent = child;
        }
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
