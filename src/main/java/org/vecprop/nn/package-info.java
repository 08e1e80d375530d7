/**
 * Layers and training on top of the kernels, in PyTorch's terms where that helps:
 * {@link org.vecprop.nn.Dense} (a fused {@code Linear} + activation), {@link org.vecprop.nn.Network}
 * (an {@code nn.Sequential} with an MSE loss: forward, loss, backward, named
 * {@link org.vecprop.nn.Parameter}s, safetensors save and load), {@link org.vecprop.nn.Sgd} with
 * {@link org.vecprop.nn.SgdOptions} and a {@link org.vecprop.nn.LearningRateSchedule},
 * {@link org.vecprop.nn.Diagnostics} (norms, NaN counts, dead, frozen and gradient-less layers),
 * {@link org.vecprop.nn.GradCheck} (backprop against finite differences).
 *
 * <p>Conventions, as in the kernels: matrices are row-major {@code float[]} with an offset and a
 * row stride; buffers are allocated when a layer or network is built, for a maximum batch, and
 * a training step (forward, loss, backward, step) allocates nothing after warm-up. Every public
 * method checks its arguments and state before it writes anything: a null argument throws
 * {@link java.lang.NullPointerException} naming it, a bad size, stride or hyper-parameter
 * {@link java.lang.IllegalArgumentException} (or {@link java.lang.IndexOutOfBoundsException} for
 * an extent past an array), a call in the wrong order {@link java.lang.IllegalStateException};
 * a rejected call leaves every weight, gradient, optimizer state and buffer as it was.
 *
 * <p>A network and its optimizer are for one thread; {@link org.vecprop.nn.Network#sharingWeights}
 * gives another thread buffers of its own over the same weights, for inference.
 */
package org.vecprop.nn;
