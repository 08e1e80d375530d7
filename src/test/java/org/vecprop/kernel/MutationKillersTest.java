package org.vecprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * Kernel behaviour that mutation testing (scripts/mutation) found unchecked: the summaries of
 * {@link Stats} (no other test compares them with the reference, or either with the truth),
 * and edges of the other kernels. Shapes are chosen from the vector length L of this run, so
 * that both the vector body and the scalar tail of a row are exercised at every width.
 */
class MutationKillersTest {

    /** Floats per vector in this run (4 on the scalar path, where the value does not matter). */
    static final int L = Math.max(4, Simd.vectorBits() / 32);

    static final int SUM = org.vecprop.reference.ReferenceStats.SUM_SQUARES;
    static final int MAX = org.vecprop.reference.ReferenceStats.MAX_ABS;
    static final int NAN = org.vecprop.reference.ReferenceStats.NAN_COUNT;
    static final int INF = org.vecprop.reference.ReferenceStats.INF_COUNT;

    /**
     * A rows x cols matrix at offset 3 with row stride cols + 2, of small integers (so every sum
     * of squares is exact in float and double alike), padding filled with {@code pad}.
     */
    static float[] integers(Random rnd, int rows, int cols, float pad) {
        int ld = cols + 2;
        float[] x = new float[3 + rows * ld + 2];
        java.util.Arrays.fill(x, pad);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                x[3 + i * ld + j] = rnd.nextInt(9) - 4;
            }
        }
        return x;
    }

    @Test
    void summaryOfKnownValuesInBodyAndTail() {
        int rows = 3, cols = 2 * L + 3, ld = cols + 2;
        float[] x = integers(new Random(11), rows, cols, 1000f); // padding must not be read
        double sum = 0, max = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float v = x[3 + i * ld + j];
                sum += v * v;
                max = Math.max(max, Math.abs(v));
            }
        }
        // Specials in the vector body (column 1) and in the tail (last column), in two rows.
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        int[][] at = {{0, 1}, {1, 1}, {2, cols - 1}, {1, cols - 1}};
        for (int s = 0; s < specials.length; s++) {
            float old = x[3 + at[s][0] * ld + at[s][1]];
            sum -= old * old;
            x[3 + at[s][0] * ld + at[s][1]] = specials[s];
        }
        // One large finite value in the tail, so the maximum comes from there.
        float old = x[3 + 2 * ld + cols - 2];
        sum += 49 - old * old;
        x[3 + 2 * ld + cols - 2] = -7f;
        max = 7;
        double[] expected = {sum, max, 2, 2};
        double[] kernel = {-1, -1, -1, -1, 42};
        double[] reference = kernel.clone();
        Stats.summarize(rows, cols, x, 3, ld, kernel);
        org.vecprop.reference.ReferenceStats.summarize(rows, cols, x, 3, ld, reference);
        for (int k = 0; k < 4; k++) {
            assertEquals(expected[k], reference[k], "reference out[" + k + "]");
            assertEquals(expected[k], kernel[k], "kernel out[" + k + "]");
        }
        assertEquals(42, kernel[4], "out[4] is not part of a summary");
        // The largest value in the vector body instead.
        x[3 + ld + 2] = 9f;
        Stats.summarize(rows, cols, x, 3, ld, kernel);
        assertEquals(9, kernel[MAX], "max from the body");
    }

    @Test
    void summaryOfTailOnlyAndBodyOnlyRows() {
        for (int cols : new int[] {L - 1, L, 2 * L, 1}) {
            float[] x = new float[2 * cols + 1];
            for (int j = 0; j < x.length; j++) {
                x[j] = j % 3 - 1.5f; // -1.5, -0.5, 0.5, ...
            }
            x[x.length - 1] = Float.POSITIVE_INFINITY; // after the matrix: never counted
            x[0] = Float.NEGATIVE_INFINITY;
            double[] out = new double[4];
            Stats.summarize(2, cols, x, 0, cols, out);
            double sum = 0;
            for (int j = 1; j < 2 * cols; j++) {
                sum += (double) x[j] * x[j];
            }
            assertEquals(sum, out[SUM], 0, "cols " + cols);
            assertEquals(cols == 1 ? 0.5 : 1.5, out[MAX], "cols " + cols);
            assertEquals(0, out[NAN], "cols " + cols);
            assertEquals(1, out[INF], "cols " + cols);
        }
    }

    @Test
    void summaryMatchesTheReference() {
        Props.theory(Props.EXAMPLES / 2).forAll(Props.dimension(90), Props.dimension(90),
                Generate.longRange(0, 1L << 40), Generate.pick(java.util.List.of(0, 20, 300)))
                .checkAssert((rows, cols, seed, specials) -> {
            Random rnd = new Random(seed);
            int off = rnd.nextInt(3), ld = Math.max(1, cols) + rnd.nextInt(3);
            float[] x = Values.random(rnd, off + rows * ld + 2, specials, 4f);
            double[] kernel = new double[4], reference = new double[4];
            Stats.summarize(rows, cols, x, off, ld, kernel);
            org.vecprop.reference.ReferenceStats.summarize(rows, cols, x, off, ld, reference);
            String where = rows + "x" + cols + " ld " + ld + " seed " + seed;
            assertEquals(reference[MAX], kernel[MAX], where + " max");
            assertEquals(reference[NAN], kernel[NAN], where + " NaN count");
            assertEquals(reference[INF], kernel[INF], where + " Inf count");
            // Float lanes folded into double: (cols / L + L + 2) roundings of 2^-24 at most,
            // plus the squares of subnormals that float loses.
            double tol = (cols / (double) L + L + 2) * Compare.U * reference[SUM]
                    + (double) rows * cols * Float.MIN_NORMAL * Float.MIN_NORMAL;
            assertEquals(reference[SUM], kernel[SUM], tol, where + " sum of squares");
            assertEquals(Stats.deadColumns(rows, cols, x, off, ld),
                    org.vecprop.reference.ReferenceStats.deadColumns(rows, cols, x, off, ld), where + " dead");
        });
    }

    @Test
    void deadColumnsCountsColumnsWithNoPositiveElement() {
        int rows = 4, cols = 2 * L + 5, ld = cols + 1;
        float[] a = new float[2 + (rows + 1) * ld];
        java.util.Arrays.fill(a, 5f);          // padding and the row after the matrix: positive
        int expectedDead = 0;
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                a[2 + i * ld + j] = -1f;
            }
            switch (j % 6) {
                case 0 -> expectedDead++;                                  // all negative
                case 1 -> a[2 + (rows - 1) * ld + j] = Float.MIN_VALUE;   // alive in the last row
                case 2 -> { a[2 + j] = 0f; a[2 + ld + j] = -0f; expectedDead++; } // zeros: dead
                case 3 -> { a[2 + 2 * ld + j] = Float.NaN; expectedDead++; }      // NaN: dead
                case 4 -> a[2 + j] = 3f;                                   // alive in the first row
                default -> { a[2 + ld + j] = Float.POSITIVE_INFINITY; a[2 + 2 * ld + j] = 1f; }
            }
        }
        assertEquals(expectedDead, org.vecprop.reference.ReferenceStats.deadColumns(rows, cols, a, 2, ld));
        assertEquals(expectedDead, Stats.deadColumns(rows, cols, a, 2, ld));
        // The first rows only: columns alive in the last row alone are dead now.
        int aliveOnlyInLast = 0;
        for (int j = 0; j < cols; j++) {
            aliveOnlyInLast += j % 6 == 1 ? 1 : 0;
        }
        assertEquals(expectedDead + aliveOnlyInLast, Stats.deadColumns(rows - 1, cols, a, 2, ld));
        assertEquals(expectedDead + aliveOnlyInLast,
                org.vecprop.reference.ReferenceStats.deadColumns(rows - 1, cols, a, 2, ld));
        // No rows: every column is dead. No columns: none.
        assertEquals(cols, Stats.deadColumns(0, cols, a, 2, ld));
        assertEquals(cols, org.vecprop.reference.ReferenceStats.deadColumns(0, cols, a, 2, ld));
        assertEquals(0, Stats.deadColumns(rows, 0, a, 2, ld));
    }

    @Test
    void emptyMseIsNaNAndWritesNothing() {
        float[] p = {1f, 2f}, t = {0f, 0f}, g = {7f, 7f};
        assertEquals(Float.NaN, Mse.loss(0, 2, p, 0, 2, t, 0, 2));
        assertEquals(Float.NaN, Mse.loss(2, 0, p, 0, 1, t, 0, 1));
        assertEquals(Float.NaN, Mse.lossAndGradient(0, 2, p, 0, 2, t, 0, 2, g, 0, 2));
        assertEquals(Float.NaN, Mse.lossAndGradient(1, 0, p, 0, 1, t, 0, 1, g, 0, 1));
        assertEquals(7f, g[0]);
        assertEquals(7f, g[1]);
    }

    @Test
    void mseOfKnownValues() {
        // Differences of +-1 and +-2 in body and tail: squares and their mean are exact.
        int n = 2 * L + 3;
        float[] p = new float[n], t = new float[n], g = new float[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = i;
            t[i] = i + (i % 2 == 0 ? 1 : -2);
            sum += (p[i] - t[i]) * (p[i] - t[i]);
        }
        assertEquals((float) (sum / n), Mse.loss(1, n, p, 0, n, t, 0, n));
        assertEquals((float) (sum / n), Mse.lossAndGradient(1, n, p, 0, n, t, 0, n, g, 0, n));
        for (int i = 0; i < n; i++) {
            assertEquals(2f * (p[i] - t[i]) / n, g[i], "g[" + i + "]");
        }
    }
}
