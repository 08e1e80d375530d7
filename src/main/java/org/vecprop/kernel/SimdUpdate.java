package org.vecprop.kernel;

import static org.vecprop.kernel.Vectors.F;
import static org.vecprop.kernel.Vectors.L;

import jdk.incubator.vector.FloatVector;

/**
 * Vector API SGD update behind {@link Update}: whole vectors, then a scalar tail (see
 * {@link SimdRelu} for why not a mask), the same operations in the same order per element.
 */
final class SimdUpdate {
    private SimdUpdate() {}

    static void sgd(int n, float[] w, int wOff, float[] g, int gOff, float[] v, int vOff,
                    float lr, float momentum, float weightDecay, boolean zeroGrad) {
        FloatVector zero = FloatVector.zero(F);
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector wv = FloatVector.fromArray(F, w, wOff + i);
            FloatVector grad = FloatVector.fromArray(F, g, gOff + i).add(wv.mul(weightDecay));
            if (momentum != 0f) {
                FloatVector vel = FloatVector.fromArray(F, v, vOff + i).mul(momentum).add(grad);
                vel.intoArray(v, vOff + i);
                wv.sub(vel.mul(lr)).intoArray(w, wOff + i);
            } else {
                wv.sub(grad.mul(lr)).intoArray(w, wOff + i);
            }
            if (zeroGrad) {
                zero.intoArray(g, gOff + i);
            }
        }
        for (; i < n; i++) {
            float grad = g[gOff + i] + weightDecay * w[wOff + i];
            if (momentum != 0f) {
                float vel = momentum * v[vOff + i] + grad;
                v[vOff + i] = vel;
                w[wOff + i] = w[wOff + i] - lr * vel;
            } else {
                w[wOff + i] = w[wOff + i] - lr * grad;
            }
            if (zeroGrad) {
                g[gOff + i] = 0f;
            }
        }
    }
}
