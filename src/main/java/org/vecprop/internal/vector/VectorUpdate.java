package org.vecprop.internal.vector;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;

import jdk.incubator.vector.FloatVector;
import org.vecprop.internal.scalar.ScalarKernels;

/**
 * Vector API parameter updates (SGD; Adam and AdamW) behind {@code org.vecprop.kernel.Update}: whole vectors, then the scalar implementation on the fewer
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
    /**
     * Adam/AdamW in the order of {@code contract.ArithmeticOrder}: whole vectors, then the scalar
     * implementation on the fewer than L elements left. One pass: w, g, m, v each read once and
     * written once (g only when zeroed).
     */
    static void adam(int n, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff,
                     float[] v, int vOff, float stepSize, float rootCorrection, float beta1,
                     float beta2, float eps, float coupledDecay, float decay, boolean zeroGrad) {
        float oneMinusBeta1 = 1f - beta1, oneMinusBeta2 = 1f - beta2, minusStep = -stepSize;
        boolean coupled = coupledDecay != 0f, decoupled = decay != 1f;
        FloatVector zero = FloatVector.zero(F);
        FloatVector l2 = FloatVector.broadcast(F, coupledDecay);
        FloatVector a1 = FloatVector.broadcast(F, oneMinusBeta1);
        FloatVector a2 = FloatVector.broadcast(F, oneMinusBeta2);
        FloatVector minusS = FloatVector.broadcast(F, minusStep);
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector wv = FloatVector.fromArray(F, w, wOff + i);
            FloatVector gv = FloatVector.fromArray(F, g, gOff + i);
            if (coupled) {
                gv = wv.fma(l2, gv);
            }
            if (decoupled) {
                wv = wv.mul(decay);
            }
            FloatVector mv = FloatVector.fromArray(F, m, mOff + i);
            mv = gv.sub(mv).fma(a1, mv);
            FloatVector vv = gv.mul(gv).fma(a2, FloatVector.fromArray(F, v, vOff + i).mul(beta2));
            FloatVector q = mv.div(vv.sqrt().div(rootCorrection).add(eps));
            mv.intoArray(m, mOff + i);
            vv.intoArray(v, vOff + i);
            q.fma(minusS, wv).intoArray(w, wOff + i);
            if (zeroGrad) {
                zero.intoArray(g, gOff + i);
            }
        }
        if (i < n) {
            // The tail by the scalar implementation: this kernel's per-element arithmetic.
            ScalarKernels.INSTANCE.adam(n - i, w, wOff + i, g, gOff + i, m, mOff + i, v, vOff + i,
                    stepSize, rootCorrection, beta1, beta2, eps, coupledDecay, decay, zeroGrad);
        }
    }
}
