package org.vecprop.nn;

import org.vecprop.contract.Checks;

/**
 * The learning rate as a function of the step: {@link Sgd} asks for {@code rate(n)} before its
 * {@code n}-th applied step (counting from 0; a step refused by {@link Sgd#stepIfFinite()}
 * does not count). Implementations must be cheap, deterministic and allocation-free (they run
 * in every training step), and return a finite rate {@code >= 0}; {@link Sgd} checks the value
 * before it changes anything.
 *
 * <p>The built-in schedules are PyTorch's {@code StepLR} and {@code CosineAnnealingLR} with the
 * step as their clock, computed in double and rounded once to float. They are the records below,
 * values that print their parameters and compare equal when their parameters are (so options
 * holding them do too); the factories are the usual way to make them.
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
        return new Constant(rate);
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
        return new StepDecay(initial, factor, every);
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
        return new Cosine(initial, floor, steps);
    }

    /**
     * The same rate at every step ({@link #constant}).
     *
     * @param rate finite, {@code > 0}
     */
    record Constant(float rate) implements LearningRateSchedule {
        /**
         * Checks the rate.
         *
         * @param rate finite, {@code > 0}
         * @throws IllegalArgumentException for a rate that is not finite and positive
         */
        public Constant {
            Checks.positive("rate", rate);
        }

        @Override
        public float rate(long step) {
            return rate;
        }
    }

    /**
     * {@code initial * factor^floor(step / every)} ({@link #stepDecay}).
     *
     * @param initial finite, {@code > 0}
     * @param factor in {@code (0, 1]}
     * @param every steps between reductions, {@code >= 1}
     */
    record StepDecay(float initial, float factor, long every) implements LearningRateSchedule {
        /**
         * Checks the arguments.
         *
         * @param initial finite, {@code > 0}
         * @param factor in {@code (0, 1]}
         * @param every steps between reductions, {@code >= 1}
         * @throws IllegalArgumentException for an argument outside its range
         */
        public StepDecay {
            Checks.positive("initial", initial);
            if (!(factor > 0f && factor <= 1f)) {
                throw new IllegalArgumentException("factor must be in (0, 1], got " + factor);
            }
            if (every < 1) {
                throw new IllegalArgumentException("every must be >= 1, got " + every);
            }
        }

        @Override
        public float rate(long step) {
            return (float) (initial * StrictMath.pow(factor, Math.floorDiv(Math.max(step, 0), every)));
        }
    }

    /**
     * Cosine annealing from {@code initial} to {@code floor} over {@code steps} ({@link #cosine}).
     *
     * @param initial finite, {@code > 0}
     * @param floor finite, in {@code [0, initial]}
     * @param steps the length of the descent, {@code >= 1}
     */
    record Cosine(float initial, float floor, long steps) implements LearningRateSchedule {
        /**
         * Checks the arguments.
         *
         * @param initial finite, {@code > 0}
         * @param floor finite, in {@code [0, initial]}
         * @param steps the length of the descent, {@code >= 1}
         * @throws IllegalArgumentException for an argument outside its range
         */
        public Cosine {
            Checks.positive("initial", initial);
            if (!(floor >= 0f && floor <= initial)) {
                throw new IllegalArgumentException("floor must be in [0, initial = " + initial
                        + "], got " + floor);
            }
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be >= 1, got " + steps);
            }
        }

        @Override
        public float rate(long step) {
            double t = (double) Math.min(Math.max(step, 0), steps) / steps;
            return (float) (floor + (initial - (double) floor) * (1 + cosPi(t)) / 2);
        }
    }

    /**
     * {@code cos(π t)} for t in [0, 1], in plain double arithmetic: the same bits on every JVM and
     * CPU ({@link Math#cos} may differ by an ulp between them) and allocation-free
     * ({@link StrictMath#cos}, the Java port of fdlibm, allocates its argument reduction's array on
     * every call the JIT cannot scalar-replace, which a per-step schedule must not do). By symmetry
     * {@code cos(π t) = -cos(π (1 - t))}, so the series is only needed on [0, π/2], where the
     * Taylor series to x^22 is within 2e-17 of the truth; the result, rounded to float by the
     * schedule, is the correctly rounded cosine but for ties within about 1e-16.
     */
    private static double cosPi(double t) {
        boolean flip = t > 0.5;
        double x = Math.PI * (flip ? 1 - t : t);
        double x2 = x * x;
        // Horner form of sum_{k=0..11} (-1)^k x^(2k) / (2k)!
        double c = 0;
        for (int k = 11; k >= 1; k--) {
            c = 1 - x2 / ((2.0 * k) * (2.0 * k - 1)) * c;
        }
        return flip ? -c : c;
    }
}
