package org.vecprop.kernel;

import static org.vecprop.kernel.Vectors.F;
import static org.vecprop.kernel.Vectors.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/** Vector API SGD update behind {@link Update}: whole vectors, one masked step for the tail. */
final class SimdUpdate {
    private SimdUpdate() {}

    static void sgd(int n, float[] w, int wOff, float[] g, int gOff, float[] v, int vOff,
                    float lr, float momentum, float weightDecay, boolean zeroGrad) {
        FloatVector zero = FloatVector.zero(F);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> lanes = F.indexInRange(i, n);
            FloatVector wv = FloatVector.fromArray(F, w, wOff + i, lanes);
            FloatVector grad = FloatVector.fromArray(F, g, gOff + i, lanes)
                    .add(wv.mul(weightDecay));
            if (momentum != 0f) {
                FloatVector vel = FloatVector.fromArray(F, v, vOff + i, lanes).mul(momentum).add(grad);
                vel.intoArray(v, vOff + i, lanes);
                wv.sub(vel.mul(lr)).intoArray(w, wOff + i, lanes);
            } else {
                wv.sub(grad.mul(lr)).intoArray(w, wOff + i, lanes);
            }
            if (zeroGrad) {
                zero.intoArray(g, gOff + i, lanes);
            }
        }
    }
}
