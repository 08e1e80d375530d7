package org.vecprop.nn;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;
import org.vecprop.kernel.Compare;
import org.vecprop.kernel.Props;
import org.vecprop.kernel.Values;
import org.vecprop.kernel.Activation;

/**
 * Fused forward and backward of {@link Dense} against the unfused composition of reference
 * kernels, for random layer sizes (1 and sizes off every tile edge), batches and seeds.
 *
 * <p>Bounds: a GEMM element differs from the reference by at most
 * {@code (2k + 5) u T}, {@code T = sum |a b| (+ |beta c|)} (see GemmPropertiesTest); the bias add
 * adds {@code 2u(|x| + |b|)}, ReLU none. The mask [A > 0] is taken from the fused side, because
 * where Z is within rounding of 0 the two sides may disagree on the sign, which is a difference
 * of the forward pass, not of backward. dW and dX are then checked against the reference GEMM
 * of the same dZ with the GEMM bound; db is bit-identical.
 */
class DenseFusionTest {

    @Test
    void fusedForwardMatchesTheComposition() {
        Props.theory(Props.EXAMPLES / 2).forAll(Generate.range(1, 70), Generate.range(1, 70),
                Generate.range(1, 40), Generate.longRange(0, 1 << 30)).checkAssert((in, out, batch, seed) -> {
            Random rnd = new Random(seed);
            Dense d = new Dense(in, out, seed % 2 == 0 ? Activation.RELU : Activation.IDENTITY,
                    true, batch, seed);
            Values.fill(rnd, d.bias(), 0, 1f);
            float[] x = Values.random(rnd, batch * in, 0, 1f);
            float[] a = d.forward(x, 0, in, batch);
            float[] z = new float[batch * out];
            org.vecprop.reference.ReferenceGemm.multiply(false, false, batch, out, in, 1f, x, 0, in,
                    d.weights(), 0, out, 0f, z, 0, out);
            float[] expected = z.clone();
            org.vecprop.reference.ReferenceBias.add(batch, out, expected, 0, out, d.bias(), 0, expected, 0, out);
            if (d.activation() == Activation.RELU) {
                org.vecprop.reference.ReferenceRelu.forward(batch, out, expected, 0, out, expected, 0, out);
            }
            for (int i = 0; i < batch; i++) {
                for (int j = 0; j < out; j++) {
                    double t = 0;
                    for (int p = 0; p < in; p++) {
                        t += Math.abs((double) x[i * in + p] * d.weights()[p * out + j]);
                    }
                    double tol = (2.0 * in + 5) * Compare.U * t * (1 + Compare.U)
                            + 2 * Compare.U * (Math.abs(z[i * out + j]) + Math.abs(d.bias()[j]));
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
                    d.weights(), 0, out, 0f, dX, 0, in);
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
                        t += Math.abs((double) dz[i * out + j] * d.weights()[p * out + j]);
                    }
                    Compare.close(dX[i * in + p], d.inputGrad()[i * in + p],
                            (2.0 * out + 5) * Compare.U * t, "dX[" + i + "][" + p + "]");
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
}
