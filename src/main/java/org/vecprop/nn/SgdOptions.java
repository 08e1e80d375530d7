package org.vecprop.nn;

import java.util.Objects;
import org.vecprop.contract.Checks;

/**
 * The settings of {@link Sgd} by name, as PyTorch's {@code SGD(params, lr=..., momentum=...,
 * weight_decay=...)} takes them:
 * {@code SgdOptions.learningRate(0.05f).withMomentum(0.9f).withWeightDecay(1e-4f)}.
 *
 * @param schedule the learning rate by step (a constant for {@link #learningRate(float)})
 * @param momentum in {@code [0, 1)}; 0 for plain SGD (no velocity buffers)
 * @param weightDecay L2 factor added to weight gradients ({@code g + weightDecay * w}),
 *     finite and {@code >= 0}; biases get none
 */
public record SgdOptions(LearningRateSchedule schedule, float momentum, float weightDecay) {
    /**
     * Checks every setting.
     *
     * @throws NullPointerException if {@code schedule} is null
     * @throws IllegalArgumentException for a momentum or weight decay outside its range
     */
    public SgdOptions {
        Objects.requireNonNull(schedule, "schedule must not be null");
        if (!(momentum >= 0f && momentum < 1f)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0f) || !Float.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be finite and >= 0, got " + weightDecay);
        }
    }

    /**
     * Plain SGD at a fixed rate, no momentum, no weight decay.
     *
     * @param learningRate finite, {@code > 0}
     * @return the options
     * @throws IllegalArgumentException for a learning rate that is not finite and positive
     *     ({@code learningRate must be finite and > 0, got NaN})
     */
    public static SgdOptions learningRate(float learningRate) {
        return new SgdOptions(LearningRateSchedule.constant(Checks.positive("learningRate",
                learningRate)), 0f, 0f);
    }

    /**
     * Plain SGD with the rate given by a schedule, no momentum, no weight decay.
     *
     * @param schedule the rate by step
     * @return the options
     * @throws NullPointerException if {@code schedule} is null
     */
    public static SgdOptions schedule(LearningRateSchedule schedule) {
        return new SgdOptions(schedule, 0f, 0f);
    }

    /**
     * {@return these options with {@code momentum}}
     *
     * @param momentum in {@code [0, 1)}
     * @throws IllegalArgumentException for a momentum outside {@code [0, 1)}
     */
    public SgdOptions withMomentum(float momentum) {
        return new SgdOptions(schedule, momentum, weightDecay);
    }

    /**
     * {@return these options with {@code weightDecay}}
     *
     * @param weightDecay finite, {@code >= 0}
     * @throws IllegalArgumentException for a negative or non-finite weight decay
     */
    public SgdOptions withWeightDecay(float weightDecay) {
        return new SgdOptions(schedule, momentum, weightDecay);
    }
}
