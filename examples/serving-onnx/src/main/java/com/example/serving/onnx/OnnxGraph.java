package com.example.serving.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.vecprop.nn.Dense;
import org.vecprop.nn.Network;

/**
 * A vecprop {@link Network} as an ONNX model (a serialized {@code onnx.ModelProto}), written as
 * protobuf bytes with no library: the same approach and field numbers as
 * {@code jmh/src/main/java/org/vecprop/jmh/OnnxMlpModel.java} (see its comment for why, and for
 * the check with the {@code onnx} Python package), with two differences a service needs: the
 * batch dimension is symbolic ({@code dim_param "batch"}), so one session takes any number of
 * rows, and the layers come from the network itself (weights, bias or none, activation).
 *
 * <p>The graph: input {@code x} float32 {@code [batch, inputs]}; per layer a {@code Gemm}
 * ({@code Y = A·B + C}, opset 17; without C when the layer has no bias) with initializers
 * {@code W<l>} ({@code [in, out]}, vecprop's layout) and {@code b<l>}, then {@code Relu},
 * {@code Sigmoid} or {@code Tanh} as the layer's activation says (nothing for identity); output
 * {@code y} float32 {@code [batch, outputs]}.
 */
final class OnnxGraph {
    static final String INPUT = "x", OUTPUT = "y";
    private static final long IR_VERSION = 8, OPSET = 17;
    private static final int FLOAT = 1; // TensorProto.DataType.FLOAT

    private OnnxGraph() {}

    /** {@return the model's bytes: the network's weights and structure, any batch} */
    static byte[] of(Network net) {
        Proto graph = new Proto().string(2, "vecprop"); // GraphProto.name
        String in = INPUT;
        for (int l = 0; l < net.depth(); l++) {
            Dense d = net.layer(l);
            boolean last = l == net.depth() - 1;
            String op = switch (d.activation()) {
                case RELU -> "Relu";
                case SIGMOID -> "Sigmoid";
                case TANH -> "Tanh";
                case IDENTITY -> null;
            };
            String z = last && op == null ? OUTPUT : "z" + l;
            float[] w = new float[d.inputs() * d.outputs()];
            d.weight().copyTo(w, 0);
            if (d.hasBias()) {
                float[] b = new float[d.outputs()];
                d.bias().copyTo(b, 0);
                graph.message(1, node("gemm" + l, "Gemm", z, in, "W" + l, "b" + l)); // GraphProto.node
                graph.message(5, tensor("b" + l, b, d.outputs())); // GraphProto.initializer
            } else {
                graph.message(1, node("gemm" + l, "Gemm", z, in, "W" + l));
            }
            graph.message(5, tensor("W" + l, w, d.inputs(), d.outputs()));
            in = z;
            if (op != null) {
                String a = last ? OUTPUT : "a" + l;
                graph.message(1, node(op.toLowerCase(java.util.Locale.ROOT) + l, op, a, z));
                in = a;
            }
        }
        graph.message(11, value(INPUT, net.inputs())); // GraphProto.input
        graph.message(12, value(OUTPUT, net.outputs())); // GraphProto.output
        return new Proto()
                .varint(1, IR_VERSION) // ModelProto.ir_version
                .string(2, "vecprop examples/serving-onnx") // ModelProto.producer_name
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
     * ValueInfoProto (name = 1, type = 2) of a float32 {@code [batch, cols]}: TypeProto.tensor_type =
     * 1; Tensor elem_type = 1, shape = 2; TensorShapeProto.dim = 1; Dimension dim_value = 1,
     * dim_param = 2.
     */
    private static Proto value(String name, long cols) {
        Proto shape = new Proto()
                .message(1, new Proto().string(2, "batch"))
                .message(1, new Proto().varint(1, cols));
        Proto tensorType = new Proto().varint(1, FLOAT).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /** A protobuf message being written: varints (wire type 0) and length-prefixed bytes (2). */
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
            while (v >= 0x80) {
                out.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
