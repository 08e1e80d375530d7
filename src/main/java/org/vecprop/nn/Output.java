package org.vecprop.nn;

import java.util.Arrays;
import java.util.Objects;
import org.vecprop.contract.Checks;

/**
 * A network's output for its last forward pass: {@link #rows()} (the batch) by {@link #cols()}
 * (the network's outputs), read without knowing how large the buffer behind it is.
 *
 * <p>A view, not a copy: it reads the network's output buffer, so the next forward pass changes
 * what it shows (and its row count). Copy what must outlive that with {@link #copyTo} or
 * {@link #toArray}. One view per network, made with it: reading allocates nothing.
 */
public final class Output {
    private final float[] buffer;
    private final int cols;
    private int rows;

    Output(float[] buffer, int cols) {
        this.buffer = buffer;
        this.cols = cols;
    }

    /** Called by the network after a forward pass of {@code rows} rows. */
    void rows(int rows) {
        this.rows = rows;
    }

    /** {@return rows of the last forward pass (its batch); 0 before the first} */
    public int rows() {
        return rows;
    }

    /** {@return columns: the network's outputs per example} */
    public int cols() {
        return cols;
    }

    /**
     * {@return the output of example {@code row}, unit {@code col}}
     *
     * @param row {@code 0 <= row < rows()}
     * @param col {@code 0 <= col < cols()}
     * @throws IndexOutOfBoundsException for a row or column outside the output
     */
    public float get(int row, int col) {
        Indexes.check("row", row, rows, "rows()");
        Indexes.check("col", col, cols, "cols()");
        return buffer[row * cols + col];
    }

    /**
     * Copies the {@code rows() x cols()} output into {@code dst} from {@code dstOff}, row stride
     * {@code lddst} (the BLAS convention every vecprop call uses).
     *
     * @param dst the destination
     * @param dstOff where row 0 starts
     * @param lddst the destination's row stride, {@code >= cols()}
     * @throws NullPointerException if {@code dst} is null
     * @throws IllegalArgumentException or IndexOutOfBoundsException if it does not fit, before
     *     any write
     */
    public void copyTo(float[] dst, int dstOff, int lddst) {
        Objects.requireNonNull(dst, "dst must not be null");
        Checks.matrix("dst", dst, dstOff, rows, cols, lddst);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(buffer, r * cols, dst, dstOff + r * lddst, cols);
        }
    }

    /** {@return a copy of the output, {@code rows() x cols()} row-major (allocates)} */
    public float[] toArray() {
        return Arrays.copyOf(buffer, rows * cols);
    }

    /** {@return the shape and values, for people (allocates)} */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Output ").append(rows).append(" x ").append(cols)
                .append(' ').append('[');
        for (int r = 0; r < rows; r++) {
            s.append(r == 0 ? "" : ", ")
                    .append(Arrays.toString(Arrays.copyOfRange(buffer, r * cols, r * cols + cols)));
        }
        return s.append(']').toString();
    }
}
