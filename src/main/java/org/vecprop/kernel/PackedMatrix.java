package org.vecprop.kernel;

import org.vecprop.contract.Checks;
import org.vecprop.internal.PackedOperand;

/**
 * A right-hand GEMM operand packed once into the layout the register tile reads, for
 * {@link Gemm#multiplyPacked(boolean, int, float, float[], int, int, PackedMatrix, float, float[],
 * int, int)} and {@link Gemm#multiplyPackedBiasActivation}: the weight side of {@code X·W} (and, packed transposed, of {@code dZ·Wᵀ}). A product
 * with it skips the per-call packing of B, which at batch 1 to 64 is a large share of the time,
 * and gives the same bits as the plain call on the same values.
 *
 * <p>It holds {@code op(B)}, {@code rows x cols}: stored B is {@code rows x cols}, or
 * {@code cols x rows} when packed transposed. The layout depends on this JVM's vector width, so a
 * packed matrix is an in-memory value, never a file format.
 *
 * <p><b>Sharing and refreshing.</b> Any number of threads may multiply with one packed matrix at
 * once (they only read it); hand it to them through a final field, a volatile or a concurrent
 * collection. {@link #refresh} repacks new values of the same shape into the same memory without
 * allocating (after an optimizer step, say); like writing any array, it must not run while a
 * product is reading the matrix. Compared with MKL's {@code cblas_sgemm_pack}/{@code compute}:
 * the packed value knows its own shape and transpose, so a product cannot be called with the
 * wrong n or k, and it is refreshed in place rather than re-allocated.
 */
public final class PackedMatrix {
    final PackedOperand operand;
    private final boolean transposed;
    private final boolean bfloat16;

    private PackedMatrix(PackedOperand operand, boolean transposed, boolean bfloat16) {
        this.operand = operand;
        this.transposed = transposed;
        this.bfloat16 = bfloat16;
    }

    /**
     * Packs {@code op(B)} of {@code rows x cols} (allocates: do it once).
     *
     * @param transposed whether op(B) = Bᵀ, i.e. stored B is {@code cols x rows}
     * @param rows rows of op(B) (the depth k of the products), {@code >= 0}
     * @param cols columns of op(B) (the n of the products), {@code >= 0}
     * @param b the stored matrix, row-major: element (i, j) at {@code b[bOff + i * ldb + j]};
     *     copied, not kept
     * @param bOff index of the stored matrix's element (0, 0) in {@code b},
     *     {@code 0 <= bOff <= b.length}
     * @param ldb its row stride, {@code >= max(1, its columns)} (cols, or rows when transposed)
     * @return the packed matrix
     * @throws NullPointerException if {@code b} is null
     * @throws IllegalArgumentException for a negative size or a row stride below its minimum
     * @throws IndexOutOfBoundsException for an offset outside b or a matrix that runs past the
     *     end of b
     */
    public static PackedMatrix pack(boolean transposed, int rows, int cols, float[] b, int bOff,
                                    int ldb) {
        Checks.size("rows", rows);
        Checks.size("cols", cols);
        Checks.matrix("b", b, bOff, transposed ? cols : rows, transposed ? rows : cols, ldb);
        return new PackedMatrix(Implementation.KERNELS.packRight(transposed, rows, cols, b, bOff, ldb),
                transposed, false);
    }

    /**
     * Packs {@code op(B)} of {@code rows x cols} with every value rounded to bfloat16 (allocates:
     * do it once): half the bytes of {@link #pack}, for products whose time goes into reading
     * the weights (a batch of one to three rows against a large weight matrix). An explicit
     * opt-in: the products compute with the rounded weights, not the given ones.
     *
     * <p><b>What a product computes.</b> Each value is rounded to the nearest bfloat16, ties to
     * even (on the float's bits, carries into the exponent: 8 exponent bits as a float, 7 fraction
     * bits, relative error at most {@code 2^-8} per weight in the normal range), once, here and
     * on {@link #refresh}. A product with this matrix widens each weight back to float (exact)
     * in the register before its FMA, so it returns the same bits as the same product, by
     * {@code Gemm}'s order of arithmetic, with a float B holding the rounded values: the same at
     * every vector width, path and JIT tier, and the same as {@code Gemm.multiply} on
     * {@code Bfloat16.rounded(b[i])}. Against the float product on the unrounded weights the
     * difference is that of the weights: per element of C at most about
     * {@code 2^-8 * |alpha| * sum_p |op(A)[i][p] * op(B)[p][j]|} plus the float rounding.
     *
     * <p>Everything else is as for {@link #pack}: shape, transpose, sharing, {@link #refresh}.
     *
     * @param transposed whether op(B) = Bᵀ, i.e. stored B is {@code cols x rows}
     * @param rows rows of op(B) (the depth k of the products), {@code >= 0}
     * @param cols columns of op(B) (the n of the products), {@code >= 0}
     * @param b the stored matrix, row-major: element (i, j) at {@code b[bOff + i * ldb + j]};
     *     rounded and copied, not kept
     * @param bOff index of the stored matrix's element (0, 0) in {@code b},
     *     {@code 0 <= bOff <= b.length}
     * @param ldb its row stride, {@code >= max(1, its columns)} (cols, or rows when transposed)
     * @return the packed matrix, its values rounded to bfloat16
     * @throws NullPointerException if {@code b} is null
     * @throws IllegalArgumentException for a negative size or a row stride below its minimum
     * @throws IndexOutOfBoundsException for an offset outside b or a matrix that runs past the
     *     end of b
     */
    public static PackedMatrix packBfloat16(boolean transposed, int rows, int cols, float[] b,
                                            int bOff, int ldb) {
        Checks.size("rows", rows);
        Checks.size("cols", cols);
        Checks.matrix("b", b, bOff, transposed ? cols : rows, transposed ? rows : cols, ldb);
        return new PackedMatrix(Implementation.KERNELS.packRightBfloat16(transposed, rows, cols, b,
                bOff, ldb), transposed, true);
    }

    /**
     * Repacks new values of the same shape and transpose into this matrix, allocating nothing.
     * Must not run while a product reads this matrix.
     *
     * @param b the stored matrix, row-major: element (i, j) at {@code b[bOff + i * ldb + j]};
     *     the same shape and orientation as when packed ({@link #rows()} x {@link #cols()}, or
     *     the transpose when {@link #transposed()})
     * @param bOff index of the stored matrix's element (0, 0) in {@code b},
     *     {@code 0 <= bOff <= b.length}
     * @param ldb its row stride, {@code >= max(1, its columns)}; may differ from the one packed
     * @throws NullPointerException if {@code b} is null
     * @throws IllegalArgumentException for a row stride below its minimum
     * @throws IndexOutOfBoundsException for an offset outside b or a matrix that runs past the
     *     end of b; every exception before anything is written
     */
    public void refresh(float[] b, int bOff, int ldb) {
        Checks.matrix("b", b, bOff, transposed ? operand.cols : operand.depth,
                transposed ? operand.depth : operand.cols, ldb);
        operand.repack(transposed, b, bOff, ldb);
    }

    /**
     * Repacks rows {@code [firstRow, endRow)} of the stored matrix (the rows of {@code b} as
     * given to {@link #refresh}: rows of op(B), or its columns when {@link #transposed()}),
     * allocating nothing: for a caller that changes the stored matrix a block of rows at a time
     * (an optimizer's pass over a weight matrix) and repacks each block while it is still in
     * cache, instead of reading the whole matrix again afterwards. Once every row changed since
     * this matrix was last current has been passed here, after its change, a product with it
     * gives the same bits as with {@link #refresh}. Rows not passed keep the values packed
     * before, but for the neighbours a transposed matrix packs along (below).
     *
     * <p>A transposed matrix keeps a row of stored B in one lane of a panel beside its
     * neighbours, so a call also packs, from {@code b} as they are now, the neighbours sharing
     * its panels (up to 2 vector lengths of rows): pass blocks in the order they are changed,
     * or each after the whole change. Must not run while a product reads this matrix.
     *
     * @param b the stored matrix, as for {@link #refresh}
     * @param bOff index of the stored matrix's element (0, 0) in {@code b}
     * @param ldb its row stride, {@code >= max(1, its columns)}
     * @param firstRow the first row of stored B to repack, {@code >= 0}
     * @param endRow one past the last, {@code firstRow <= endRow <=} the stored matrix's rows
     *     ({@link #rows()}, or {@link #cols()} when transposed)
     * @throws NullPointerException if {@code b} is null
     * @throws IllegalArgumentException for a row stride below its minimum
     * @throws IndexOutOfBoundsException for a row range outside the stored matrix, an offset
     *     outside b or a matrix that runs past the end of b; every exception before anything is
     *     written
     */
    public void refreshRows(float[] b, int bOff, int ldb, int firstRow, int endRow) {
        checkRefreshRows(b, bOff, ldb, firstRow, endRow);
        operand.repackRows(transposed, b, bOff, ldb, firstRow, endRow, null);
    }

    /**
     * As {@link #refreshRows(float[], int, int, int, int)}, with the transpose's scratch (a few
     * KB) taken from {@code workspace} rather than this thread's own buffers: the form for
     * code that keeps no per-thread state (virtual threads, a caller-owned pool).
     *
     * @param b the stored matrix, as for {@link #refresh}
     * @param bOff index of the stored matrix's element (0, 0) in {@code b}
     * @param ldb its row stride, {@code >= max(1, its columns)}
     * @param firstRow the first row of stored B to repack, {@code >= 0}
     * @param endRow one past the last, {@code firstRow <= endRow <=} the stored matrix's rows
     * @param workspace the scratch, used by one thread at a time
     * @throws NullPointerException if {@code b} or {@code workspace} is null
     * @throws IllegalArgumentException for a row stride below its minimum
     * @throws IndexOutOfBoundsException as {@link #refreshRows(float[], int, int, int, int)};
     *     every exception before anything is written
     */
    public void refreshRows(float[] b, int bOff, int ldb, int firstRow, int endRow,
                            Workspace workspace) {
        checkRefreshRows(b, bOff, ldb, firstRow, endRow);
        operand.repackRows(transposed, b, bOff, ldb, firstRow, endRow, Workspace.of(workspace).pack);
    }

    private void checkRefreshRows(float[] b, int bOff, int ldb, int firstRow, int endRow) {
        int storedRows = transposed ? operand.cols : operand.depth;
        Checks.matrix("b", b, bOff, storedRows, transposed ? operand.depth : operand.cols, ldb);
        if (firstRow < 0 || endRow < firstRow || endRow > storedRows) {
            throw new IndexOutOfBoundsException("firstRow and endRow must satisfy 0 <= firstRow"
                    + " <= endRow <= " + storedRows + " (the stored matrix's rows), got firstRow = "
                    + firstRow + ", endRow = " + endRow);
        }
    }

    /**
     * The number of rows of op(B), fixed when packed.
     *
     * @return rows of op(B): the depth k of products with this matrix
     */
    public int rows() {
        return operand.depth;
    }

    /**
     * The number of columns of op(B), fixed when packed.
     *
     * @return columns of op(B): the n of products with this matrix (the columns of C)
     */
    public int cols() {
        return operand.cols;
    }

    /**
     * Whether this holds bfloat16 values ({@link #packBfloat16}); {@link #refresh} rounds the new
     * values the same way.
     *
     * @return whether the values were rounded to bfloat16
     */
    public boolean bfloat16() {
        return bfloat16;
    }

    /**
     * Whether this was packed transposed; {@link #refresh} expects the stored matrix in the same
     * orientation.
     *
     * @return whether this holds the transpose of the stored matrix it was packed from
     */
    public boolean transposed() {
        return transposed;
    }
}
