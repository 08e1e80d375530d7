package org.vecprop.kernel;

import org.vecprop.internal.math.FloatExp;
import org.vecprop.internal.scalar.ScalarKernels;
import org.vecprop.reference.ReferenceSigmoid;
import org.vecprop.testing.BadCalls.BackwardWithBiasGradient;
import org.vecprop.testing.BadCalls.Binary;
import org.vecprop.testing.BadCalls.Unary;
import org.vecprop.testing.Ulps;

/**
 * {@link Activation#SIGMOID}: the tests of {@link SmoothActivationContract} with the sigmoid's bounds
 * ({@code docs/exp.md}): forward 0.86 ulp for {@code x >= 0}, 1.92 ulps for {@code x < 0}, 0.91
 * ulp where the result is subnormal; backward {@code dz = dy * fma(-a, a, a)} within 1.5 ulps.
 */
class SigmoidTest extends SmoothActivationContract {
    @Override
    String name() {
        return "Sigmoid";
    }

    @Override
    Activation activation() {
        return Activation.SIGMOID;
    }

    @Override
    float function(float x) {
        return FloatExp.sigmoid(x);
    }

    @Override
    float addend(float a) {
        return a;
    }

    @Override
    double exact(double x) {
        return ReferenceSigmoid.value(x);
    }

    @Override
    double exactBackward(double a, double dy) {
        return ReferenceSigmoid.backward(a, dy);
    }

    @Override
    double forwardBound(float x, double truth) {
        return x >= 0 ? 0.86 : Math.abs(truth) < Ulps.SUBNORMAL_LIMIT ? 0.91 : 1.92;
    }

    @Override
    Unary kernelForward() {
        return Activation.SIGMOID::forward;
    }

    @Override
    Unary scalarForward() {
        return ScalarKernels.INSTANCE::sigmoidForward;
    }

    @Override
    Unary referenceForward() {
        return ReferenceSigmoid::forward;
    }

    @Override
    Binary kernelBackward() {
        return Activation.SIGMOID::backward;
    }

    @Override
    Binary scalarBackward() {
        return ScalarKernels.INSTANCE::sigmoidBackward;
    }

    @Override
    Binary referenceBackward() {
        return ReferenceSigmoid::backward;
    }

    @Override
    BackwardWithBiasGradient kernelFused() {
        return Activation.SIGMOID::backwardWithBiasGradient;
    }

    @Override
    BackwardWithBiasGradient scalarFused() {
        return (r, c, a, aOff, lda, dy, dyOff, lddy, dz, dzOff, lddz, db, dbOff, accumulate) ->
                ScalarKernels.INSTANCE.sigmoidBackwardWithBiasGradient(r, c, a, aOff, lda, dy, dyOff, lddy,
                        dz, dzOff, lddz, db, dbOff, accumulate, null);
    }
}
