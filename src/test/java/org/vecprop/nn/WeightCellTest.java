package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Activation;

/**
 * {@link WeightCell} and {@link WeightVersion}, the versions a layer's weights live in: a change
 * of an exclusive layer is made in place; once shared, a change is a new version and the one
 * published before is never written; a change of the bias alone keeps the weights and their
 * packed form (a bias write must not repack the weights); the versions' value comparison; and
 * {@link WeightGroup}'s sequence, which tells a reader that a publication ran while it collected
 * the layers' versions. The forward and backward passes over them are tested in DenseTest, and
 * publication under load in WeightSwapStressTest.
 */
class WeightCellTest {

    @Test
    void anExclusiveLayersBiasWriteIsMadeInPlace() {
        // Alone, a layer's change is made in place: no copy, nothing allocated per step.
        Dense d = new Dense(3, 4, Activation.RELU, true, 2, 1);
        WeightVersion before = d.cell().current;
        float[] bias = before.bias;
        d.bias().fill(0.5f);
        assertSame(before, d.cell().current, "the same version");
        assertSame(bias, d.cell().current.bias, "the same bias array, written");
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, bias);
    }

    @Test
    void aSharedLayersBiasWriteIsANewVersionWithTheOldWeightsAndTheirPackedForm() {
        // Once shared, a bias write is made on a copy and published: the version a reader may
        // still hold keeps its bias; the copy shares the weights and the packed form that
        // attaching the sharer made (packing them again for a bias write would be a waste and,
        // for readers, a write to a published version). No forward runs between the steps, so
        // the packed form can only come from attach.
        Dense d = new Dense(5, 6, Activation.RELU, true, 2, 2);
        d.sharingWeights(2);
        WeightVersion published = d.cell().current;
        float[] oldBias = published.bias.clone();
        d.bias().fill(0.25f);
        WeightVersion changed = d.cell().current;
        assertNotSame(published, changed, "a new version");
        assertArrayEquals(oldBias, published.bias, "the published version's bias is never written");
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f}, changed.bias);
        assertSame(published.weights, changed.weights, "the weights are shared, not copied");
        assertSame(published.packed(), changed.packed(), "the packed weights are shared, not repacked");
    }

    @Test
    void aBiasWriteAfterASharedWeightWriteKeepsThatWritesPackedForm() {
        // A shared weight write publishes a copy packed before publication (finish); a bias
        // write after it, with no forward between, shares that packed form.
        Dense d = new Dense(5, 6, Activation.TANH, true, 2, 3);
        d.sharingWeights(2);
        d.weight().set(7, 1.5f);
        WeightVersion weightsWritten = d.cell().current;
        d.bias().fill(-0.5f);
        WeightVersion biasWritten = d.cell().current;
        assertNotSame(weightsWritten, biasWritten, "a new version");
        assertEquals(1.5f, biasWritten.weights[7]);
        assertSame(weightsWritten.packed(), biasWritten.packed(), "the packed weights are shared, not repacked");
    }

    @Test
    void aReaderSeesThatAWholePublicationRanSinceItReadTheSequence() {
        // A reader collects the layers' versions between two reads of the sequence. A
        // publication that began and ended in between must still show, or the reader would
        // keep a mix of old and new layers: every publication moves the sequence on, never back.
        WeightGroup g = new WeightGroup();
        for (int publication = 0; publication < 3; publication++) {
            long s = g.stableSequence();
            assertEquals(true, g.unchangedSince(s), "nothing published yet");
            g.beginPublication();
            assertEquals(false, g.unchangedSince(s), "during publication " + publication);
            g.endPublication();
            assertEquals(false, g.unchangedSince(s), "after publication " + publication);
            assertEquals(0, g.stableSequence() & 1, "even again once published");
        }
    }

    @Test
    void sameValuesComparesTheWeightsAndTheBiasBitForBit() {
        // The comparison the tests and diagnostics use: equal only if both arrays are.
        WeightVersion v = new WeightVersion(2, 1, new float[] {1f, 2f}, new float[] {3f});
        assertEquals(true, v.sameValues(new WeightVersion(2, 1, new float[] {1f, 2f}, new float[] {3f})),
                "equal values");
        assertEquals(true, v.sameValues(v.copy()), "a copy");
        assertEquals(false, v.sameValues(new WeightVersion(2, 1, new float[] {1f, -2f}, new float[] {3f})),
                "another weight");
        assertEquals(false, v.sameValues(new WeightVersion(2, 1, new float[] {1f, 2f}, new float[] {-3f})),
                "another bias");
        assertEquals(false, v.sameValues(new WeightVersion(2, 1, new float[] {1f, 2f}, new float[] {3f, 0f})),
                "a bias of another length");
        WeightVersion noBias = new WeightVersion(2, 1, new float[] {1f, 2f}, null);
        assertEquals(true, noBias.sameValues(new WeightVersion(2, 1, new float[] {1f, 2f}, null)), "no bias on either");
        assertEquals(false, noBias.sameValues(v), "a bias on one only");
    }
}
