package org.vecprop.kernel;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;
import org.vecprop.testing.BadCalls;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Props;
import org.vecprop.testing.Values;

/**
 * {@link Update}: the SGD update against its reference, bit-identical (with and without
 * momentum, zeroing the gradient or not, with special values), and its bad input (the checks
 * mutation testing asked for, shared with the reference: {@link BadCalls#sgdChecks}).
 */
class UpdateTest {

    @Test
    void sgdIsBitIdenticalToTheReference() {
        Props.theory().forAll(Generate.range(0, 300), Generate.booleans(), Generate.booleans(),
                Generate.longRange(0, 1 << 30)).checkAssert((n, momentum, zero, seed) -> {
            Random rnd = new Random(seed);
            float[] w = Values.random(rnd, n + 3, 30, 1f), g = Values.random(rnd, n + 1, 30, 1f);
            float[] v = Values.random(rnd, n + 2, 30, 1f);
            float[] w2 = w.clone(), g2 = g.clone(), v2 = v.clone();
            float mom = momentum ? 0.9f : 0f;
            org.vecprop.reference.ReferenceUpdate.sgd(n, w, 3, g, 1, v, 2, 0.01f, mom, 1e-3f, zero);
            Update.sgd(n, w2, 3, g2, 1, v2, 2, 0.01f, mom, 1e-3f, zero);
            Compare.sameArray(w, w2, "w");
            Compare.sameArray(g, g2, "g");
            Compare.sameArray(v, v2, "v");
        });
    }

    @Test
    void sgdRejectsBadArgumentsBeforeWriting() {
        BadCalls.sgdChecks(Update::sgd);
    }
}
