package org.vecprop.nn;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.vecprop.contract.Checks;

/**
 * A named view of one trainable tensor of a layer, its weight or its bias, and of its gradient:
 * what PyTorch's {@code named_parameters()} gives, reading the layer's own arrays without
 * copying them.
 *
 * <p><b>Names</b> are PyTorch's for the {@code torch.nn.Sequential} of {@code Linear} and
 * activation modules the network corresponds to ({@link Network#modules()}): {@code "0.weight"},
 * {@code "0.bias"}, {@code "2.weight"}... (an activation takes an index of its own); a layer's
 * own views ({@link Dense#weight()}) are just {@code "weight"} and {@code "bias"}. They are the
 * tensor names of the network's safetensors file.
 *
 * <p><b>Layout</b> is vecprop's: a weight is {@code in x out} row-major ({@link #rows()} =
 * inputs, {@link #cols()} = outputs), the transpose of {@code torch.nn.Linear.weight}; a bias is
 * {@code 1 x out}. (The safetensors file holds PyTorch's {@code out x in}: saving and loading
 * transpose.)
 *
 * <p><b>Writing</b> goes through {@link #copyFrom}, {@link #set} and {@link #fill}, which change
 * the layer's weights under its rule (in place while no other layer shares them, else a copy
 * published whole: a forward pass on another thread sees all of this tensor before the write or
 * all of it after; see {@link Dense#sharingWeights}), so a write can never be forgotten by the
 * layer nor half-seen by a reader. Each call is one change: to change many values of a shared
 * layer at once, use {@link #copyFrom} rather than {@link #set} in a loop (each call copies the
 * layer). A write through one parameter changes one layer; {@link Network#loadWeights} changes a
 * whole network at once. The views of {@link #values()} and {@link #gradient()} are read-only.
 */
public final class Parameter {
    /** Which tensor of the layer. */
    public enum Kind {
        /** The weight matrix, {@code in x out}. */
        WEIGHT,
        /** The bias vector, {@code out}. */
        BIAS
    }

    private final String name;
    private final LayerTensor tensor;
    private final Kind kind;
    private final float[] gradient;
    private final int rows, cols, size;

    Parameter(String name, LayerTensor tensor, Kind kind) {
        this.name = name;
        this.tensor = tensor;
        this.kind = kind;
        this.gradient = tensor.gradient();
        this.rows = tensor.rows();
        this.cols = tensor.cols();
        this.size = rows * cols;
    }

    /** {@return the same view under another name (a network names its layers' views by module)} */
    Parameter named(String newName) {
        return new Parameter(newName, tensor, kind);
    }

    /** {@return the tensor viewed: for this package, to find its layer} */
    LayerTensor tensor() {
        return tensor;
    }

    /** {@return the name, e.g. {@code "2.weight"} (see the class comment)} */
    public String name() {
        return name;
    }


    /** {@return weight or bias} */
    public Kind kind() {
        return kind;
    }

    /** {@return rows: the layer's inputs for a weight, 1 for a bias} */
    public int rows() {
        return rows;
    }

    /** {@return columns: the layer's outputs} */
    public int cols() {
        return cols;
    }

    /** {@return the element count, {@code rows() * cols()}} */
    public int size() {
        return size;
    }

    /** {@return whether the layer is frozen: no gradient computed, not updated} */
    public boolean frozen() {
        return tensor.frozen();
    }

    /**
     * {@return the value at {@code index}}
     *
     * @param index row-major, {@code 0 <= index < size()}
     * @throws IndexOutOfBoundsException for an index outside the parameter
     */
    public float get(int index) {
        return array()[Indexes.check("index", index, size, "size()")];
    }

    /**
     * {@return the gradient at {@code index}}
     *
     * @param index row-major, {@code 0 <= index < size()}
     * @throws IndexOutOfBoundsException for an index outside the parameter
     */
    public float gradient(int index) {
        return gradient[Indexes.check("index", index, gradient.length, "size()")];
    }

    /**
     * {@return a read-only view of the current values, row-major {@code rows() x cols()}: no copy (one small view object per call). It shows later changes while the layer shares its weights with no other; once they are shared, each change publishes new arrays (see {@link Dense#sharingWeights}) and a view taken before it keeps showing the version it was taken from}
     */
    public FloatBuffer values() {
        return FloatBuffer.wrap(array()).asReadOnlyBuffer();
    }

    /**
     * {@return a read-only view of the gradient, row-major {@code rows() x cols()}: no copy, it shows every later change (one small view object per call)}
     */
    public FloatBuffer gradient() {
        return FloatBuffer.wrap(gradient).asReadOnlyBuffer();
    }

    /**
     * Copies the values, row-major, into {@code dst} from {@code dstOff}.
     *
     * @param dst the destination
     * @param dstOff where element 0 goes
     * @throws NullPointerException if {@code dst} is null
     * @throws IndexOutOfBoundsException if they do not fit, before any write
     */
    public void copyTo(float[] dst, int dstOff) {
        Checks.vector("dst", dst, dstOff, size);
        System.arraycopy(array(), 0, dst, dstOff, size);
    }

    /**
     * Replaces every value with {@code size()} elements of {@code src} from {@code srcOff},
     * row-major, and tells the layer.
     *
     * @param src the new values
     * @param srcOff where element 0 is
     * @throws NullPointerException if {@code src} is null
     * @throws IndexOutOfBoundsException if {@code src} is too short, before any write
     */
    public void copyFrom(float[] src, int srcOff) {
        Checks.vector("src", src, srcOff, size);
        tensor.change(values -> System.arraycopy(src, srcOff, values, 0, size));
    }

    /**
     * Sets one value and tells the layer.
     *
     * @param index row-major, {@code 0 <= index < size()}
     * @param value the new value
     * @throws IndexOutOfBoundsException for an index outside the parameter
     */
    public void set(int index, float value) {
        Indexes.check("index", index, size, "size()");
        tensor.change(values -> values[index] = value);
    }

    /**
     * Sets every value to {@code value} and tells the layer.
     *
     * @param value the new value
     */
    public void fill(float value) {
        tensor.change(values -> Arrays.fill(values, value));
    }

    /** The current version's values: read afresh on every call, since a change may publish a new one. */
    /** {@return the published values, row-major: for this package, which reads them (saving a file)} */
    float[] array() {
        return tensor.values();
    }

    /** {@return the name and shape, e.g. {@code 0.weight (2 x 64, in x out)}} */
    @Override
    public String toString() {
        return name + " (" + rows + " x " + cols + (kind == Kind.WEIGHT ? ", in x out)" : ")");
    }
}
