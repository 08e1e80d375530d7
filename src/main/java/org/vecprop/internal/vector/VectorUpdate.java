package org.vecprop.internal.vector;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;

import jdk.incubator.vector.FloatVector;
import org.vecprop.internal.scalar.ScalarKernels;

/**
 * Vector API SGD update behind {@code org.vecprop.kernel.Update}: whole vectors, then the scalar implementation on the fewer
 * than L elements left (see {@link VectorRelu} for why not a mask): the same operations in the
 * same order per element.
 */
final class VectorUpdate {
    private VectorUpdate() {}

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
        if (i < n) {
            // Fewer than L elements left: the scalar implementation's loop on them, which is
            // this kernel's per-element arithmetic by definition (and so cannot drift from it).
            ScalarKernels.INSTANCE.sgd(n - i, w, wOff + i, g, gOff + i, v, vOff + i, lr,
                    momentum, weightDecay, zeroGrad);
        }
    }
}
