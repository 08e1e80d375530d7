package org.vecprop;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Activation;
import org.vecprop.kernel.Bias;
import org.vecprop.kernel.BinaryCrossEntropy;
import org.vecprop.kernel.CrossEntropy;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.Mse;
import org.vecprop.kernel.Reduction;
import org.vecprop.kernel.Relu;
import org.vecprop.kernel.Softmax;
import org.vecprop.kernel.TopK;
import org.vecprop.kernel.Update;
import org.vecprop.nn.Network;
import org.vecprop.testing.Compare;

/**
 * Eight threads call every kernel, and run inference through networks sharing one set of
 * weights, on shared read-only inputs, a thousand times each; every result must be bit-identical
 * to the single-threaded one. This is what catches a workspace or buffer shared by accident.
 */
class ConcurrencyTest {
    static final int THREADS = 8, CALLS = 1000;

    /** Everything one thread computes, from shared inputs into its own outputs. */
    static float[][] work(float[] a, float[] b, float[] bias, Network shared, float[] x) {
        int m = 37, n = 45, k = 29;   // off every tile and vector edge; the packed path
        float[] c = new float[m * n], c2 = new float[4 * 70], y = new float[m * k], g = new float[m * k];
        float[] db = new float[n], loss = new float[1];
        Gemm.multiply(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        Gemm.multiply(true, true, 4, 70, 9, 0.5f, a, 0, 4, b, 0, 9, 0f, c2, 0, 70);
        Gemm.multiplyBiasActivation(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n, bias, 0, Activation.RELU);
        Relu.forward(m, k, a, 0, k, y, 0, k);
        Relu.backwardWithBiasGradient(m, k, a, 0, k, b, 0, k, g, 0, k, db, 0, true);
        loss[0] = Mse.lossAndGradient(m, k, a, 0, k, b, 0, k, g, 0, k);
        Bias.add(m, n, c, 0, n, bias, 0, c, 0, n);
        float[] s = new float[m * n], t = new float[m * n], ds = new float[m * n], dbs = new float[n];
        Gemm.multiplyBiasActivation(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, s, 0, n, bias, 0, Activation.SIGMOID);
        Gemm.multiplyBiasActivation(true, false, m, n, k, 1f, a, 0, m, b, 0, n, 0f, t, 0, n, bias, 0, Activation.TANH);
        Activation.SIGMOID.backwardWithBiasGradient(m, n, s, 0, n, c, 0, n, ds, 0, n, dbs, 0, true);
        Activation.TANH.backwardWithBiasGradient(m, n, t, 0, n, ds, 0, n, ds, 0, n, dbs, 0, true);
        Activation.TANH.forward(m, n, c, 0, n, c, 0, n);
        float[] out = shared.forward(x, 0, 12, 16).toArray();
        // The classification kernels: narrow rows (10 classes) and wide ones (45), smoothing, BCE.
        int[] labels = new int[m];
        for (int i = 0; i < m; i++) {
            labels[i] = (i * 7) % 10;
        }
        float[] p10 = new float[m * 10], lp = new float[m * n], dz10 = new float[m * 10], dzn = new float[m * n];
        float[] gb = new float[m * k], top = new float[m * 3];
        int[] am = new int[m], ti = new int[m * 3];
        Softmax.forward(m, 10, a, 0, 10, p10, 0, 10);
        Softmax.logForward(m, n, c, 0, n, lp, 0, n);
        float[] losses = {
            CrossEntropy.lossAndGradient(m, 10, a, 0, 10, labels, 0, dz10, 0, 10, Reduction.MEAN, 0f),
            CrossEntropy.lossAndGradient(m, n, c, 0, n, labels, 0, dzn, 0, n, Reduction.SUM, 0.1f),
            BinaryCrossEntropy.lossAndGradient(m, k, a, 0, k, y, 0, k, bias, 0, gb, 0, k, Reduction.MEAN),
        };
        TopK.argmax(m, n, c, 0, n, am, 0);
        TopK.select(m, n, 3, c, 0, n, ti, 0, 3, top, 0, 3);
        float[] ints = new float[am.length + ti.length];
        for (int i = 0; i < am.length; i++) {
            ints[i] = am[i];
        }
        for (int i = 0; i < ti.length; i++) {
            ints[am.length + i] = ti[i];
        }
        float[] aw = c.clone(), ag = s.clone(), amom = t.clone(), av = new float[m * n];
        Update.adam(m * n, aw, 0, ag, 0, amom, 0, av, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, true, 3, true);
        return new float[][] {c, c2, y, g, db, loss, out, s, t, ds, dbs, aw, ag, amom, av,
            p10, lp, dz10, dzn, gb, losses, top, ints};
    }

    @Test
    void eightThreadsGetTheSingleThreadedBits() throws Exception {
        Random rnd = new Random(9);
        float[] a = new float[4096], b = new float[4096], bias = new float[64], x = new float[16 * 12];
        for (float[] v : new float[][] {a, b, bias, x}) {
            for (int i = 0; i < v.length; i++) {
                v[i] = rnd.nextFloat() * 2 - 1;
            }
        }
        Network net = Network.mlp(16, 3, 12, 40, 33, 5);
        float[][] expected = work(a, b, bias, net.sharingWeights(16), x);

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Callable<String> task = () -> {
                    Network mine = net.sharingWeights(16); // own buffers, shared weights
                    for (int call = 0; call < CALLS; call++) {
                        float[][] got = work(a, b, bias, mine, x);
                        for (int r = 0; r < expected.length; r++) {
                            Compare.sameArray(expected[r], got[r], "result " + r + " call " + call);
                        }
                    }
                    return "ok";
                };
                results.add(pool.submit(task));
            }
            for (Future<String> f : results) {
                f.get(); // rethrows a failed comparison
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
