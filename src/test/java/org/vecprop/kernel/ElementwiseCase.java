package org.vecprop.kernel;

import java.util.Random;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.vecprop.testing.Props;
import org.vecprop.testing.Values;

/**
 * A generated layout for the element-wise kernels' properties: a shape (0 to 300 in each
 * dimension), offsets and row strides larger than the row for three matrices, a data seed, how
 * often a value is special, and whether the output is the input itself (in place). Array
 * elements outside the written window must keep their bits.
 */
record ElementwiseCase(int rows, int cols, int[] slack, boolean inPlace, long seed, int specials) {
    /** Row stride of operand {@code which}. */
    int ld(int which) {
        return Math.max(1, cols) + slack[2 * which + 1];
    }

    /** Offset of operand {@code which}. */
    int off(int which) {
        return slack[2 * which];
    }

    /** A matrix array for operand {@code which} with padding around the window. */
    float[] matrix(Random rnd, int which) {
        return Values.random(rnd, off(which) + rows * ld(which) + 3, specials, 1f);
    }

    /** The generator of cases. */
    static Gen<ElementwiseCase> cases() {
        Gen<int[]> shape = Props.dimension(300).zip(Props.dimension(300), (r, c) -> new int[] {r, c});
        Gen<int[]> slack = Generate.intArrays(Generate.constant(6), Props.slack());
        Gen<long[]> data = Generate.longRange(0, 1L << 40).zip(
                Generate.pick(java.util.List.of(0, 3, 100)), (s, p) -> new long[] {s, p});
        return shape.zip(slack, Generate.booleans(), data, (sh, sl, ip, d) ->
                new ElementwiseCase(sh[0], sh[1], sl, ip, d[0], (int) d[1]));
    }
}
