package org.vecprop.kernel;

import org.junit.jupiter.api.Test;

/** Generated invalid calls (see {@link InvalidCalls}). */
class InvalidCallPropertiesTest {

    @Test
    void reluForward() {
        InvalidCalls.check("Relu.forward", new int[][] {{3, 5}, {3, 5}}, new String[] {"x", "y"}, 1,
                m -> Relu.forward(m[0].rows, m[0].cols, m[0].array, m[0].off, m[0].ld, m[1].array, m[1].off, m[1].ld));
    }

    @Test
    void reluBackward() {
        InvalidCalls.check("Relu.backward", new int[][] {{3, 5}, {3, 5}, {3, 5}}, new String[] {"z", "dy", "dz"}, 1,
                m -> Relu.backward(m[0].rows, m[0].cols, m[0].array, m[0].off, m[0].ld,
                        m[1].array, m[1].off, m[1].ld, m[2].array, m[2].off, m[2].ld));
    }

    @Test
    void mseLossAndGradient() {
        InvalidCalls.check("Mse.lossAndGradient", new int[][] {{4, 3}, {4, 3}, {4, 3}}, new String[] {"p", "t", "g"}, 1,
                m -> Mse.lossAndGradient(m[0].rows, m[0].cols, m[0].array, m[0].off, m[0].ld,
                        m[1].array, m[1].off, m[1].ld, m[2].array, m[2].off, m[2].ld));
    }
}
