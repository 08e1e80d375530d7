package org.vecprop.contract;

import java.lang.foreign.MemorySegment;

/**
 * Argument validation shared by every public entry point of vecprop.
 *
 * <p>Every check runs before a kernel writes anything, so a rejected call leaves every output
 * untouched. Index arithmetic is done in {@code long}, so an extent past {@link Integer#MAX_VALUE}
 * is reported rather than wrapped. Messages name the argument and its value.
 *
 * <p>Exceptions (docs/conventions.md): {@link NullPointerException} for a null argument, with
 * the message {@code "<name> must not be null"} (the JDK's convention, as
 * {@link java.util.Objects#requireNonNull(Object, String)} throws it);
 * {@link IllegalArgumentException} for negative sizes, too-small leading dimensions and forbidden
 * overlaps; {@link IndexOutOfBoundsException} for offsets and extents that run past an array.
 */
public final class Checks {
    private Checks() {}

    /**
     * Checks a size argument.
     *
     * @param name the argument's name, used in the message
     * @param value the size; must be {@code >= 0}
     */
    public static void size(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
    }

    /**
     * Checks that {@code array} can hold a row-major {@code rows x cols} matrix starting at
     * {@code offset} with leading dimension (row stride) {@code ld}.
     *
     * <p>Rules: array non-null; {@code rows, cols >= 0}; {@code 0 <= offset <= array.length};
     * {@code ld >= max(1, cols)}; and, when the matrix is non-empty,
     * {@code offset + (rows - 1) * ld + cols <= array.length}.
     *
     * @param name the matrix argument's name (for example {@code "a"}); {@code ld} is reported as
     *     {@code "ld" + name}
     */
    public static void matrix(String name, float[] array, int offset, int rows, int cols, int ld) {
        if (array == null) {
            throw new NullPointerException(name + " must not be null");
        }
        extent(name, null, array.length, offset, rows, cols, ld, false);
    }

    /**
     * As {@link #matrix(String, float[], int, int, int, int)}, for an argument whose row stride
     * is not named {@code "ld" + name} (a camel-case name: {@code values} and {@code ldValues}).
     *
     * @param name the matrix argument's name
     * @param ldName its row stride's name
     */
    public static void matrix(String name, String ldName, float[] array, int offset, int rows, int cols, int ld) {
        if (array == null) {
            throw new NullPointerException(name + " must not be null");
        }
        extent(name, ldName, array.length, offset, rows, cols, ld, false);
    }

    /**
     * The shape and extent rules shared by arrays and segments; the row stride is named
     * {@code ldName}, or {@code "ld" + name} when that is null, for a store of
     * {@code capacity} floats; {@code segment} words the messages for a segment. Messages are
     * built only on the failure path, so a valid call allocates nothing.
     */
    private static void extent(String name, String ldName, long capacity, long offset, int rows, int cols,
                               int ld, boolean segment) {
        // rows and cols: what every public method calls the sizes it checks here (the others,
        // Gemm's m, n, k and a layer's batch, are checked by name before they reach this).
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, got " + rows);
        }
        if (cols < 0) {
            throw new IllegalArgumentException("cols must be >= 0, got " + cols);
        }
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException(
                    (ldName == null ? "ld" + name : ldName) + " must be >= max(1, cols = " + cols + "), got " + ld);
        }
        if (offset < 0 || offset > capacity) {
            throw new IndexOutOfBoundsException(name + "Off must be in [0, " + name
                    + (segment ? ".byteSize() / 4 = " : ".length = ") + capacity + "], got " + offset);
        }
        long end = rows == 0 || cols == 0 ? offset : offset + (long) (rows - 1) * ld + cols;
        if (end > capacity) {
            throw new IndexOutOfBoundsException(name + " must fit in its " + (segment ? "segment" : "array")
                    + ": a " + rows + " x " + cols + " matrix at " + name + "Off = " + offset + " with "
                    + (ldName == null ? "ld" + name : ldName) + " = " + ld
                    + " needs " + end + (segment ? " floats, but " + name + " holds "
                            : " elements, but " + name + ".length is ") + capacity);
        }
    }

    /**
     * Checks a vector of {@code n} contiguous elements at {@code offset}.
     *
     * @param name the argument's name
     */
    public static void vector(String name, float[] array, int offset, int n) {
        if (array == null) {
            throw new NullPointerException(name + " must not be null");
        }
        if (n < 0) { // not size(): its message would be built on every call, allocating
            throw new IllegalArgumentException("the length of " + name + " must be >= 0, got " + n);
        }
        vectorExtent(name, array.length, offset, n);
    }

    /**
     * Rejects an output that overlaps an input, unless it is exactly the same view (same array,
     * offset and leading dimension), which in-place kernels allow when {@code inPlaceAllowed}.
     *
     * <p>Overlap is judged on the half-open element ranges the two matrices span, which is
     * conservative: two interleaved matrices in one array are rejected too.
     */
    public static void noOverlap(String outName, float[] out, int outOff, int outLd,
                                 String inName, float[] in, int inOff, int inLd,
                                 int rows, int cols, boolean inPlaceAllowed) {
        noOverlap(outName, out, outOff, rows, cols, outLd, inName, in, inOff, rows, cols, inLd,
                inPlaceAllowed);
    }

    /**
     * Rejects an output that overlaps an input of a different shape (see the other overload).
     */
    public static void noOverlap(String outName, float[] out, int outOff, int outRows, int outCols,
                                 int outLd, String inName, float[] in, int inOff, int inRows,
                                 int inCols, int inLd, boolean inPlaceAllowed) {
        if (out != in) {
            return;
        }
        long outEnd = end(outOff, outRows, outCols, outLd);
        long inEnd = end(inOff, inRows, inCols, inLd);
        if (outEnd == outOff || inEnd == inOff) {
            return; // an empty range overlaps nothing
        }
        boolean same = outOff == inOff && outLd == inLd && outRows == inRows && outCols == inCols;
        if (same && inPlaceAllowed) {
            return;
        }
        if (outOff < inEnd && inOff < outEnd) {
            throw new IllegalArgumentException(outName + " must not overlap " + inName + ": " + outName
                    + " spans elements " + outOff + ".." + (outEnd - 1) + " and " + inName + " "
                    + inOff + ".." + (inEnd - 1) + " of the same array"
                    + (inPlaceAllowed ? "; only the exact same view is allowed in place" : ""));
        }
    }

    /**
     * Validates a GEMM call {@code C = alpha * op(A) * op(B) + beta * C} (see
     * {@code org.vecprop.kernel.Gemm#multiply}): stored A is {@code m x k}, or {@code k x m} when
     * transposed; stored B is {@code k x n}, or {@code n x k} when transposed; C is {@code m x n}
     * and may not overlap A or B.
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc) {
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        // Fast path: one pass of cheap tests for the common valid call (a 1x2x2 product costs
        // about as much as its validation); any doubt falls through to the checks that name
        // the culprit.
        if (a != null && b != null && c != null && c != a && c != b
                && (m | n | k | aOff | bOff | cOff) >= 0
                && lda >= Math.max(1, aCols) && ldb >= Math.max(1, bCols) && ldc >= Math.max(1, n)
                && end(aOff, aRows, aCols, lda) <= a.length && aOff <= a.length
                && end(bOff, bRows, bCols, ldb) <= b.length && bOff <= b.length
                && end(cOff, m, n, ldc) <= c.length && cOff <= c.length) {
            return;
        }
        gemmDetailed(aRows, aCols, bRows, bCols, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    /** The slow path of {@link #gemm}: the checks one by one, to name what is wrong. */
    private static void gemmDetailed(int aRows, int aCols, int bRows, int bCols, int m, int n,
                                     int k, float[] a, int aOff, int lda, float[] b, int bOff,
                                     int ldb, float[] c, int cOff, int ldc) {
        size("m", m);
        size("n", n);
        size("k", k);
        matrix("a", a, aOff, aRows, aCols, lda);
        matrix("b", b, bOff, bRows, bCols, ldb);
        matrix("c", c, cOff, m, n, ldc);
        noOverlap("c", c, cOff, m, n, ldc, "a", a, aOff, aRows, aCols, lda, false);
        noOverlap("c", c, cOff, m, n, ldc, "b", b, bOff, bRows, bCols, ldb, false);
    }

    /**
     * Validates a GEMM whose right operand is already packed: A ({@code m x k}, or
     * {@code k x m} when transposed) and C ({@code m x n}) as in {@link #gemm}, C not overlapping
     * A; the packed operand fixes n and k and must not be null.
     */
    public static void gemmPacked(boolean transA, int m, Object packed, float[] a, int aOff, int lda,
                                  int n, int k, float[] c, int cOff, int ldc) {
        if (packed == null) {
            throw new NullPointerException("b must not be null");
        }
        size("m", m);
        int aRows = transA ? k : m, aCols = transA ? m : k;
        matrix("a", a, aOff, aRows, aCols, lda);
        matrix("c", c, cOff, m, n, ldc);
        noOverlap("c", c, cOff, m, n, ldc, "a", a, aOff, aRows, aCols, lda, false);
    }

    /**
     * Validates an element-wise map of a {@code rows x cols} input {@code x} into an output
     * {@code y} of the same shape; {@code y} may be exactly {@code x} (in place) and nothing else
     * that overlaps it.
     *
     * @param xName the input's name; its row stride is reported as {@code "ld" + xName}
     * @param yName the output's name
     */
    public static void unary(int rows, int cols, float[] x, int xOff, int ldx,
                             float[] y, int yOff, int ldy, String xName, String yName) {
        matrix(xName, x, xOff, rows, cols, ldx);
        matrix(yName, y, yOff, rows, cols, ldy);
        noOverlap(yName, y, yOff, ldy, xName, x, xOff, ldx, rows, cols, true);
    }

    /**
     * Validates an element-wise map of two {@code rows x cols} inputs {@code x} and {@code y}
     * into an output of the same shape. The output may be exactly the same view as either input
     * (element-wise kernels read each element before writing it), and may not otherwise overlap.
     *
     * @param xName the first input's name; its row stride is reported as {@code "ld" + xName}
     * @param yName the second input's name
     * @param outName the output's name
     */
    public static void binary(int rows, int cols, float[] x, int xOff, int ldx,
                              float[] y, int yOff, int ldy, float[] out, int outOff, int ldout,
                              String xName, String yName, String outName) {
        matrix(xName, x, xOff, rows, cols, ldx);
        matrix(yName, y, yOff, rows, cols, ldy);
        matrix(outName, out, outOff, rows, cols, ldout);
        noOverlap(outName, out, outOff, ldout, xName, x, xOff, ldx, rows, cols, true);
        noOverlap(outName, out, outOff, ldout, yName, y, yOff, ldy, rows, cols, true);
    }

    /**
     * Validates an activation's backward pass fused with the bias gradient: the element-wise
     * {@link #binary} rules for the forward-pass operand {@code x} (named {@code xName}: z for
     * ReLU, the activation a for sigmoid and tanh), {@code dy} and {@code dz}, the
     * {@link #biasGradient} rules for {@code db}, and {@code db} overlapping neither {@code x}
     * nor {@code dy} (it is written while they are still read).
     */
    public static void backwardWithBiasGradient(int rows, int cols, float[] x, int xOff, int ldx,
                                                float[] dy, int dyOff, int lddy,
                                                float[] dz, int dzOff, int lddz,
                                                float[] db, int dbOff, String xName) {
        binary(rows, cols, x, xOff, ldx, dy, dyOff, lddy, dz, dzOff, lddz, xName, "dy", "dz");
        biasGradient(rows, cols, dz, dzOff, lddz, db, dbOff);
        noOverlap("db", db, dbOff, 1, cols, Math.max(1, cols), xName, x, xOff, rows, cols, ldx,
                false);
        noOverlap("db", db, dbOff, 1, cols, Math.max(1, cols), "dy", dy, dyOff, rows, cols, lddy,
                false);
    }

    /**
     * Validates a bias add: {@code x} and {@code y} are {@code rows x cols}, {@code bias} holds
     * {@code cols} contiguous elements; {@code y} may be exactly {@code x} but may not overlap
     * {@code bias}.
     */
    public static void biasAdd(int rows, int cols, float[] x, int xOff, int ldx,
                               float[] bias, int biasOff, float[] y, int yOff, int ldy) {
        matrix("x", x, xOff, rows, cols, ldx);
        vector("bias", bias, biasOff, cols);
        matrix("y", y, yOff, rows, cols, ldy);
        noOverlap("y", y, yOff, ldy, "x", x, xOff, ldx, rows, cols, true);
        if (rows > 0) {
            noOverlap("y", y, yOff, rows, cols, ldy, "bias", bias, biasOff, 1, cols,
                    Math.max(1, cols), false);
        }
    }

    /**
     * Validates a bias gradient: {@code dz} is {@code rows x cols}, {@code db} holds {@code cols}
     * contiguous elements and may not overlap {@code dz}.
     */
    public static void biasGradient(int rows, int cols, float[] dz, int dzOff, int lddz,
                                    float[] db, int dbOff) {
        matrix("dz", dz, dzOff, rows, cols, lddz);
        vector("db", db, dbOff, cols);
        noOverlap("db", db, dbOff, 1, cols, Math.max(1, cols), "dz", dz, dzOff, rows, cols, lddz,
                false);
    }

    /**
     * Validates a parameter update: w, g (and v, needed when {@code momentum != 0}) hold
     * {@code n} contiguous elements each and do not overlap one another.
     */
    public static void sgd(int n, float[] w, int wOff, float[] g, int gOff, float[] v, int vOff,
                           float momentum) {
        size("n", n);
        vector("w", w, wOff, n);
        vector("g", g, gOff, n);
        noOverlap("w", w, wOff, 1, n, Math.max(1, n), "g", g, gOff, 1, n, Math.max(1, n), false);
        if (momentum != 0f) {
            vector("v", v, vOff, n);
            noOverlap("v", v, vOff, 1, n, Math.max(1, n), "w", w, wOff, 1, n, Math.max(1, n), false);
            noOverlap("v", v, vOff, 1, n, Math.max(1, n), "g", g, gOff, 1, n, Math.max(1, n), false);
        }
    }

    /**
     * Validates an Adam or AdamW update of {@code n} contiguous parameters: sizes and extents of
     * w, g, m and v, no two of them overlapping, and the hyper-parameters: {@code lr} and
     * {@code weightDecay} finite and {@code >= 0}, {@code beta1} and {@code beta2} in
     * {@code [0, 1)}, {@code eps} finite and {@code > 0}, {@code step >= 1}.
     */
    public static void adam(int n, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff,
                            float[] v, int vOff, float lr, float beta1, float beta2, float eps,
                            float weightDecay, long step) {
        nonNegative("lr", lr);
        unitInterval("beta1", beta1);
        unitInterval("beta2", beta2);
        positive("eps", eps);
        nonNegative("weightDecay", weightDecay);
        if (step < 1) {
            throw new IllegalArgumentException("step must be >= 1 (the first update is step 1), got " + step);
        }
        size("n", n);
        vector("w", w, wOff, n);
        vector("g", g, gOff, n);
        vector("m", m, mOff, n);
        vector("v", v, vOff, n);
        int ld = Math.max(1, n);
        noOverlap("w", w, wOff, 1, n, ld, "g", g, gOff, 1, n, ld, false);
        noOverlap("m", m, mOff, 1, n, ld, "w", w, wOff, 1, n, ld, false);
        noOverlap("m", m, mOff, 1, n, ld, "g", g, gOff, 1, n, ld, false);
        noOverlap("v", v, vOff, 1, n, ld, "w", w, wOff, 1, n, ld, false);
        noOverlap("v", v, vOff, 1, n, ld, "g", g, gOff, 1, n, ld, false);
        noOverlap("v", v, vOff, 1, n, ld, "m", m, mOff, 1, n, ld, false);
    }

    /** {@code value} must be finite and {@code > 0}; returns it. */
    public static float positive(String name, float value) {
        if (!(value > 0f) || value == Float.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + value);
        }
        return value;
    }

    /** {@code value} must be finite and {@code >= 0}. */
    public static void nonNegative(String name, float value) {
        if (!(value >= 0f) || value == Float.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + value);
        }
    }

    /** {@code value} must be in {@code [0, 1)}. */
    public static void unitInterval(String name, float value) {
        if (!(value >= 0f && value < 1f)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
        }
    }

    /**
     * Checks that the int {@code array} can hold a row-major {@code rows x cols} matrix at
     * {@code offset} with row stride {@code ld}: the rules of {@link #matrix(String, float[], int,
     * int, int, int)}.
     *
     * @param name the argument's name
     * @param ldName its row stride's name
     */
    public static void matrix(String name, String ldName, int[] array, int offset, int rows, int cols, int ld) {
        if (array == null) {
            throw new NullPointerException(name + " must not be null");
        }
        extent(name, ldName, array.length, offset, rows, cols, ld, false);
    }

    /**
     * Checks an int vector of {@code n} contiguous elements at {@code offset}.
     *
     * @param name the argument's name
     */
    public static void vector(String name, int[] array, int offset, int n) {
        if (array == null) {
            throw new NullPointerException(name + " must not be null");
        }
        vectorExtent(name, array.length, offset, n);
    }

    /** The offset and extent rules of a vector of n elements in an array of {@code length}. */
    private static void vectorExtent(String name, int length, int offset, int n) {
        if (offset < 0 || offset > length) {
            throw new IndexOutOfBoundsException(name + "Off must be in [0, " + name + ".length = "
                    + length + "], got " + offset);
        }
        if ((long) offset + n > length) {
            throw new IndexOutOfBoundsException(name + " must fit in its array: " + n
                    + " elements at " + name + "Off = " + offset + " need " + ((long) offset + n)
                    + ", but " + name + ".length is " + length);
        }
    }

    /**
     * Checks a loss's reduction argument.
     *
     * @param reduction the reduction, any enum; must not be null
     */
    public static void reduction(Object reduction) {
        if (reduction == null) {
            throw new NullPointerException("reduction must not be null");
        }
    }

    /**
     * Validates a cross-entropy call over logits {@code z} ({@code rows x classes}) with one
     * label per row and, when {@code dz} is not null, a gradient output of z's shape that may be
     * exactly z's view (in place) and overlap nothing else: shapes first, then
     * {@code labelSmoothing} in [0, 1], then every label in {@code [0, classes)}. Every check runs
     * before anything is written.
     *
     * @param dz the gradient output (checked when {@code gradient}, so null is rejected then)
     * @param gradient whether a gradient is asked for
     */
    public static void crossEntropy(int rows, int classes, float[] z, int zOff, int ldz,
                                    int[] labels, int labelsOff, float[] dz, int dzOff, int lddz,
                                    boolean gradient, float labelSmoothing) {
        size("rows", rows);
        size("classes", classes); // z's columns, by the name the public methods give them
        matrix("z", z, zOff, rows, classes, ldz);
        vector("labels", labels, labelsOff, rows);
        if (gradient) {
            matrix("dz", dz, dzOff, rows, classes, lddz);
            noOverlap("dz", dz, dzOff, lddz, "z", z, zOff, ldz, rows, classes, true);
        }
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 1], got " + labelSmoothing);
        }
        labelsInRange(labels, labelsOff, rows, classes);
    }

    /**
     * Every one of the {@code rows} labels from {@code labelsOff} is a class in
     * {@code [0, classes)}; the first that is not is named by its row (and, when
     * {@code labelsOff != 0}, its index in the array). The labels' extent must have been checked.
     * Shared by the cross-entropy kernels and {@code GradCheck}'s label form, so both refuse a
     * label in the same words.
     */
    public static void labelsInRange(int[] labels, int labelsOff, int rows, int classes) {
        for (int i = 0; i < rows; i++) {
            int label = labels[labelsOff + i];
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("labels must be in [0, classes = " + classes
                        + "), got " + label + " for row " + i
                        + (labelsOff == 0 ? "" : " (at labelsOff + " + i + " = " + (labelsOff + i) + ")"));
            }
        }
    }

    /**
     * Validates a binary cross-entropy call: logits {@code x} and targets {@code y}, both
     * {@code rows x cols}; {@code posWeight} null or {@code cols} floats; the gradient output
     * {@code g} (checked when {@code gradient}, so null is rejected then) of the same shape, which
     * may be exactly x's or y's view and may overlap nothing else, posWeight included.
     */
    public static void binaryCrossEntropy(int rows, int cols, float[] x, int xOff, int ldx,
                                          float[] y, int yOff, int ldy, float[] posWeight, int posWeightOff,
                                          float[] g, int gOff, int ldg, boolean gradient) {
        if (gradient) {
            binary(rows, cols, x, xOff, ldx, y, yOff, ldy, g, gOff, ldg, "x", "y", "g");
        } else {
            matrix("x", x, xOff, rows, cols, ldx);
            matrix("y", y, yOff, rows, cols, ldy);
        }
        if (posWeight != null) {
            vector("posWeight", posWeight, posWeightOff, cols);
            if (gradient && rows > 0) {
                noOverlap("g", g, gOff, rows, cols, ldg, "posWeight", posWeight, posWeightOff, 1, cols,
                        Math.max(1, cols), false);
            }
        }
    }

    /**
     * Validates an argmax over the rows of {@code x}: one int per row into {@code index}; a row
     * must have at least one column.
     */
    public static void argmax(int rows, int cols, float[] x, int xOff, int ldx, int[] index, int indexOff) {
        matrix("x", x, xOff, rows, cols, ldx);
        vector("index", index, indexOff, rows);
        if (cols == 0 && rows > 0) {
            throw new IllegalArgumentException("cols must be >= 1 for an argmax of " + rows + " rows, got 0");
        }
    }

    /**
     * Validates a top-k selection over the rows of {@code x}: k in [0, cols]; {@code index} a
     * {@code rows x k} int matrix; {@code values}, if not null, a {@code rows x k} float matrix
     * that does not overlap x.
     */
    public static void topK(int rows, int cols, int k, float[] x, int xOff, int ldx,
                            int[] index, int indexOff, int ldIndex, float[] values, int valuesOff, int ldValues) {
        matrix("x", x, xOff, rows, cols, ldx);
        if (k < 0 || k > cols) {
            throw new IllegalArgumentException("k must be in [0, cols = " + cols + "], got " + k);
        }
        matrix("index", "ldIndex", index, indexOff, rows, k, ldIndex);
        if (values != null) {
            matrix("values", "ldValues", values, valuesOff, rows, k, ldValues);
            noOverlap("values", values, valuesOff, rows, k, ldValues, "x", x, xOff, rows, cols, ldx, false);
        }
    }

    /** Validates the output array of a summary: at least 4 doubles. */
    public static void summary(double[] out) {
        if (out == null) {
            throw new NullPointerException("out must not be null");
        }
        if (out.length < SummaryIndex.LENGTH) {
            throw new IllegalArgumentException("out.length must be >= " + SummaryIndex.LENGTH
                    + ", got " + out.length);
        }
    }

    /**
     * Checks that a memory segment can hold a row-major {@code rows x cols} float matrix from
     * float index {@code offset} with leading dimension {@code ld}, the same rules as
     * {@link #matrix} with sizes in floats ({@code segment.byteSize() / 4}).
     */
    public static void matrix(String name, MemorySegment segment, long offset, int rows, int cols,
                              int ld) {
        if (segment == null) {
            throw new NullPointerException(name + " must not be null");
        }
        extent(name, null, segment.byteSize() / Float.BYTES, offset, rows, cols, ld, true);
    }

    /**
     * Checks that the calling thread may use a segment now: its scope is alive, it is not
     * confined to another thread, and (for an output) it is writable. Thrown before anything
     * is read or written, with the JDK's own exception types so that code handling those keeps
     * working, and messages that name the argument and the call.
     *
     * @param name the argument's name ({@code "a"})
     * @param call the public call, for the message ({@code "Gemm.multiply"})
     * @param output whether the call writes into the segment
     * @throws IllegalStateException if the segment's arena (scope) is closed
     * @throws WrongThreadException if the segment is confined to another thread
     * @throws IllegalArgumentException if {@code output} and the segment is read-only
     */
    public static void usable(String name, String call, MemorySegment segment, boolean output) {
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException(name + " is closed: the arena that owns it was closed"
                    + " before " + call + " was called, so its memory is gone");
        }
        if (!segment.isAccessibleBy(Thread.currentThread())) {
            throw new WrongThreadException(name + " is confined to another thread: its arena is"
                    + " confined, and " + call + " was called on thread \"" + Thread.currentThread().getName()
                    + "\"; call it from the owner thread, or allocate " + name + " in a shared arena");
        }
        if (output && segment.isReadOnly()) {
            throw new IllegalArgumentException(name + " must be writable: " + call + " writes its"
                    + " result into " + name + ", which is read-only; pass a writable segment (not one"
                    + " from asReadOnly() or a read-only mapping)");
        }
    }

    /**
     * Validates a GEMM on memory segments: as {@link #gemm}, with overlap judged on addresses,
     * and each segment {@link #usable} by this thread now (c writable).
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                            MemorySegment c, long cOff, int ldc) {
        size("m", m);
        size("n", n);
        size("k", k);
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        stageable("a", aRows, aCols, GEMM);
        stageable("b", bRows, bCols, GEMM);
        stageable("c", m, n, GEMM);
        matrix("a", a, aOff, aRows, aCols, lda);
        matrix("b", b, bOff, bRows, bCols, ldb);
        matrix("c", c, cOff, m, n, ldc);
        usable("a", GEMM, a, false);
        usable("b", GEMM, b, false);
        usable("c", GEMM, c, true);
        if (overlap(c, cOff, m, n, ldc, a, aOff, aRows, aCols, lda)) {
            throw new IllegalArgumentException("c must not overlap a in memory");
        }
        if (overlap(c, cOff, m, n, ldc, b, bOff, bRows, bCols, ldb)) {
            throw new IllegalArgumentException("c must not overlap b in memory");
        }
    }

    /**
     * Validates a GEMM with a packed B on memory segments A and C: as {@link #gemmPacked} for
     * arrays, with overlap judged on addresses, and a and c {@link #usable} by this thread now
     * (c writable).
     */
    public static void gemmPacked(boolean transA, int m, Object packed, MemorySegment a, long aOff,
                                  int lda, int n, int k, MemorySegment c, long cOff, int ldc) {
        if (packed == null) {
            throw new NullPointerException("b must not be null");
        }
        size("m", m);
        int aRows = transA ? k : m, aCols = transA ? m : k;
        stageable("a", aRows, aCols, GEMM_PACKED);
        stageable("c", m, n, GEMM_PACKED);
        matrix("a", a, aOff, aRows, aCols, lda);
        matrix("c", c, cOff, m, n, ldc);
        usable("a", GEMM_PACKED, a, false);
        usable("c", GEMM_PACKED, c, true);
        if (overlap(c, cOff, m, n, ldc, a, aOff, aRows, aCols, lda)) {
            throw new IllegalArgumentException("c must not overlap a in memory");
        }
    }

    /** The most floats a Java array can hold on common JVMs (what PackBuffers allows). */
    static final long MAX_STAGED = Integer.MAX_VALUE - 8;

    /**
     * Segment operands are staged in float arrays (see {@code GemmSegments}): a dense copy of
     * each must fit one Java array.
     */
    private static void stageable(String name, int rows, int cols, String call) {
        if ((long) rows * cols > MAX_STAGED) {
            throw new IllegalArgumentException(name + " must hold at most " + MAX_STAGED + " floats"
                    + " for " + call + " on segments, which copies each operand into a float array;"
                    + " a " + rows + " x " + cols + " matrix holds " + (long) rows * cols);
        }
    }

    /** The public calls the segment GEMM checks serve, named in their messages. */
    private static final String GEMM = "Gemm.multiply", GEMM_PACKED = "Gemm.multiplyPacked";

    /**
     * What a segment GEMM throws when a segment's arena is closed by another thread during the
     * call (the JDK then throws {@code IllegalStateException("Already closed")} from the access):
     * the same type, with a message naming every operand that is no longer alive and saying
     * what became of C, and the JDK's exception as the cause. C is written only after A and B
     * have been read in full, so while c is alive a closed a or b leaves C unchanged.
     *
     * @param closed what the segment access threw
     * @return the exception to throw: {@code closed} itself if every operand is still alive
     */
    public static RuntimeException closedDuringGemm(IllegalStateException closed,
                                                    MemorySegment a, MemorySegment b, MemorySegment c) {
        return closedDuring(closed, a, b, c, GEMM);
    }

    /**
     * As {@link #closedDuringGemm}, for the product with a packed B, whose only segments are a
     * and c.
     *
     * @param closed what the segment access threw
     * @return the exception to throw: {@code closed} itself if a and c are still alive
     */
    public static RuntimeException closedDuringGemmPacked(IllegalStateException closed,
                                                          MemorySegment a, MemorySegment c) {
        return closedDuring(closed, a, null, c, GEMM_PACKED);
    }

    private static RuntimeException closedDuring(IllegalStateException closed, MemorySegment a,
                                                 MemorySegment b, MemorySegment c, String call) {
        boolean aGone = !a.scope().isAlive(), bGone = b != null && !b.scope().isAlive();
        boolean cGone = !c.scope().isAlive();
        if (!aGone && !bGone && !cGone) {
            return closed;
        }
        String names = (aGone ? "a" : "") + (aGone && bGone ? " and " : "") + (bGone ? "b" : "");
        String message;
        if (cGone) {
            message = (names.isEmpty() ? "c was" : names + " and c were") + " closed by another"
                    + " thread during " + call + "; c's memory is gone, so nothing can be said of it";
        } else {
            message = names + (aGone && bGone ? " were" : " was") + " closed by another thread during "
                    + call + ", while being read; c was not written";
        }
        return new IllegalStateException(message, closed);
    }

    /**
     * Whether two validated matrices on segments share a byte of memory (an empty one shares
     * none). Native segments (off-heap, mapped) are compared by address, which allocates
     * nothing; heap segments by {@link MemorySegment#asOverlappingSlice}, which knows whether two
     * wrap the same array. (Comparing every pair through slices and the Optional that method
     * returns allocated up to 120 B per call wherever C2's escape analysis did not remove them,
     * which depends on what else the JVM has compiled.) A native and a heap segment never
     * overlap.
     */
    private static boolean overlap(MemorySegment x, long xOff, int xRows, int xCols, int ldx,
                                   MemorySegment y, long yOff, int yRows, int yCols, int ldy) {
        long xBytes = spanFloats(xOff, xRows, xCols, ldx) * Float.BYTES;
        long yBytes = spanFloats(yOff, yRows, yCols, ldy) * Float.BYTES;
        if (xBytes == 0 || yBytes == 0 || x.isNative() != y.isNative()) {
            return false;
        }
        long xStart = xOff * Float.BYTES, yStart = yOff * Float.BYTES;
        if (x.isNative()) {
            long xs = x.address() + xStart, ys = y.address() + yStart;
            return xs < ys + yBytes && ys < xs + xBytes;
        }
        return x.asSlice(xStart, xBytes).asOverlappingSlice(y.asSlice(yStart, yBytes)).isPresent();
    }

    /** The floats a validated matrix spans, from its first element to its last (0 if empty). */
    private static long spanFloats(long offset, int rows, int cols, int ld) {
        return rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
    }

    /** One past the last element a non-empty matrix touches; {@code offset} when empty. */
    static long end(int offset, int rows, int cols, int ld) {
        if (rows == 0 || cols == 0) {
            return offset;
        }
        return offset + (long) (rows - 1) * ld + cols;
    }
}
