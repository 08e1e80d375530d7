package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecprop.testing.Rejections.rejects;

import java.nio.FloatBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Activation;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Values;

/**
 * {@link Parameter} views and {@link Output}: names, shapes, reads without copies, writes that
 * the layer's packed weights follow, read-only views, and the checks.
 */
class ParameterTest {

    @Test
    void namedViewsOfEveryParameter() {
        Network net = new Network(new Dense(3, 5, Activation.RELU, true, 2, 1),
                new Dense(5, 4, Activation.IDENTITY, false, 2, 2),
                new Dense(4, 2, Activation.RELU, true, 2, 3));
        List<Parameter> p = net.parameters();
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "3.weight", "3.bias"),
                p.stream().map(Parameter::name).toList());
        assertEquals(Parameter.Kind.WEIGHT, p.get(0).kind());
        assertEquals(Parameter.Kind.BIAS, p.get(1).kind());
        assertEquals(3, p.get(0).rows());
        assertEquals(5, p.get(0).cols());
        assertEquals(15, p.get(0).size());
        // frozen() follows its layer: both views of layer 0 change together, layer 3's do not.
        assertEquals(false, p.get(0).frozen());
        net.layer(0).freeze();
        assertEquals(true, p.get(0).frozen());
        assertEquals(true, p.get(1).frozen(), "the bias of a frozen layer is frozen too");
        assertEquals(false, p.get(3).frozen());
        net.layer(0).unfreeze();
        assertEquals(false, p.get(0).frozen());
        assertEquals(1, p.get(1).rows());
        assertEquals(5, p.get(1).cols());
        assertSame(net.layer(1), net.layerOf(p.get(2)));
        // Every parameter and a layer's own views lead back to their layer; another network's
        // views (even one sharing the weights) and null are refused by name.
        int[] layerOfEach = {0, 0, 1, 2, 2};
        for (int i = 0; i < p.size(); i++) {
            assertSame(net.layer(layerOfEach[i]), net.layerOf(p.get(i)), p.get(i).name());
        }
        assertSame(net.layer(2), net.layerOf(net.layer(2).bias()));
        assertSame(net.layer(0), net.layerOf(net.layer(0).weight()));
        Network other = net.sharingWeights(1);
        rejects(IllegalArgumentException.class, "parameter must view a layer of this network, got 0.weight,"
                + " which views another network's layer", () -> net.layerOf(other.parameters().get(0)));
        rejects(NullPointerException.class, "parameter must not be null", () -> net.layerOf(null));
        assertSame(p.get(3), net.parameter("3.weight"));
        assertEquals("0.weight (3 x 5, in x out)", p.get(0).toString());
        assertEquals("3.bias (1 x 2)", p.get(4).toString());
        rejects(IllegalArgumentException.class, "name must be one of [0.weight, 0.bias, 2.weight,"
                + " 3.weight, 3.bias], got \"1.weight\"", () -> net.parameter("1.weight"));
        assertThrows(UnsupportedOperationException.class, () -> net.parameters().clear());
        assertEquals(net.parameterCount(), p.stream().mapToLong(Parameter::size).sum());
        // A lone layer's views.
        Dense d = net.layer(0);
        assertEquals("weight", d.weight().name());
        assertEquals("bias", d.bias().name());
        assertNull(net.layer(1).bias());
    }

    @Test
    void readsShowTheLiveValuesWithoutCopies() {
        Network net = Network.mlp(2, 4, 2, 3, 1);
        Parameter w = net.parameter("0.weight"), g = net.parameter("0.bias");
        FloatBuffer view = w.values();
        float[] live = net.layer(0).weightArray();
        assertEquals(live[4], w.get(4));
        assertEquals(live[4], view.get(4));
        net.layer(0).weightGrad()[5] = 7f;
        assertEquals(7f, w.gradient(5));
        assertEquals(7f, w.gradient().get(5), "the gradient view is live too");
        float[] copy = new float[8];
        w.copyTo(copy, 2);
        assertEquals(live[0], copy[2]);
        w.set(0, 42f);
        assertEquals(42f, view.get(0), "a view made earlier shows the change");
        assertThrows(ReadOnlyBufferException.class, () -> view.put(0, 1f));
        assertThrows(ReadOnlyBufferException.class, () -> g.gradient().put(0, 1f));
        assertTrue(view.isReadOnly());
    }

    @Test
    void writesReachTheForwardPass() {
        // Each write path must refresh the packed weights the forward product reads.
        Random rnd = new Random(3);
        int in = 37, out = 45, batch = 11;
        Network net = new Network(new Dense(in, out, Activation.RELU, true, batch, 3));
        Network shared = net.sharingWeights(batch);
        float[] x = Values.random(rnd, batch * in, 0, 1f);
        Parameter w = net.parameter("0.weight");
        for (int path = 0; path < 3; path++) {
            net.forward(x, 0, in, batch); // packs the current weights
            shared.forward(x, 0, in, batch);
            switch (path) {
                case 0 -> w.copyFrom(Values.random(rnd, in * out, 0, 1f), 0);
                case 1 -> w.set(in * out - 1, 5f);
                default -> w.fill(-0.01f);
            }
            float[] expected = new float[batch * out];
            org.vecprop.kernel.Gemm.multiplyBiasActivation(false, false, batch, out, in, 1f, x, 0, in,
                    net.layer(0).weightArray(), 0, out, 0f, expected, 0, out,
                    net.layer(0).biasArray(), 0, Activation.RELU);
            Compare.sameArray(expected, net.forward(x, 0, in, batch).toArray(), "write path " + path);
            Compare.sameArray(expected, shared.forward(x, 0, in, batch).toArray(),
                    "write path " + path + ", a network sharing the weights");
        }
    }

    @Test
    void badCallsWriteNothing() {
        Network net = Network.mlp(2, 4, 2, 3, 1);
        Parameter w = net.parameter("0.weight");
        float[] before = net.layer(0).weightArray().clone();
        rejects(IndexOutOfBoundsException.class, "src must fit in its array: 6 elements at srcOff = 1 need 7, but src.length is 6",
                () -> w.copyFrom(new float[6], 1));
        rejects(IndexOutOfBoundsException.class, "src must fit in its array: 6 elements at srcOff = 0 need 6, but src.length is 5",
                () -> w.copyFrom(new float[5], 0));
        rejects(IndexOutOfBoundsException.class, "index must be in [0, size() = 6), got 6", () -> w.set(6, 1f));
        rejects(IndexOutOfBoundsException.class, "index must be in [0, size() = 6), got -1", () -> w.set(-1, 1f));
        rejects(IndexOutOfBoundsException.class, "index must be in [0, size() = 6), got 6", () -> w.get(6));
        rejects(IndexOutOfBoundsException.class, "index must be in [0, size() = 6), got -1", () -> w.gradient(-1));
        rejects(NullPointerException.class, "src must not be null", () -> w.copyFrom(null, 0));
        rejects(NullPointerException.class, "dst must not be null", () -> w.copyTo(null, 0));
        float[] dst = new float[7];
        rejects(IndexOutOfBoundsException.class, "dst must fit in its array: 6 elements at dstOff = 2 need 8, but dst.length is 7",
                () -> w.copyTo(dst, 2));
        assertArrayEquals(new float[7], dst);
        Compare.sameArray(before, net.layer(0).weightArray(), "weights after the rejected writes");
        rejects(NullPointerException.class, "name must not be null", () -> net.parameter(null));
    }

    @Test
    void outputIsTheBatchNotTheBuffer() {
        Network net = Network.mlp(8, 4, 3, 5, 2);
        Output before = net.output();
        assertEquals(0, before.rows());
        assertEquals(2, before.cols());
        float[] x = Values.random(new Random(1), 8 * 3, 0, 1f);
        Output y = net.forward(x, 0, 3, 3);
        assertSame(before, y, "one view per network");
        assertEquals(3, y.rows());
        assertEquals(6, y.toArray().length, "rows x cols, not maxBatch x cols");
        float[] live = net.layer(1).output();
        assertEquals(live[5], y.get(2, 1));
        float[] dst = new float[20];
        java.util.Arrays.fill(dst, 9f);
        y.copyTo(dst, 1, 4);
        assertEquals(live[0], dst[1]);
        assertEquals(live[1], dst[2]);
        assertEquals(9f, dst[3], "the stride's gap is left alone");
        assertEquals(live[2], dst[5]);
        rejects(IndexOutOfBoundsException.class, "row must be in [0, rows() = 3), got 3", () -> y.get(3, 0));
        rejects(IndexOutOfBoundsException.class, "col must be in [0, cols() = 2), got 2", () -> y.get(0, 2));
        rejects(IndexOutOfBoundsException.class, "row must be in [0, rows() = 3), got -1", () -> y.get(-1, 0));
        float[] small = new float[5];
        assertThrows(IndexOutOfBoundsException.class, () -> y.copyTo(small, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> y.copyTo(new float[20], 0, 1));
        rejects(NullPointerException.class, "dst must not be null", () -> y.copyTo(null, 0, 2));
        assertArrayEquals(new float[5], small);
        assertTrue(y.toString().startsWith("Output 3 x 2 [["), y.toString());
        net.forward(x, 0, 3, 8);
        assertEquals(8, y.rows(), "the view follows the next forward");
    }
}
