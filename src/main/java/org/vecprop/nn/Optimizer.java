package org.vecprop.nn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.vecprop.io.FileRejectedException;
import org.vecprop.io.SafeTensors;

/**
 * What every optimizer of a {@link Network} does: {@link Sgd} and {@link Adam} (Adam and
 * AdamW). Each step reads every gradient of every layer that is not frozen once, updates the
 * parameters (and the optimizer's own state) and, in the same pass, zeroes the gradient, so the
 * network is ready for the next backward pass in {@link Gradients#ACCUMULATE} mode with no
 * separate zeroGrad pass. Frozen layers ({@link Dense#freeze()}) are skipped: not updated, their
 * gradients and state untouched.
 *
 * <p>A step is one change of the network's weights: while they are shared with networks on other
 * threads ({@link Network#sharingWeights}), a forward pass there computes with all the weights
 * before the step or all of them after it (see {@link Network#changeWeights}).
 *
 * <p>The learning rate can change between steps: {@link #setLearningRate} fixes it,
 * {@link #setSchedule} makes it a function of the step count.
 *
 * <p><b>State files.</b> {@link #saveState} writes the optimizer's state (step count, momentum or
 * moments, hyper-parameters) as a safetensors file beside the weights' own; {@link #loadState}
 * reads one back, after which the next steps are bit for bit those the saved optimizer would have
 * made. The names are documented by each optimizer ({@link Sgd}, {@link Adam}); a file that is
 * malformed or does not fit (another optimizer, other parameters, other hyper-parameters) throws
 * {@link FileRejectedException} and loads nothing.
 *
 * <p>Allocation: state buffers are allocated once, at construction; a step allocates nothing
 * (unless the weights are shared with other networks: then each step publishes new copies).
 * A rejected call changes no parameter, gradient, state or step count. One thread at a time.
 */
public interface Optimizer {
    /**
     * Applies one update to every parameter of every layer that is not frozen, and zeroes the
     * gradients it read.
     *
     * @throws IllegalStateException if the schedule gives a rate that is not finite and
     *     {@code >= 0} (nothing is changed)
     */
    void step();

    /**
     * The non-finite guard: applies {@link #step()} only if every gradient it would read is
     * finite. Otherwise nothing changes (parameters, state, gradients and the step count stay as
     * they are, for inspection), so one bad batch cannot destroy a trained model. Costs one extra
     * read of the gradients, before the update.
     *
     * @return empty if the step was applied; else the index of the first layer (not frozen)
     *     whose weight or bias gradient holds a NaN or an infinity
     * @throws IllegalStateException if the schedule gives a rate that is not finite and
     *     {@code >= 0} (nothing is changed)
     */
    OptionalInt stepIfFinite();

    /**
     * {@return the learning rate the next step will use: the fixed rate, or the schedule's rate at {@link #steps()}}
     *
     * @throws IllegalStateException if the schedule gives a rate that is not finite and
     *     {@code >= 0}
     */
    float learningRate();

    /**
     * Fixes the learning rate from the next step on, replacing any schedule (PyTorch: setting
     * {@code param_group['lr']}). Allocates nothing: it may be called before every step.
     *
     * @param learningRate finite, {@code > 0}
     * @throws IllegalArgumentException for a rate that is not finite and positive
     */
    void setLearningRate(float learningRate);

    /**
     * Takes the learning rate from {@code schedule} from the next step on, asked with the count
     * of steps applied so far (not reset).
     *
     * @param schedule the rate by step
     * @throws NullPointerException if {@code schedule} is null
     */
    void setSchedule(LearningRateSchedule schedule);

    /** {@return the steps applied so far (refused ones not counted)} */
    long steps();

    /** {@return the network this optimizer trains} */
    Network network();

    /**
     * {@return the parameters this optimizer updates: the network's {@link Network#parameters()}, in order (those of frozen layers are skipped at each step, not dropped from the list)}
     */
    List<Parameter> parameters();

    /**
     * {@return the state as safetensors contents (copies): the step count and hyper-parameters in the metadata, the state tensors under the names the optimizer documents, in PyTorch's layout ({@code out x in} for a weight's)}
     */
    SafeTensors state();

    /**
     * Saves {@link #state()} to a file; replaced if it exists, never left half-written.
     *
     * @param file where to write
     * @throws IOException if writing fails
     * @throws NullPointerException if {@code file} is null
     */
    void saveState(Path file) throws IOException;

    /**
     * Replaces this optimizer's state with a file's: the step count and every state tensor. The
     * file is read and checked completely first; on any error nothing changes.
     *
     * @param file a file {@link #saveState} wrote, from an optimizer of the same kind and
     *     hyper-parameters over a network of the same modules
     * @throws FileRejectedException if the file is malformed or does not fit this optimizer
     *     (naming why)
     * @throws IOException if it cannot be read
     * @throws NullPointerException if {@code file} is null
     */
    void loadState(Path file) throws IOException;

    /**
     * Replaces this optimizer's state with the contents of a state file, under the rules of
     * {@link #loadState(Path)}.
     *
     * @param contents the file's contents
     * @throws FileRejectedException if they do not fit this optimizer (naming why)
     * @throws NullPointerException if {@code contents} is null
     */
    void loadState(SafeTensors contents) throws FileRejectedException;
}
