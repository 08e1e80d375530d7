package org.vecprop.testing;

import static org.quicktheories.QuickTheory.qt;

import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.vecprop.kernel.Simd;

/**
 * How the property tests run. CI uses a fixed seed and example count (set in the POM);
 * {@code scripts/test --random} passes {@code -Dvecprop.qt.seed=random} and more examples.
 * QuickTheories prints the seed of a failing run, so any failure can be replayed with
 * {@code -Dvecprop.qt.seed=<seed>}.
 */
public final class Props {
    private Props() {}

    /** The seed for this run: the property's value, or a fresh one for {@code random}. */
    public static final long SEED = seed();
    /** Examples per property (some heavy properties use a fraction). */
    public static final int EXAMPLES = Integer.getInteger("vecprop.qt.examples", 200);

    private static long seed() {
        String s = System.getProperty("vecprop.qt.seed", "20261129");
        long seed = s.equals("random") ? System.nanoTime() : Long.parseLong(s);
        System.out.println("[vecprop] property seed " + seed + " (replay with -Dvecprop.qt.seed="
                + seed + "), " + Integer.getInteger("vecprop.qt.examples", 200) + " examples; "
                + Simd.description());
        return seed;
    }

    /** A configured QuickTheories entry point with {@code examples} examples. */
    public static QuickTheory theory(int examples) {
        return qt().withFixedSeed(SEED).withExamples(Math.max(1, examples)).withShrinkCycles(200);
    }

    /** A configured QuickTheories entry point with the default example count. */
    public static QuickTheory theory() {
        return theory(EXAMPLES);
    }

    /**
     * Matrix dimensions from 0 to {@code max}: weighted toward small sizes (where edge tiles and
     * tails live) while still reaching {@code max} regularly.
     */
    public static Gen<Integer> dimension(int max) {
        return Generate.range(0, Math.min(max, 24)).mix(Generate.range(0, Math.min(max, 80)), 40)
                .mix(Generate.range(0, max), 35);
    }

    /** Extra padding or offset: usually 0, sometimes a few elements. */
    public static Gen<Integer> slack() {
        return Generate.range(0, 0).mix(Generate.range(1, 9), 60);
    }
}
