package org.vecprop.jmh;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * An ONNX model (a serialized {@code onnx.ModelProto}) of a ReLU MLP with given float32 weights,
 * written directly as protobuf bytes, so that {@link InferenceLatency} runs ONNX Runtime on
 * exactly vecprop's weights with no Python step and no model file to keep in sync.
 *
 * <p>Why by hand: ONNX Runtime's Java API loads models but cannot build one, and its jar ships no
 * protobuf classes; the subset of {@code onnx.proto} a dense MLP needs is five message types of
 * plain fields, which a 40-line writer covers. The field numbers below are those of
 * {@code onnx/onnx.proto} (ONNX 1.12, IR version 8). ORT parsing the bytes and reproducing
 * vecprop's outputs within rounding (checked in {@link InferenceLatency}'s setup) is the test that
 * the encoding is right; {@code python3 -c "import onnx; onnx.checker.check_model(onnx.load(F),
 * full_check=True)"} on a file written by {@link #main} is a second, independent one.
 *
 * <h2>The graph</h2>
 * Input {@code x}, float32 {@code [batch, sizes[0]]}, the batch fixed (the model is built per
 * benchmark trial, so ONNX Runtime can plan every buffer statically). Layer {@code l} is one
 * {@code Gemm} node (opset 17: {@code Y = A·B + C}, alpha = beta = 1, no transposes, C broadcast
 * over the rows) with initializers {@code W<l>} ({@code [in, out]}, row-major, as vecprop stores
 * weights) and {@code b<l>} ({@code [out]}); hidden layers add a {@code Relu} node. The output
 * {@code y} is float32 {@code [batch, sizes[last]]}. This is the graph {@code torch.onnx.export}
 * gives for a stack of {@code nn.Linear} and {@code nn.ReLU} (it stores W transposed and sets
 * {@code transB = 1}; here W is stored as vecprop holds it). Initializers are {@code raw_data},
 * little-endian IEEE 754, as the format requires.
 */
public final class OnnxMlpModel {
    static final long IR_VERSION = 8;
    static final long OPSET = 17;
    static final String INPUT = "x", OUTPUT = "y";

    private static final int FLOAT = 1; // TensorProto.DataType.FLOAT

    private OnnxMlpModel() {}

    /**
     * The model's bytes.
     *
     * @param batch rows of the input, at least 1
     * @param sizes layer widths from the input to the output, at least two, each at least 1
     * @param w per layer, {@code sizes[l] x sizes[l + 1]} row-major
     * @param b per layer, {@code sizes[l + 1]} values
     * @throws IllegalArgumentException if a size, or the length of a weight or bias array, is wrong
     */
    public static byte[] build(int batch, int[] sizes, float[][] w, float[][] b) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        if (sizes == null || sizes.length < 2) {
            throw new IllegalArgumentException("sizes must name an input and an output width");
        }
        int layers = sizes.length - 1;
        if (w == null || b == null || w.length != layers || b.length != layers) {
            throw new IllegalArgumentException("need " + layers + " weight and bias arrays");
        }
        for (int l = 0; l < layers; l++) {
            if (sizes[l] < 1 || sizes[l + 1] < 1) {
                throw new IllegalArgumentException("sizes must be >= 1, got layer " + l + ": "
                        + sizes[l] + " -> " + sizes[l + 1]);
            }
            if (w[l].length != sizes[l] * sizes[l + 1] || b[l].length != sizes[l + 1]) {
                throw new IllegalArgumentException("layer " + l + ": weights must hold "
                        + sizes[l] * sizes[l + 1] + " floats and bias " + sizes[l + 1]
                        + ", got " + w[l].length + " and " + b[l].length);
            }
        }

        Proto graph = new Proto().string(2, "mlp"); // GraphProto.name
        String in = INPUT;
        for (int l = 0; l < layers; l++) {
            boolean last = l == layers - 1;
            String z = last ? OUTPUT : "z" + l;
            graph.message(1, node("gemm" + l, "Gemm", z, in, "W" + l, "b" + l)); // GraphProto.node
            if (!last) {
                graph.message(1, node("relu" + l, "Relu", "a" + l, z));
                in = "a" + l;
            }
            graph.message(5, tensor("W" + l, w[l], sizes[l], sizes[l + 1])); // GraphProto.initializer
            graph.message(5, tensor("b" + l, b[l], sizes[l + 1]));
        }
        graph.message(11, floatValue(INPUT, batch, sizes[0])); // GraphProto.input
        graph.message(12, floatValue(OUTPUT, batch, sizes[layers])); // GraphProto.output

        return new Proto()
                .varint(1, IR_VERSION) // ModelProto.ir_version
                .string(2, "vecprop-jmh OnnxMlpModel") // ModelProto.producer_name
                .message(7, graph) // ModelProto.graph
                .message(8, new Proto().string(1, "").varint(2, OPSET)) // opset_import: domain, version
                .bytes();
    }

    /** NodeProto: input = 1, output = 2, name = 3, op_type = 4. */
    private static Proto node(String name, String op, String output, String... inputs) {
        Proto n = new Proto();
        for (String i : inputs) {
            n.string(1, i);
        }
        return n.string(2, output).string(3, name).string(4, op);
    }

    /** TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian). */
    private static Proto tensor(String name, float[] values, long... dims) {
        Proto t = new Proto();
        for (long d : dims) {
            t.varint(1, d);
        }
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return t.varint(2, FLOAT).string(8, name).bytes(9, raw.array());
    }

    /**
     * ValueInfoProto (name = 1, type = 2) of a float32 tensor with fixed dims: TypeProto.tensor_type
     * = 1; TypeProto.Tensor elem_type = 1, shape = 2; TensorShapeProto.dim = 1; Dimension.dim_value = 1.
     */
    private static Proto floatValue(String name, long... dims) {
        Proto shape = new Proto();
        for (long d : dims) {
            shape.message(1, new Proto().varint(1, d));
        }
        Proto tensorType = new Proto().varint(1, FLOAT).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /**
     * A protobuf message being written: fields in the order given, each a key (field number and
     * wire type) then a varint (wire type 0) or a length-prefixed byte string (wire type 2). Only
     * non-negative integers are written, so plain base-128 varints suffice.
     */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            key(field, 0);
            raw(value);
            return this;
        }

        Proto bytes(int field, byte[] value) {
            key(field, 2);
            raw(value.length);
            out.writeBytes(value);
            return this;
        }

        Proto string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto value) {
            return bytes(field, value.bytes());
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void key(int field, int wireType) {
            raw((long) field << 3 | wireType);
        }

        private void raw(long v) {
            if (v < 0) {
                throw new IllegalArgumentException("negative varint " + v);
            }
            while (v >= 0x80) {
                out.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }
    }

    /**
     * Writes the model {@link InferenceLatency} runs (its weights, biases and batch) to a file, for
     * inspection or for checking with the {@code onnx} Python package.
     *
     * @param args the file, then optionally the batch (default 1)
     */
    public static void main(String[] args) throws java.io.IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: OnnxMlpModel FILE [BATCH]");
            System.exit(2);
        }
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        InferenceLatency.Weights weights = InferenceLatency.Weights.create(batch);
        java.nio.file.Files.write(java.nio.file.Path.of(args[0]),
                build(batch, InferenceLatency.SIZES, weights.w(), weights.b()));
    }
}
