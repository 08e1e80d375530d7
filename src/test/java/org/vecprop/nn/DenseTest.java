package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;
import static org.vecprop.testing.Rejections.rejects;
import static org.vecprop.testing.Rejections.rejectsWithPrefix;

import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;
import org.vecprop.kernel.Activation;
import org.vecprop.kernel.Bias;
import org.vecprop.kernel.Gemm;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Props;
import org.vecprop.testing.Values;

/**
 * {@link Dense}: fused forward and backward against the unfused composition of reference
 * kernels, for random layer sizes (1 and sizes off every tile edge), batches and seeds; and what
 * mutation testing (scripts/mutation) found unchecked: initialisation by activation, accessors,
 * argument checks and their messages, layers without bias.
 *
 * <p>Bounds: a GEMM element differs from the reference by at most
 * {@code (2k + 5) u T}, {@code T = sum |a b| (+ |beta c|)} (see testing.GemmCheck); the bias add
 * adds {@code 2u(|x| + |b|)}, ReLU none. The mask [A > 0] is taken from the fused side, because
 * where Z is within rounding of 0 the two sides may disagree on the sign, which is a difference
 * of the forward pass, not of backward. dW and dX are then checked against the reference GEMM
 * of the same dZ with the GEMM bound; db is bit-identical.
 */
class DenseTest {

    // -------------------------------------------------------------- fusion against the composition

    @Test
    void fusedForwardMatchesTheComposition() {
        Props.theory(Props.EXAMPLES / 2).forAll(Generate.range(1, 70), Generate.range(1, 70),
                Generate.range(1, 40), Generate.longRange(0, 1 << 30)).checkAssert((in, out, batch, seed) -> {
            Random rnd = new Random(seed);
            Dense d = new Dense(in, out, seed % 2 == 0 ? Activation.RELU : Activation.IDENTITY,
                    true, batch, seed);
            Values.fill(rnd, d.biasArray(), 0, 1f);
            float[] x = Values.random(rnd, batch * in, 0, 1f);
            float[] a = d.forward(x, 0, in, batch);
            float[] z = new float[batch * out];
            org.vecprop.reference.ReferenceGemm.multiply(false, false, batch, out, in, 1f, x, 0, in,
                    d.weightArray(), 0, out, 0f, z, 0, out);
            float[] expected = z.clone();
            org.vecprop.reference.ReferenceBias.add(batch, out, expected, 0, out, d.biasArray(), 0, expected, 0, out);
            if (d.activation() == Activation.RELU) {
                org.vecprop.reference.ReferenceRelu.forward(batch, out, expected, 0, out, expected, 0, out);
            }
            for (int i = 0; i < batch; i++) {
                for (int j = 0; j < out; j++) {
                    double t = 0;
                    for (int p = 0; p < in; p++) {
                        t += Math.abs((double) x[i * in + p] * d.weightArray()[p * out + j]);
                    }
                    double tol = (2.0 * in + 5) * Compare.U * t * (1 + Compare.U)
                            + 2 * Compare.U * (Math.abs(z[i * out + j]) + Math.abs(d.biasArray()[j]));
                    Compare.close(expected[i * out + j], a[i * out + j], tol,
                            in + "x" + out + " batch " + batch + " A[" + i + "][" + j + "]");
                }
            }
        });
    }

    @Test
    void fusedBackwardMatchesTheComposition() {
        Props.theory(Props.EXAMPLES / 2).forAll(Generate.range(1, 70), Generate.range(1, 70),
                Generate.range(1, 40), Generate.longRange(0, 1 << 30)).checkAssert((in, out, batch, seed) -> {
            Random rnd = new Random(seed);
            boolean relu = seed % 2 == 0;
            Dense d = new Dense(in, out, relu ? Activation.RELU : Activation.IDENTITY, true, batch, seed);
            float[] x = Values.random(rnd, batch * in, 0, 1f);
            float[] dA = Values.random(rnd, batch * out, 0, 1f);
            float[] a = d.forward(x, 0, in, batch).clone();
            // Accumulate onto nonzero gradients, to check beta = 1 too.
            Values.fill(rnd, d.weightGrad(), 0, 1f);
            Values.fill(rnd, d.biasGrad(), 0, 1f);
            float[] w0 = d.weightGrad().clone(), b0 = d.biasGrad().clone();
            boolean accumulate = seed % 3 != 0;
            d.backward(dA, 0, out, accumulate ? Gradients.ACCUMULATE : Gradients.OVERWRITE, true);

            float[] dz = new float[batch * out];
            if (relu) {
                org.vecprop.reference.ReferenceRelu.backward(batch, out, a, 0, out, dA, 0, out, dz, 0, out);
            } else {
                System.arraycopy(dA, 0, dz, 0, dz.length);
            }
            float[] db = b0.clone();
            org.vecprop.reference.ReferenceBias.gradient(batch, out, dz, 0, out, db, 0, accumulate);
            Compare.sameArray(db, d.biasGrad(), "db");
            float[] dW = w0.clone();
            org.vecprop.reference.ReferenceGemm.multiply(true, false, in, out, batch, 1f, x, 0, in,
                    dz, 0, out, accumulate ? 1f : 0f, dW, 0, out);
            float[] dX = new float[batch * in];
            org.vecprop.reference.ReferenceGemm.multiply(false, true, batch, in, out, 1f, dz, 0, out,
                    d.weightArray(), 0, out, 0f, dX, 0, in);
            for (int p = 0; p < in; p++) {
                for (int j = 0; j < out; j++) {
                    double t = accumulate ? Math.abs(w0[p * out + j]) : 0;
                    for (int i = 0; i < batch; i++) {
                        t += Math.abs((double) x[i * in + p] * dz[i * out + j]);
                    }
                    Compare.close(dW[p * out + j], d.weightGrad()[p * out + j],
                            (2.0 * batch + 5) * Compare.U * t, "dW[" + p + "][" + j + "]");
                }
            }
            for (int i = 0; i < batch; i++) {
                for (int p = 0; p < in; p++) {
                    double t = 0;
                    for (int j = 0; j < out; j++) {
                        t += Math.abs((double) dz[i * out + j] * d.weightArray()[p * out + j]);
                    }
                    Compare.close(dX[i * in + p], d.inputGrad()[i * in + p],
                            (2.0 * out + 5) * Compare.U * t, "dX[" + i + "][" + p + "]");
                }
            }
        });
    }

    /**
     * Sigmoid and tanh layers are their kernels composed, bit for bit where the order of
     * arithmetic fixes it: forward equals {@code Gemm.multiply}, {@code Bias.add} and the
     * activation's forward kernel (the epilogue adds the bias, then applies the function); dZ is
     * the backward kernel on the stored A, db its column sums. dW and dX are checked against the
     * reference GEMM of that dZ within the GEMM bound.
     */
    @Test
    void sigmoidAndTanhLayersAreTheirKernelsComposed() {
        Props.theory(Props.EXAMPLES / 2).forAll(Generate.range(1, 70), Generate.range(1, 70),
                Generate.range(1, 40), Generate.longRange(0, 1 << 30)).checkAssert((in, out, batch, seed) -> {
            Random rnd = new Random(seed);
            boolean tanh = seed % 2 == 0;
            Dense d = new Dense(in, out, tanh ? Activation.TANH : Activation.SIGMOID, true, batch, seed);
            Values.fill(rnd, d.biasArray(), 0, 1f);
            float[] x = Values.random(rnd, batch * in, 0, 2f);
            float[] dA = Values.random(rnd, batch * out, 0, 1f);
            float[] a = d.forward(x, 0, in, batch).clone();
            float[] expected = new float[batch * out];
            Gemm.multiply(false, false, batch, out, in, 1f, x, 0, in, d.weightArray(), 0, out, 0f,
                    expected, 0, out);
            Bias.add(batch, out, expected, 0, out, d.biasArray(), 0, expected, 0, out);
            if (tanh) {
                Activation.TANH.forward(batch, out, expected, 0, out, expected, 0, out);
            } else {
                Activation.SIGMOID.forward(batch, out, expected, 0, out, expected, 0, out);
            }
            String what = d.activation() + " " + in + "x" + out + " batch " + batch;
            Compare.sameArray(expected, Arrays.copyOf(a, batch * out), what + " A");

            Values.fill(rnd, d.weightGrad(), 0, 1f);
            Values.fill(rnd, d.biasGrad(), 0, 1f);
            float[] w0 = d.weightGrad().clone(), b0 = d.biasGrad().clone();
            boolean accumulate = seed % 3 != 0;
            d.backward(dA, 0, out, accumulate ? Gradients.ACCUMULATE : Gradients.OVERWRITE, true);
            float[] dz = new float[batch * out];
            if (tanh) {
                Activation.TANH.backward(batch, out, a, 0, out, dA, 0, out, dz, 0, out);
            } else {
                Activation.SIGMOID.backward(batch, out, a, 0, out, dA, 0, out, dz, 0, out);
            }
            Compare.sameArray(dz, Arrays.copyOf(d.outputGrad(), batch * out), what + " dZ");
            float[] db = b0.clone();
            Bias.gradient(batch, out, dz, 0, out, db, 0, accumulate);
            Compare.sameArray(db, d.biasGrad(), what + " db");
            float[] dW = w0.clone();
            org.vecprop.reference.ReferenceGemm.multiply(true, false, in, out, batch, 1f, x, 0, in,
                    dz, 0, out, accumulate ? 1f : 0f, dW, 0, out);
            for (int p = 0; p < in; p++) {
                for (int j = 0; j < out; j++) {
                    double t = accumulate ? Math.abs(w0[p * out + j]) : 0;
                    for (int i = 0; i < batch; i++) {
                        t += Math.abs((double) x[i * in + p] * dz[i * out + j]);
                    }
                    Compare.close(dW[p * out + j], d.weightGrad()[p * out + j],
                            (2.0 * batch + 5) * Compare.U * t, what + " dW[" + p + "][" + j + "]");
                }
            }
            float[] dX = new float[batch * in];
            org.vecprop.reference.ReferenceGemm.multiply(false, true, batch, in, out, 1f, dz, 0, out,
                    d.weightArray(), 0, out, 0f, dX, 0, in);
            for (int i = 0; i < batch; i++) {
                for (int p = 0; p < in; p++) {
                    double t = 0;
                    for (int j = 0; j < out; j++) {
                        t += Math.abs((double) dz[i * out + j] * d.weightArray()[p * out + j]);
                    }
                    Compare.close(dX[i * in + p], d.inputGrad()[i * in + p],
                            (2.0 * out + 5) * Compare.U * t, what + " dX[" + i + "][" + p + "]");
                }
            }
        });
    }

    @Test
    void skippingTheInputGradientChangesNothingElse() {
        Random rnd = new Random(5);
        Dense d = new Dense(13, 21, Activation.RELU, true, 9, 5);
        float[] x = Values.random(rnd, 9 * 13, 0, 1f), dA = Values.random(rnd, 9 * 21, 0, 1f);
        d.forward(x, 0, 13, 9);
        d.backward(dA, 0, 21, Gradients.OVERWRITE, true);
        float[] w = d.weightGrad().clone(), b = d.biasGrad().clone(), z = d.outputGrad().clone();
        float[] dxBefore = d.inputGrad().clone();
        java.util.Arrays.fill(d.inputGrad(), 42f);
        d.backward(dA, 0, 21, Gradients.OVERWRITE, false);
        Compare.sameArray(w, d.weightGrad(), "dW");
        Compare.sameArray(b, d.biasGrad(), "db");
        Compare.sameArray(z, d.outputGrad(), "dZ");
        for (float v : d.inputGrad()) {
            Compare.same(42f, v, "dX must not be written when skipped");
        }
        org.junit.jupiter.api.Assertions.assertNotEquals(42f, dxBefore[0]);
    }

    /** Layers without bias: every activation's backward without the bias gradient, and the identity one. */
    @Test
    void layersWithoutBias() {
        Random rnd = new Random(4);
        int in = 5, out = 19, batch = 3;
        float[] w = Values.random(rnd, in * out, 0, 1f);
        float[] x = Values.random(rnd, batch * in, 0, 1f), dA = Values.random(rnd, batch * out, 0, 1f);
        for (Activation act : Activation.values()) {
            Dense d = Dense.of(in, out, act, w, null, batch);
            float[] a = d.forward(x, 0, in, batch).clone();
            float[] z = new float[batch * out];
            org.vecprop.reference.ReferenceGemm.multiply(false, false, batch, out, in, 1f, x, 0, in, w, 0, out,
                    0f, z, 0, out);
            float[] dz = dA.clone();
            switch (act) {
                case RELU -> org.vecprop.reference.ReferenceRelu.backward(batch, out, a, 0, out, dA, 0, out, dz, 0, out);
                case SIGMOID -> Activation.SIGMOID.backward(batch, out, a, 0, out, dA, 0, out, dz, 0, out);
                case TANH -> Activation.TANH.backward(batch, out, a, 0, out, dA, 0, out, dz, 0, out);
                case IDENTITY -> { }
            }
            Arrays.fill(d.weightGrad(), 1f);
            d.backward(dA, 0, out, Gradients.ACCUMULATE, true);
            if (act != Activation.IDENTITY) {
                Compare.sameArray(dz, Arrays.copyOf(d.outputGrad(), batch * out), act + " dZ");
            } else {
                assertArrayEquals(new float[batch * out], Arrays.copyOf(d.outputGrad(), batch * out),
                        "an identity layer leaves outputGrad alone");
            }
            for (int p = 0; p < in; p++) {
                for (int j = 0; j < out; j++) {
                    double sum = 1;
                    double t = 1;
                    for (int i = 0; i < batch; i++) {
                        sum += (double) x[i * in + p] * dz[i * out + j];
                        t += Math.abs((double) x[i * in + p] * dz[i * out + j]);
                    }
                    assertEquals(sum, d.weightGrad()[p * out + j], 1e-5 * t, act + " dW accumulated");
                }
            }
            d.zeroGrad();
            assertArrayEquals(new float[in * out], d.weightGrad(), "zeroGrad without bias");
        }
    }

    // ---------------------------------------------------------- construction, accessors, bad input

    @Test
    void initialisesByActivation() {
        Dense relu = new Dense(7, 5, Activation.RELU, true, 3, 42);
        float[] he = new float[35];
        Init.he(he, 7, new SplittableRandom(42));
        assertArrayEquals(he, relu.weightArray(), "ReLU layers start from He normal");
        Dense identity = new Dense(7, 5, Activation.IDENTITY, true, 3, 42);
        float[] glorot = new float[35];
        Init.glorot(glorot, 7, 5, new SplittableRandom(42));
        assertArrayEquals(glorot, identity.weightArray(), "identity layers start from Glorot uniform");
        assertArrayEquals(glorot, new Dense(7, 5, Activation.SIGMOID, true, 3, 42).weightArray(),
                "sigmoid layers start from Glorot uniform");
        assertArrayEquals(glorot, new Dense(7, 5, Activation.TANH, true, 3, 42).weightArray(),
                "tanh layers start from Glorot uniform");
        assertArrayEquals(new float[5], identity.biasArray(), "bias starts at 0");
        assertNull(new Dense(7, 5, Activation.RELU, false, 3, 42).biasArray());
        assertNull(new Dense(7, 5, Activation.RELU, false, 3, 42).biasGrad());
    }

    @Test
    void accessors() {
        Dense d = new Dense(3, 4, Activation.IDENTITY, true, 6, 1);
        assertEquals(3, d.inputs());
        assertEquals(4, d.outputs());
        assertEquals(Activation.IDENTITY, d.activation());
        assertEquals(6, d.maxBatch());
        assertEquals(-1, d.batch(), "no forward yet");
        assertEquals(12, d.weightArray().length);
        assertEquals(12, d.weightGrad().length);
        assertEquals(4, d.biasGrad().length);
        assertEquals(24, d.output().length);
        assertEquals(24, d.outputGrad().length);
        assertEquals(18, d.inputGrad().length);
        d.forward(new float[15], 0, 3, 5);
        assertEquals(5, d.batch());
        Dense shared = d.sharingWeights(2);
        assertSame(d.weightArray(), shared.weightArray());
        assertSame(d.biasArray(), shared.biasArray());
        assertNotSame(d.output(), shared.output());
        assertEquals(2, shared.maxBatch());
        assertEquals(-1, shared.batch());
    }

    @Test
    void rejectsBadShapes() {
        rejects(IllegalArgumentException.class, "in must be >= 1, got 0",
                () -> new Dense(0, 2, Activation.RELU, true, 1, 1));
        rejects(IllegalArgumentException.class, "out must be >= 1, got 0",
                () -> new Dense(2, 0, Activation.RELU, true, 1, 1));
        rejects(IllegalArgumentException.class, "maxBatch must be >= 1, got 0",
                () -> new Dense(2, 2, Activation.RELU, true, 0, 1));
        rejects(NullPointerException.class, "activation must not be null",
                () -> new Dense(2, 2, null, true, 1, 1));
        // Sizes whose buffers do not fit one Java array, refused before anything is allocated.
        rejects(IllegalArgumentException.class,
                "in x out and maxBatch x max(in, out) must each be at most 2147483639 (one Java"
                        + " array), got in = 65536, out = 65536, maxBatch = 1: 4294967296",
                () -> new Dense(65536, 65536, Activation.RELU, true, 1, 1));
        rejects(IllegalArgumentException.class,
                "in x out and maxBatch x max(in, out) must each be at most 2147483639 (one Java"
                        + " array), got in = 1, out = 2, maxBatch = 1073741824: 2147483648",
                () -> new Dense(1, 2, Activation.RELU, true, 1 << 30, 1));
        rejects(IllegalArgumentException.class,
                "in x out and maxBatch x max(in, out) must each be at most 2147483639 (one Java"
                        + " array), got in = 1048576, out = 1, maxBatch = 2048: 2147483648",
                () -> new Dense(1 << 20, 1, Activation.RELU, true, 1 << 11, 1));
        rejects(IllegalArgumentException.class,
                "in x out and maxBatch x max(in, out) must each be at most 2147483639 (one Java"
                        + " array), got in = 1048576, out = 1, maxBatch = 2048: 2147483648",
                () -> Dense.of(1 << 20, 1, Activation.RELU, new float[1 << 20], null, 1 << 11));
    }

    @Test
    void ofCopiesAndChecks() {
        float[] w = {1, 2, 3, 4, 5, 6}, b = {0.5f, -0.5f, 1.5f};
        Dense d = Dense.of(2, 3, Activation.IDENTITY, w, b, 2);
        w[0] = 99;
        b[0] = 99;
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, d.weightArray(), "weights are copied");
        assertArrayEquals(new float[] {0.5f, -0.5f, 1.5f}, d.biasArray(), "bias is copied");
        rejects(IndexOutOfBoundsException.class, "weights must fit in its array: 6 elements at weightsOff = 0"
                + " need 6, but weights.length is 5", () -> Dense.of(2, 3, Activation.RELU, new float[5], b, 2));
        rejects(NullPointerException.class, "weights must not be null",
                () -> Dense.of(2, 3, Activation.RELU, null, b, 2));
        rejects(IndexOutOfBoundsException.class, "bias must fit in its array: 3 elements at biasOff = 0"
                + " need 3, but bias.length is 2", () -> Dense.of(2, 3, Activation.RELU, w, new float[2], 2));
        // A longer array is fine: the first in * out (and out) elements are used.
        Dense longer = Dense.of(2, 3, Activation.RELU, new float[9], new float[4], 2);
        assertEquals(6, longer.weightArray().length);
        assertEquals(3, longer.biasArray().length);
        assertNull(Dense.of(2, 3, Activation.RELU, w, null, 2).biasArray());
    }

    @Test
    void forwardAndBackwardChecks() {
        Dense d = new Dense(3, 2, Activation.RELU, true, 4, 1);
        rejects(IllegalStateException.class, "backward before forward",
                () -> d.backward(new float[8], 0, 2, Gradients.OVERWRITE, true));
        rejects(IllegalArgumentException.class, "batch must be in [1, maxBatch = 4], got 0",
                () -> d.forward(new float[12], 0, 3, 0));
        rejects(IllegalArgumentException.class, "batch must be in [1, maxBatch = 4], got 5",
                () -> d.forward(new float[15], 0, 3, 5));
        rejectsWithPrefix(IndexOutOfBoundsException.class, "x must fit in its array: a 2 x 3 matrix at xOff = 1",
                () -> d.forward(new float[6], 1, 3, 2));
        assertEquals(-1, d.batch(), "a rejected forward leaves no batch behind");
        d.forward(new float[6], 0, 3, 2);
        rejects(NullPointerException.class, "mode must not be null",
                () -> d.backward(new float[4], 0, 2, null, true));
        rejectsWithPrefix(IndexOutOfBoundsException.class, "dA must fit in its array: a 2 x 2 matrix at dAOff = 0",
                () -> d.backward(new float[3], 0, 2, Gradients.OVERWRITE, true));
        Dense identity = new Dense(3, 2, Activation.IDENTITY, false, 4, 1);
        identity.forward(new float[6], 0, 3, 2);
        rejectsWithPrefix(IndexOutOfBoundsException.class, "dA must fit in its array: a 2 x 2 matrix at dAOff = 1",
                () -> identity.backward(new float[4], 1, 2, Gradients.OVERWRITE, true));
    }

    @Test
    void forwardUsesTheWeightsOfTheLastChangeOnEveryLayerSharingThem() {
        // The forward product reads a packed copy of W. A layer that shares its weights with no
        // other is changed in place and told (weightsChanged, what Sgd did before optimizers
        // published changes); once shared, a change is a published version both layers see.
        Random rnd = new Random(9);
        int in = 37, out = 45, batch = 11;
        Dense d = new Dense(in, out, Activation.RELU, true, batch, 3);
        float[] x = Values.random(rnd, batch * in, 0, 1f);
        float[] before = d.forward(x, 0, in, batch).clone();
        float[] w = d.weightArray();
        for (int i = 0; i < w.length; i++) {
            w[i] = -w[i];
        }
        d.weightsChanged();
        float[] expected = composedForward(x, batch, in, out, w, d.biasArray(), Activation.RELU);
        Compare.sameArray(expected, d.forward(x, 0, in, batch), "after weightsChanged");
        assertEquals(false, Arrays.equals(before, expected), "the change must show");

        Dense shared = d.sharingWeights(batch);
        Compare.sameArray(expected, shared.forward(x, 0, in, batch), "a layer sharing the weights");
        float[] flipped = w.clone();
        for (int i = 0; i < flipped.length; i++) {
            flipped[i] = -flipped[i];
        }
        d.weight().copyFrom(flipped, 0);
        expected = composedForward(x, batch, in, out, flipped, d.biasArray(), Activation.RELU);
        Compare.sameArray(before, expected, "flipped twice: the first weights");
        Compare.sameArray(expected, shared.forward(x, 0, in, batch), "the sharer sees the write");
        Compare.sameArray(expected, d.forward(x, 0, in, batch), "the writer sees it");
        assertEquals(false, w == d.weightArray(), "a shared layer's change is a new version");
        rejects(IllegalStateException.class, "weights shared with other layers change by publication only",
                d::weightsChanged);
    }

    /**
     * What a layer's forward must give, composed from the kernels: {@code f(x W + b)} for a
     * {@code batch x in} x and an {@code in x out} W, row-major and contiguous.
     */
    private static float[] composedForward(float[] x, int batch, int in, int out, float[] w,
                                           float[] bias, Activation f) {
        float[] y = new float[batch * out];
        org.vecprop.kernel.Gemm.multiplyBiasActivation(false, false, batch, out, in, 1f, x, 0, in,
                w, 0, out, 0f, y, 0, out, bias, 0, f);
        return y;
    }

    @Test
    void productsAtAndAboveThePlainThresholdGiveTheComposedKernelsBits() {
        // Up to Dense.PLAIN_MAX_WORK multiply-adds a layer of fewer than PACKED_MIN_WEIGHTS
        // weights reads W as it is; above, its packed copy. Both must be the composed kernels'
        // bits, also right after a change of W.
        Random rnd = new Random(10);
        int in = 12, out = 16; // 192 weights
        Dense d = new Dense(in, out, Activation.TANH, true, 32, 5);
        for (int batch : new int[] {1, 21, 22, 32}) {   // 21 x 192 = 4032 <= PLAIN_MAX_WORK < 22 x 192
            assertEquals(batch > 21, d.readsPacked(batch), "threshold at batch 21");
            // From PACKED_MIN_WEIGHTS = 256 weights on, packed at every batch; 255 are not.
            assertEquals(true, new Dense(16, 16, Activation.TANH, true, 32, 5).readsPacked(batch));
            assertEquals(batch * 255 > Dense.PLAIN_MAX_WORK,
                    new Dense(15, 17, Activation.TANH, true, 32, 5).readsPacked(batch));
            for (int change = 0; change < 2; change++) {
                float[] x = Values.random(rnd, batch * in, 0, 1f);
                float[] expected = composedForward(x, batch, in, out, d.weightArray(), d.biasArray(),
                        Activation.TANH);
                Compare.sameArray(expected, Arrays.copyOf(d.forward(x, 0, in, batch), batch * out),
                        "batch " + batch + ", change " + change);
                float[] w = d.weightArray();
                w[rnd.nextInt(w.length)] += 0.5f;
                d.weightsChanged();
            }
        }
        Dense exact = new Dense(8, 16, Activation.TANH, true, 64, 5); // 32 x 128 = 4096 exactly
        assertEquals(false, exact.readsPacked(32), "at PLAIN_MAX_WORK: unpacked");
        assertEquals(true, exact.readsPacked(33), "above it: packed");
    }

    @Test
    void backwardAfterTheParametersChangedIsRefusedBeforeAnyWrite() {
        // Dense.backward called on its own (Network.backward checks every layer first) must
        // refuse the activations of parameters that changed since the forward: its gradient
        // would be of neither version. Each kind of change: a weight write, a bias write, an
        // in-place change told through weightsChanged (the revision), and a version published
        // by a layer sharing the weights (a new current version). A fresh dA each time, so that
        // a backward that ran would write other gradients than the last accepted one.
        Random rnd = new Random(12);
        int in = 3, out = 4, batch = 2;
        Dense d = new Dense(in, out, Activation.TANH, true, batch, 6);
        float[] x = Values.random(rnd, batch * in, 0, 1f);
        String refused = "backward needs a forward after the layer's parameters changed (an"
                + " optimizer step, a write or a load): the last forward's activations were"
                + " computed with the old ones";
        Runnable[] changes = {
            () -> d.weight().set(1, 0.25f),
            () -> d.bias().fill(0.5f),
            () -> {
                d.weightArray()[2] += 1f;
                d.weightsChanged();
            },
            () -> d.sharingWeights(batch).weight().set(3, -0.75f),
        };
        String[] names = {"weight().set", "bias().fill", "weightsChanged", "a sharer's write"};
        for (int c = 0; c < changes.length; c++) {
            d.forward(x, 0, in, batch);
            d.backward(Values.random(rnd, batch * out, 0, 1f), 0, out, Gradients.OVERWRITE, true);
            float[] wg = d.weightGrad().clone(), bg = d.biasGrad().clone();
            float[] og = d.outputGrad().clone(), ig = d.inputGrad().clone();
            changes[c].run();
            float[] dA = Values.random(rnd, batch * out, 0, 1f);
            rejects(IllegalStateException.class, refused,
                    () -> d.backward(dA, 0, out, Gradients.OVERWRITE, true));
            Compare.sameArray(wg, d.weightGrad(), "weight gradient after " + names[c]);
            Compare.sameArray(bg, d.biasGrad(), "bias gradient after " + names[c]);
            Compare.sameArray(og, d.outputGrad(), "dZ after " + names[c]);
            Compare.sameArray(ig, d.inputGrad(), "dX after " + names[c]);
        }
        d.forward(x, 0, in, batch);
        d.backward(Values.random(rnd, batch * out, 0, 1f), 0, out, Gradients.OVERWRITE, true);
    }

    @Test
    void everyChangeReleasesTheLockSoAnotherThreadCanChangeTheWeightsNext() throws Exception {
        // weightsChanged and every Parameter write hold the weights' lock while they run. One
        // left held is invisible to the thread holding it (the lock is reentrant), but the next
        // change from another thread, attaching a sharer or writing through it, would wait
        // forever. So each such step runs on another thread with a bounded wait; that thread is
        // a daemon, so a test failing here cannot keep the JVM alive. The main thread takes no
        // lock after the other thread's steps (a lock that thread left held would hang it).
        ExecutorService other = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "DenseTest other thread");
            t.setDaemon(true);
            return t;
        });
        try {
            Dense d = new Dense(3, 2, Activation.IDENTITY, true, 2, 1);
            d.weightArray()[0] = 2f;
            d.weightsChanged();                   // alone: an in-place change under the lock
            Dense shared = onOtherThread(other, () -> d.sharingWeights(2),
                    "attaching a sharer after weightsChanged");
            d.weight().set(1, 3f);                // shared: a version published under the lock
            onOtherThread(other, () -> {
                shared.weight().set(4, 5f);
                return null;
            }, "the sharer's write after a Parameter write");
            assertEquals(2f, d.weight().get(0));
            assertEquals(3f, shared.weight().get(1), "the sharer sees the owner's write");
            assertEquals(5f, d.weight().get(4), "the owner sees the sharer's write");
        } finally {
            other.shutdownNow();
        }
    }

    /** Runs {@code step} on {@code other}, failing if it has not finished after 10 s. */
    private static <T> T onOtherThread(ExecutorService other, Callable<T> step, String what)
            throws InterruptedException, ExecutionException {
        Future<T> f = other.submit(step);
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return fail(what + " on another thread has waited 10 s for the weights' lock:"
                    + " the change before it did not release it");
        }
    }
}
