package org.vecprop.kernel;

import org.vecprop.internal.math.FloatExp;
import org.vecprop.internal.scalar.ScalarKernels;
import org.vecprop.reference.ReferenceTanh;
import org.vecprop.testing.BadCalls.BackwardWithBiasGradient;
import org.vecprop.testing.BadCalls.Binary;
import org.vecprop.testing.BadCalls.Unary;

/**
 * {@link Activation#TANH}: the tests of {@link SmoothActivationContract} with tanh's bounds
 * ({@code docs/exp.md}): forward 1.1 ulps for {@code |x| < 0.625} (the polynomial), 1.0 ulp from
 * there on; backward {@code dz = dy * fma(-a, a, 1)} within 1.5 ulps.
 */
class TanhTest extends SmoothActivationContract {
    @Override
    String name() {
        return "Tanh";
    }

    @Override
    Activation activation() {
        return Activation.TANH;
    }

    @Override
    float function(float x) {
        return FloatExp.tanh(x);
    }

    @Override
    float addend(float a) {
        return 1f;
    }

    @Override
    double exact(double x) {
        return ReferenceTanh.value(x);
    }

    @Override
    double exactBackward(double a, double dy) {
        return ReferenceTanh.backward(a, dy);
    }

    @Override
    double forwardBound(float x, double truth) {
        return Math.abs(x) < 0.625f ? 1.1 : 1.0;
    }

    @Override
    Unary kernelForward() {
        return Activation.TANH::forward;
    }

    @Override
    Unary scalarForward() {
        return ScalarKernels.INSTANCE::tanhForward;
    }

    @Override
    Unary referenceForward() {
        return ReferenceTanh::forward;
    }

    @Override
    Binary kernelBackward() {
        return Activation.TANH::backward;
    }

    @Override
    Binary scalarBackward() {
        return ScalarKernels.INSTANCE::tanhBackward;
    }

    @Override
    Binary referenceBackward() {
        return ReferenceTanh::backward;
    }

    @Override
    BackwardWithBiasGradient kernelFused() {
        return Activation.TANH::backwardWithBiasGradient;
    }

    @Override
    BackwardWithBiasGradient scalarFused() {
        return (r, c, a, aOff, lda, dy, dyOff, lddy, dz, dzOff, lddz, db, dbOff, accumulate) ->
                ScalarKernels.INSTANCE.tanhBackwardWithBiasGradient(r, c, a, aOff, lda, dy, dyOff, lddy,
                        dz, dzOff, lddz, db, dbOff, accumulate, null);
    }
}
