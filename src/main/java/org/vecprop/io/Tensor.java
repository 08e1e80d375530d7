package org.vecprop.io;

import java.util.Arrays;
import java.util.Objects;
import org.vecprop.contract.Checks;

/**
 * An immutable float32 tensor: a shape and its elements in row-major ('C') order, as a
 * safetensors file stores them. Reading it never copies more than asked; building one from an
 * array copies the array.
 */
public final class Tensor {
    /** The largest element count of one tensor: what one Java array can hold. */
    public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private final int[] shape;
    private final float[] data;

    private Tensor(int[] shape, float[] data) {
        this.shape = shape;
        this.data = data;
    }

    /**
     * A tensor holding a copy of {@code data}.
     *
     * @param data the elements, row-major; its length must be the product of the dimensions
     * @param shape the dimensions, outermost first, each {@code >= 0}; none for a scalar
     * @return the tensor
     * @throws NullPointerException if {@code data} or {@code shape} is null
     * @throws IllegalArgumentException if a dimension is negative, the product overflows
     *     {@link #MAX_ELEMENTS}, or {@code data.length} differs from it
     */
    public static Tensor of(float[] data, int... shape) {
        Objects.requireNonNull(data, "data must not be null");
        Objects.requireNonNull(shape, "shape must not be null");
        long n = elements(shape);
        if (data.length != n) {
            throw new IllegalArgumentException("data.length must be the element count of shape "
                    + Arrays.toString(shape) + ", " + n + ", got " + data.length);
        }
        return new Tensor(shape.clone(), data.clone());
    }

    /** A tensor over {@code data} without copying: for the reader, which owns the array. */
    static Tensor wrap(int[] shape, float[] data) {
        return new Tensor(shape, data);
    }

    /**
     * The element count of a shape.
     *
     * @throws IllegalArgumentException for a negative dimension or a count past MAX_ELEMENTS
     */
    static long elements(int[] shape) {
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("shape must hold dimensions >= 0, got " + shape[i]
                        + " at index " + i);
            }
            n *= shape[i]; // <= MAX_ELEMENTS * Integer.MAX_VALUE: no long overflow
            if (n > MAX_ELEMENTS) {
                throw new IllegalArgumentException("shape must have at most " + MAX_ELEMENTS
                        + " elements (one Java array), got " + Arrays.toString(shape));
            }
        }
        return n;
    }

    /** {@return a copy of the dimensions, outermost first} */
    public int[] shape() {
        return shape.clone();
    }

    /** {@return how many dimensions (0 for a scalar)} */
    public int rank() {
        return shape.length;
    }

    /**
     * {@return the size of dimension {@code axis}}
     *
     * @param axis {@code 0 <= axis < rank()}
     * @throws IndexOutOfBoundsException for an axis outside the shape
     */
    public int dim(int axis) {
        if (axis < 0 || axis >= shape.length) {
            throw new IndexOutOfBoundsException("axis must be in [0, rank() = " + shape.length
                    + "), got " + axis);
        }
        return shape[axis];
    }

    /** {@return the element count, the product of the dimensions} */
    public int size() {
        return data.length;
    }

    /**
     * {@return the element}
     *
     * @param index the row-major element index, {@code 0 <= index < size()}
     * @throws IndexOutOfBoundsException for an index outside the tensor
     */
    public float get(int index) {
        if (index < 0 || index >= data.length) {
            throw new IndexOutOfBoundsException("index must be in [0, size() = " + data.length
                    + "), got " + index);
        }
        return data[index];
    }

    /**
     * Copies every element, row-major, into {@code dst} from {@code dstOff}.
     *
     * @param dst the destination
     * @param dstOff where the first element goes
     * @throws NullPointerException if {@code dst} is null
     * @throws IndexOutOfBoundsException if the elements do not fit, before any write
     */
    public void copyTo(float[] dst, int dstOff) {
        Checks.vector("dst", dst, dstOff, data.length);
        System.arraycopy(data, 0, dst, dstOff, data.length);
    }

    /** {@return a copy of the elements, row-major} */
    public float[] toArray() {
        return data.clone();
    }

    /** The elements without a copy, for this package's writer. */
    float[] data() {
        return data;
    }

    /**
     * Equal when the shapes are equal and every element has the same bits (NaNs of any payload
     * count as equal, {@code 0.0f} and {@code -0.0f} do not: {@link Arrays#equals(float[], float[])}).
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    /** {@return {@code F32} and the shape, e.g. {@code F32[64, 2]}} */
    @Override
    public String toString() {
        return "F32" + Arrays.toString(shape);
    }
}
