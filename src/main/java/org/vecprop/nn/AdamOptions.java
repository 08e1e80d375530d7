package org.vecprop.nn;

import java.util.Objects;
import org.vecprop.contract.Checks;

/**
 * The settings of {@link Adam}, by name, with PyTorch's defaults:
 * {@code AdamOptions.adamW(1e-3f)} is {@code torch.optim.AdamW(params, lr=1e-3)} (betas
 * (0.9, 0.999), eps 1e-8, weight decay 0.01, decoupled), {@code AdamOptions.adam(1e-3f)} is
 * {@code torch.optim.Adam(params, lr=1e-3)} (weight decay 0; when set, it is an L2 penalty added
 * to the gradient). Every value is checked when it is set, naming it:
 * {@code beta2 must be in [0, 1), got 1.0}.
 *
 * @param schedule the learning rate by step
 * @param beta1 decay of the first moment, in {@code [0, 1)}
 * @param beta2 decay of the second moment, in {@code [0, 1)}
 * @param eps added to the denominator outside the square root, finite and {@code > 0}
 * @param weightDecay finite and {@code >= 0}
 * @param decoupled true for AdamW (decay applied to the weights, scaled by the learning rate),
 *     false for Adam (added to the gradient)
 */
public record AdamOptions(LearningRateSchedule schedule, float beta1, float beta2, float eps,
                          float weightDecay, boolean decoupled) {
    /**
     * Checks every value.
     *
     * @throws NullPointerException if {@code schedule} is null
     * @throws IllegalArgumentException for a value out of its range, naming it
     */
    public AdamOptions {
        Objects.requireNonNull(schedule, "schedule must not be null");
        Checks.unitInterval("beta1", beta1);
        Checks.unitInterval("beta2", beta2);
        Checks.positive("eps", eps);
        Checks.nonNegative("weightDecay", weightDecay);
    }

    /**
     * AdamW with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01.
     *
     * @param learningRate finite and {@code > 0}
     * @return the options
     * @throws IllegalArgumentException for a rate that is not finite and positive
     */
    public static AdamOptions adamW(float learningRate) {
        Checks.positive("learningRate", learningRate);
        return new AdamOptions(LearningRateSchedule.constant(learningRate), 0.9f, 0.999f, 1e-8f, 0.01f, true);
    }

    /**
     * Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay.
     *
     * @param learningRate finite and {@code > 0}
     * @return the options
     * @throws IllegalArgumentException for a rate that is not finite and positive
     */
    public static AdamOptions adam(float learningRate) {
        Checks.positive("learningRate", learningRate);
        return new AdamOptions(LearningRateSchedule.constant(learningRate), 0.9f, 0.999f, 1e-8f, 0f, false);
    }

    /**
     * {@return these options with the learning rate taken from {@code schedule}}
     *
     * @param schedule the rate by step
     * @throws NullPointerException if {@code schedule} is null
     */
    public AdamOptions withSchedule(LearningRateSchedule schedule) {
        return new AdamOptions(schedule, beta1, beta2, eps, weightDecay, decoupled);
    }

    /**
     * {@return these options with other betas}
     *
     * @param beta1 decay of the first moment, in {@code [0, 1)}
     * @param beta2 decay of the second moment, in {@code [0, 1)}
     * @throws IllegalArgumentException for a beta out of range, naming it
     */
    public AdamOptions withBetas(float beta1, float beta2) {
        return new AdamOptions(schedule, beta1, beta2, eps, weightDecay, decoupled);
    }

    /**
     * {@return these options with another eps}
     *
     * @param eps finite and {@code > 0}
     * @throws IllegalArgumentException for an eps out of range
     */
    public AdamOptions withEps(float eps) {
        return new AdamOptions(schedule, beta1, beta2, eps, weightDecay, decoupled);
    }

    /**
     * {@return these options with another weight decay (decoupled for AdamW, L2 for Adam)}
     *
     * @param weightDecay finite and {@code >= 0}
     * @throws IllegalArgumentException for a decay out of range
     */
    public AdamOptions withWeightDecay(float weightDecay) {
        return new AdamOptions(schedule, beta1, beta2, eps, weightDecay, decoupled);
    }
}
