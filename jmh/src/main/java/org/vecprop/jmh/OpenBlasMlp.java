package org.vecprop.jmh;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * The forward pass of a ReLU MLP (identity output layer, bias everywhere) composed by hand from
 * OpenBLAS, the way a Java caller without an inference runtime would write it: per layer one
 * {@code cblas_sgemm} (row-major, {@code Z = A·W}, beta = 0) on off-heap {@link FloatPointer}s
 * allocated once, then one Java pass over Z (through a direct {@link FloatBuffer} view of the same
 * memory) that adds the bias and, on hidden layers, applies ReLU in place.
 *
 * <p>{@link #forward} copies the caller's {@code float[]} into the input pointer and the last
 * layer's output into the caller's array: the path from Java data to Java data. The caller limits
 * OpenBLAS to one thread ({@link OpenBlas#useOneThread}).
 */
final class OpenBlasMlp implements AutoCloseable {
    private final int batch, layers;
    private final int[] sizes;
    private final FloatPointer x;
    private final FloatPointer[] w, z;
    private final FloatBuffer[] zView;
    private final float[][] b;

    /**
     * @param sizes layer widths, input first
     * @param batch rows of the input
     * @param w weights per layer, {@code sizes[l] x sizes[l + 1]} row-major (copied off-heap)
     * @param b biases per layer (copied)
     */
    OpenBlasMlp(int[] sizes, int batch, float[][] w, float[][] b) {
        this.sizes = sizes.clone();
        this.batch = batch;
        this.layers = sizes.length - 1;
        this.x = new FloatPointer((long) batch * sizes[0]);
        this.w = new FloatPointer[layers];
        this.z = new FloatPointer[layers];
        this.zView = new FloatBuffer[layers];
        this.b = new float[layers][];
        for (int l = 0; l < layers; l++) {
            this.w[l] = new FloatPointer(w[l]);
            this.b[l] = b[l].clone();
            this.z[l] = new FloatPointer((long) batch * sizes[l + 1]);
            this.zView[l] = z[l].asBuffer();
        }
    }

    /**
     * One inference.
     *
     * @param input {@code batch x sizes[0]}, row-major
     * @param y receives {@code batch x sizes[last]}, row-major
     * @return {@code y}
     */
    float[] forward(float[] input, float[] y) {
        x.put(input, 0, batch * sizes[0]);
        FloatPointer a = x;
        for (int l = 0; l < layers; l++) {
            int k = sizes[l], n = sizes[l + 1];
            openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans,
                    batch, n, k, 1f, a, k, w[l], n, 0f, z[l], n);
            biasAndRelu(zView[l], b[l], n, l < layers - 1);
            a = z[l];
        }
        zView[layers - 1].get(0, y, 0, batch * sizes[layers]);
        return y;
    }

    /** {@code z[i][j] += bias[j]}, then {@code max(z, 0)} if {@code relu}, over {@code batch} rows of n. */
    private void biasAndRelu(FloatBuffer zb, float[] bias, int n, boolean relu) {
        for (int i = 0, row = 0; i < batch; i++, row += n) {
            for (int j = 0; j < n; j++) {
                float v = zb.get(row + j) + bias[j];
                zb.put(row + j, relu ? Math.max(v, 0f) : v);
            }
        }
    }

    @Override
    public void close() {
        x.close();
        for (int l = 0; l < layers; l++) {
            w[l].close();
            z[l].close();
        }
    }
}
