package org.vecprop.nn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import org.vecprop.contract.Checks;
import org.vecprop.io.FileRejectedException;
import org.vecprop.io.SafeTensors;
import org.vecprop.io.Tensor;
import org.vecprop.kernel.Stats;

/**
 * What {@link Sgd} and {@link Adam} share: the learning rate or its schedule, the step count,
 * the non-finite guard, the step as one published change of the network's weights, and the state
 * file. A subclass supplies the update of one layer and names its state buffers.
 *
 * <p>State buffers are per parameter and per state name ({@code momentum_buffer} for SGD,
 * {@code exp_avg} and {@code exp_avg_sq} for Adam, PyTorch's names), in vecprop's layout
 * ({@code in x out} for a weight's); the file holds them as {@code <parameter>.<state name>} in
 * PyTorch's layout ({@code out x in}), beside metadata {@code vecprop.optimizer} (the kind),
 * {@code vecprop.steps}, {@code vecprop.modules} (the network's module list), and each
 * hyper-parameter as {@code vecprop.<name>}.
 */
abstract class OptimizerCore implements Optimizer {
    /** Metadata key of the optimizer's kind. */
    static final String KIND_KEY = "vecprop.optimizer";
    /** Metadata key of the step count. */
    static final String STEPS_KEY = "vecprop.steps";

    final Network network;
    private final String[] stateNames;
    /** [state name][layer]: the weight's state, in x out; null where there is none. */
    final float[][][] weightState;
    /** [state name][layer]: the bias's state; null for a layer without bias. */
    final float[][][] biasState;
    private final double[] summary = new double[4];
    private LearningRateSchedule schedule; // null: the fixed rate
    private float rate;
    private long steps;
    /** The rate of the step being made: read by the step's change. */
    private float stepRate;
    /**
     * The step as a change of the network's weights: an object of its own (made once), so that
     * the change's methods are not part of the optimizers' public API.
     */
    private final WeightChange stepChange = new WeightChange() {
        @Override
        public boolean changes(int l) {
            return !network.layer(l).frozen();
        }

        @Override
        public void change(int l, float[] w, float[] b, WeightVersion inPlace) {
            long step = steps + 1;
            Dense d = network.layer(l);
            int out = d.outputs(), in = d.inputs();
            if (inPlace != null && inPlace.beginRowRefresh()) {
                // Update a block of rows, then repack it while it is still in cache: the packed
                // forms stay current without a second pass reading W (the update is elementwise,
                // so blocks give the same bits as one call).
                int block = rowBlock(out);
                for (int r0 = 0; r0 < in; r0 += block) {
                    int r1 = Math.min(in, r0 + block);
                    updateWeights(l, w, r0 * out, (r1 - r0) * out, stepRate, step);
                    inPlace.refreshRows(r0, r1, d.workspace());
                }
            } else {
                updateWeights(l, w, 0, w.length, stepRate, step);
            }
            if (b != null) {
                updateBias(l, b, stepRate, step);
            }
        }
    };

    /**
     * The rows of W one block of an optimizer step updates and then repacks: about
     * {@value #ROW_BLOCK_FLOATS} floats (with Adam's two moments and the gradient, 4 arrays of
     * 32 KB, an L2-resident working set), and a multiple of 32 rows, so that a block fills whole
     * panels of a transposed pack at every vector width (NR is 8, 16 or 32 floats) and no panel
     * is packed twice.
     */
    static int rowBlock(int out) {
        return Math.max(32, ROW_BLOCK_FLOATS / Math.max(1, out) / 32 * 32);
    }

    /** The floats of W one block of a step covers, at most (unless 32 rows are more). */
    static final int ROW_BLOCK_FLOATS = 8192;

    /**
     * @param network the network to train
     * @param schedule the learning rate by step
     * @param stateNames the state buffers each parameter gets (none for plain SGD)
     */
    OptimizerCore(Network network, LearningRateSchedule schedule, String... stateNames) {
        this.network = Objects.requireNonNull(network, "network must not be null");
        this.schedule = Objects.requireNonNull(schedule, "schedule must not be null");
        this.stateNames = stateNames.clone();
        int n = network.depth();
        this.weightState = new float[stateNames.length][n][];
        this.biasState = new float[stateNames.length][n][];
        for (int s = 0; s < stateNames.length; s++) {
            for (int l = 0; l < n; l++) {
                Dense d = network.layer(l);
                weightState[s][l] = new float[d.inputs() * d.outputs()];
                biasState[s][l] = d.hasBias() ? new float[d.outputs()] : null;
            }
        }
    }

    /** {@return the kind written to and checked in state files: {@code sgd}, {@code adam}, {@code adamw}} */
    abstract String kind();

    /** {@return the hyper-parameters a state file records and must match, by name} */
    abstract Map<String, String> hyperParameters();

    /**
     * Updates {@code n} elements of layer {@code l}'s weights from {@code off} on, at step
     * {@code step} (1 for the first) with rate {@code lr}: {@code w} is the array to write (see
     * {@link WeightChange}), its gradient and state at the same offsets; the gradient is zeroed
     * in the same pass. Elementwise, so any split of a step into ranges gives the same bits.
     */
    abstract void updateWeights(int l, float[] w, int off, int n, float lr, long step);

    /** As {@link #updateWeights}, for the whole of layer {@code l}'s bias {@code b}. */
    abstract void updateBias(int l, float[] b, float lr, long step);

    @Override
    public final void step() {
        stepRate = learningRate();
        network.changeWeights(stepChange);
        steps++;
    }

    @Override
    public final OptionalInt stepIfFinite() {
        learningRate(); // a bad scheduled rate is reported whether or not the gradients are finite
        for (int l = 0; l < network.depth(); l++) {
            Dense d = network.layer(l);
            if (!d.frozen() && (!finite(d.weightGrad(), d) || d.hasBias() && !finite(d.biasGrad(), d))) {
                return OptionalInt.of(l);
            }
        }
        step();
        return OptionalInt.empty();
    }

    private boolean finite(float[] g, Dense layer) {
        Stats.summarize(1, g.length, g, 0, g.length, summary, layer.workspace()); // the network's scratch
        return summary[Stats.NAN_COUNT] == 0 && summary[Stats.INF_COUNT] == 0;
    }

    @Override
    public final float learningRate() {
        if (schedule == null) {
            return rate;
        }
        float r = schedule.rate(steps);
        if (!(r >= 0f) || !Float.isFinite(r)) {
            throw new IllegalStateException("the learning-rate schedule gave " + r + " for step "
                    + steps + "; a rate must be finite and >= 0");
        }
        return r;
    }

    @Override
    public final void setLearningRate(float learningRate) {
        this.rate = Checks.positive("learningRate", learningRate);
        this.schedule = null;
    }

    @Override
    public final void setSchedule(LearningRateSchedule schedule) {
        this.schedule = Objects.requireNonNull(schedule, "schedule must not be null");
    }

    @Override
    public final long steps() {
        return steps;
    }

    @Override
    public final Network network() {
        return network;
    }

    @Override
    public final List<Parameter> parameters() {
        return network.parameters();
    }

    // ------------------------------------------------------------------------------ state files

    @Override
    public final SafeTensors state() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        List<Parameter> params = network.parameters();
        for (int s = 0; s < stateNames.length; s++) {
            for (Parameter p : params) {
                tensors.put(p.name() + "." + stateNames[s], toFile(p, buffer(s, p)));
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(KIND_KEY, kind());
        meta.put(STEPS_KEY, Long.toString(steps));
        meta.put(NetworkFile.MODULES_KEY, network.modules());
        meta.put(NetworkFile.LAYOUT_KEY, NetworkFile.LAYOUT);
        hyperParameters().forEach((k, v) -> meta.put("vecprop." + k, v));
        return new SafeTensors(tensors, meta);
    }

    @Override
    public final void saveState(Path file) throws IOException {
        Objects.requireNonNull(file, "file must not be null");
        state().write(file);
    }

    @Override
    public final void loadState(Path file) throws IOException {
        Objects.requireNonNull(file, "file must not be null");
        loadState(SafeTensors.read(file));
    }

    @Override
    public final void loadState(SafeTensors contents) throws FileRejectedException {
        Objects.requireNonNull(contents, "contents must not be null");
        Map<String, String> meta = contents.metadata();
        String kind = meta.get(KIND_KEY);
        if (!kind().equals(kind)) {
            throw new FileRejectedException(kind == null
                    ? "the file has no " + KIND_KEY + " metadata: it is not an optimizer state"
                    : "the file holds the state of a " + NetworkFile.abbreviate(kind)
                            + " optimizer, this one is " + kind());
        }
        String modules = meta.get(NetworkFile.MODULES_KEY);
        if (!network.modules().equals(modules)) {
            throw new FileRejectedException("the file holds the state for the network "
                    + NetworkFile.abbreviate(String.valueOf(modules)) + ", this optimizer trains "
                    + network.modules());
        }
        for (Map.Entry<String, String> h : hyperParameters().entrySet()) {
            String saved = meta.get("vecprop." + h.getKey());
            if (!h.getValue().equals(saved)) {
                throw new FileRejectedException("the file's " + h.getKey() + " is "
                        + NetworkFile.abbreviate(String.valueOf(saved))
                        + ", this optimizer's is " + h.getValue() + " (resuming with other"
                        + " hyper-parameters would not continue the saved run)");
            }
        }
        long savedSteps;
        try {
            savedSteps = Long.parseLong(String.valueOf(meta.get(STEPS_KEY)));
        } catch (NumberFormatException e) {
            savedSteps = -1;
        }
        if (savedSteps < 0) {
            throw new FileRejectedException("the file's " + STEPS_KEY + " is "
                    + NetworkFile.abbreviate(String.valueOf(meta.get(STEPS_KEY)))
                    + ", not a step count >= 0");
        }
        Map<String, Tensor> tensors = contents.tensors();
        Set<String> unused = new LinkedHashSet<>(tensors.keySet());
        List<Parameter> params = network.parameters();
        float[][] staged = new float[stateNames.length * params.size()][];
        int i = 0;
        for (int s = 0; s < stateNames.length; s++) {
            for (Parameter p : params) {
                String name = p.name() + "." + stateNames[s];
                Tensor t = tensors.get(name);
                if (t == null) {
                    throw new FileRejectedException("the file has no tensor \"" + name + "\"");
                }
                int[] expected = p.kind() == Parameter.Kind.WEIGHT
                        ? new int[] {p.cols(), p.rows()} : new int[] {p.cols()};
                if (!Arrays.equals(t.shape(), expected)) {
                    throw new FileRejectedException("tensor \"" + name + "\" has shape "
                            + Arrays.toString(t.shape()) + ", this optimizer's is "
                            + Arrays.toString(expected));
                }
                unused.remove(name);
                float[] values = t.toArray();
                staged[i++] = p.kind() == Parameter.Kind.WEIGHT
                        ? NetworkFile.transpose(values, p.cols(), p.rows()) : values;
            }
        }
        if (!unused.isEmpty()) {
            throw new FileRejectedException("the file holds tensors this optimizer has no state for: "
                    + NetworkFile.abbreviate(unused));
        }
        i = 0;
        for (int s = 0; s < stateNames.length; s++) {
            for (Parameter p : params) {
                float[] target = buffer(s, p);
                System.arraycopy(staged[i++], 0, target, 0, target.length);
            }
        }
        steps = savedSteps;
    }

    private float[] buffer(int s, Parameter p) {
        int l = network.layers().indexOf(network.layerOf(p));
        return p.kind() == Parameter.Kind.WEIGHT ? weightState[s][l] : biasState[s][l];
    }

    private static Tensor toFile(Parameter p, float[] values) {
        return p.kind() == Parameter.Kind.WEIGHT
                ? Tensor.of(NetworkFile.transpose(values, p.rows(), p.cols()), p.cols(), p.rows())
                : Tensor.of(values.clone(), p.cols());
    }

    /** {@return a float as a state file records it: its shortest exact decimal form} */
    static String exact(float value) {
        return Float.toString(value);
    }
}
