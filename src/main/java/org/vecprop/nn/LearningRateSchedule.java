package org.vecprop.nn;

/**
 * The learning rate as a function of the step: {@link Sgd} asks for {@code rate(n)} before its
 * {@code n}-th applied step (counting from 0; a step refused by {@link Sgd#stepIfFinite()}
 * does not count). Implementations must be cheap, deterministic and allocation-free (they run
 * in every training step), and return a finite rate {@code >= 0}; {@link Sgd} checks the value
 * before it changes anything.
 *
 * <p>The built-in schedules are PyTorch's {@code StepLR} and {@code CosineAnnealingLR} with the
 * step as their clock, computed in double and rounded once to float.
 */
@FunctionalInterface
public interface LearningRateSchedule {
    /**
     * {@return the learning rate of the next step: finite, {@code >= 0}}
     *
     * @param step applied steps so far, {@code >= 0}
     */
    float rate(long step);

    /**
     * The same rate at every step.
     *
     * @param rate finite, {@code > 0}
     * @return the schedule
     * @throws IllegalArgumentException for a rate that is not finite and positive
     */
    static LearningRateSchedule constant(float rate) {
        return new Schedules.Constant(rate);
    }

    /**
     * {@code initial * factor^floor(step / every)}: the rate multiplied by {@code factor} every
     * {@code every} steps (PyTorch's {@code StepLR} with {@code gamma = factor}).
     *
     * @param initial finite, {@code > 0}
     * @param factor in {@code (0, 1]}
     * @param every steps between reductions, {@code >= 1}
     * @return the schedule
     * @throws IllegalArgumentException for an argument outside its range
     */
    static LearningRateSchedule stepDecay(float initial, float factor, long every) {
        return new Schedules.StepDecay(initial, factor, every);
    }

    /**
     * Cosine annealing from {@code initial} at step 0 to {@code floor} at step {@code steps},
     * {@code floor} after: {@code floor + (initial - floor) (1 + cos(pi min(step, steps) / steps)) / 2}
     * (PyTorch's {@code CosineAnnealingLR} with {@code T_max = steps}, {@code eta_min = floor}).
     *
     * @param initial finite, {@code > 0}
     * @param floor finite, in {@code [0, initial]}
     * @param steps the length of the descent, {@code >= 1}
     * @return the schedule
     * @throws IllegalArgumentException for an argument outside its range
     */
    static LearningRateSchedule cosine(float initial, float floor, long steps) {
        return new Schedules.Cosine(initial, floor, steps);
    }
}
