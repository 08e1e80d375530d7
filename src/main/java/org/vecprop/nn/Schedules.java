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
            return (float) (floor + (initial - (double) floor) * (1 + StrictMath.cos(Math.PI * t)) / 2);
        }
    }
}
