package org.vecprop.nn;

/** The built-in {@link LearningRateSchedule}s, as values that print their parameters. */
final class Schedules {
    private Schedules() {}

    static float positive(String name, float v) {
        if (!(v > 0f) || !Float.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
        }
        return v;
    }

    record Constant(float rate) implements LearningRateSchedule {
        Constant {
            positive("rate", rate);
        }

        @Override
        public float rate(long step) {
            return rate;
        }
    }

    record StepDecay(float initial, float factor, long every) implements LearningRateSchedule {
        StepDecay {
            positive("initial", initial);
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

    record Cosine(float initial, float floor, long steps) implements LearningRateSchedule {
        Cosine {
            positive("initial", initial);
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
    static double cosPi(double t) {
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
