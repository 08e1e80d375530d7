package org.vecprop.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.quicktheories.generators.Generate;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Props;
import org.vecprop.testing.Values;

/**
 * Generated invalid calls: start from a valid call of random shape and layout, break exactly one
 * argument in one of the ways a caller can (null, negative size, leading dimension below the row
 * length, offset before 0 or past the end, an extent one element past the array, an output
 * overlapping an input, a size whose index arithmetic overflows int), and check that the
 * exception is NullPointerException for a null and IllegalArgumentException or
 * IndexOutOfBoundsException for anything else, that its message names the broken argument, and
 * that every array is bit-for-bit unchanged. Each kernel's test class runs
 * it on its own calls; the generator is here once.
 */
final class InvalidCalls {
    private InvalidCalls() {}

    /** The ways to break a matrix argument. */
    enum Break { NULL, NEGATIVE_ROWS, SMALL_LD, NEGATIVE_OFFSET, OFFSET_PAST_END, ONE_PAST_END, HUGE_LD, OVERLAP }

    /** One matrix argument: array, offset, rows, cols, ld, and its name. */
    static final class Mat {
        float[] array;
        int off, rows, cols, ld;
        final String name;

        Mat(String name, Random rnd, int rows, int cols) {
            this.name = name;
            this.rows = rows;
            this.cols = cols;
            this.off = rnd.nextInt(4);
            this.ld = Math.max(1, cols) + rnd.nextInt(3);
            this.array = Values.random(rnd, off + rows * ld + rnd.nextInt(3), 0, 1f);
        }

        /** Applies a break; returns the fragment the message must contain. */
        String apply(Break b, Mat victim) {
            switch (b) {
                case NULL -> { array = null; return name + " must not be null"; }
                case NEGATIVE_ROWS -> { rows = -1 - rows; return "must be >= 0, got " + rows; }
                case SMALL_LD -> { ld = Math.max(1, cols) - 1; return "ld" + name + " must be >= max(1, cols = " + cols + ")"; }
                case NEGATIVE_OFFSET -> { off = -1 - off; return name + "Off must be in [0, " + name + ".length = " + array.length + "], got " + off; }
                case OFFSET_PAST_END -> { off = array.length + 1; return name + "Off must be in [0, " + name + ".length = " + array.length + "], got " + off; }
                case ONE_PAST_END -> {
                    off = array.length - ((rows - 1) * ld + cols) + 1; // the extent ends one past
                    return name + " must fit in its array: a " + rows + " x " + cols + " matrix at " + name + "Off = " + off;
                }
                case HUGE_LD -> { ld = Integer.MAX_VALUE - 3; return "needs"; }
                case OVERLAP -> { array = victim.array; off = victim.off; ld = victim.ld + 1; return "must not overlap"; }
                default -> throw new IllegalStateException();
            }
        }
    }

    /** A kernel call on the (possibly broken) matrices. */
    interface Call {
        void run(Mat[] m);
    }

    /** Builds a valid call's matrices (rows, cols per argument; the first ones are inputs). */
    static void check(String what, int[][] shapes, String[] names, int outputs, Call call) {
        Props.theory(Props.EXAMPLES / 4).forAll(Generate.longRange(0, 1L << 40),
                Generate.range(0, names.length - 1), Generate.enumValues(Break.class))
                .checkAssert((seed, which, kind) -> {
            Random rnd = new Random(seed);
            int scale = 1 + rnd.nextInt(9);
            Mat[] m = new Mat[names.length];
            for (int i = 0; i < names.length; i++) {
                m[i] = new Mat(names[i], rnd, shapes[i][0] * scale, shapes[i][1] * scale);
            }
            Mat target = m[which];
            boolean isOutput = which >= names.length - outputs;
            if (kind == Break.OVERLAP && !isOutput) {
                return; // only outputs are forbidden to overlap; an input overlapping an input is fine
            }
            if ((kind == Break.ONE_PAST_END || kind == Break.HUGE_LD) && (target.rows == 0 || target.cols == 0)) {
                return; // an empty matrix touches nothing
            }
            String fragment = target.apply(kind, m[0] == target ? m[names.length - 1] : m[0]);
            if (kind == Break.NEGATIVE_ROWS) {
                // Sizes are shared by all arguments: the call passes a negative row count.
                for (Mat other : m) {
                    other.rows = target.rows;
                }
            }
            float[][] before = new float[m.length][];
            for (int i = 0; i < m.length; i++) {
                before[i] = m[i].array == null ? null : m[i].array.clone();
            }
            try {
                call.run(m);
                fail(what + ": " + kind + " of " + target.name + " was accepted");
            } catch (IllegalArgumentException | IndexOutOfBoundsException | NullPointerException e) {
                if ((kind == Break.NULL) != (e instanceof NullPointerException)) {
                    fail(what + ": " + kind + " of " + target.name + " threw " + e
                            + " (a null argument, and only that, is a NullPointerException)");
                }
                if (kind != Break.HUGE_LD) {
                    assertTrue(e.getMessage().contains(fragment) || kind == Break.OVERLAP
                                    && e.getMessage().contains(target.name),
                            what + ": " + kind + " of " + target.name + ": message \"" + e.getMessage()
                                    + "\" should contain \"" + fragment + "\"");
                }
            }
            for (int i = 0; i < m.length; i++) {
                if (before[i] != null) {
                    Compare.sameArray(before[i], m[i].array, what + ": " + names[i] + " after " + kind);
                }
            }
        });
    }
}
