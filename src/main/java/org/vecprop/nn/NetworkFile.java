package org.vecprop.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vecprop.io.FileRejectedException;
import org.vecprop.io.SafeTensors;
import org.vecprop.io.Tensor;
import org.vecprop.kernel.Activation;

/**
 * How a {@link Network} maps onto a safetensors file: PyTorch's {@code torch.nn.Sequential} of
 * {@code Linear} and activation modules. Module indices count the activations too, as PyTorch's
 * do, so a 2-64-64-1 MLP is {@code 0: Linear, 1: ReLU, 2: Linear, 3: ReLU, 4: Linear} and its
 * tensors are {@code 0.weight, 0.bias, 2.weight, 2.bias, 4.weight, 4.bias}. Weights are stored
 * {@code out x in} (torch's {@code Linear.weight}), the transpose of vecprop's {@code in x out}.
 */
final class NetworkFile {
    private NetworkFile() {}

    /** Metadata: what safetensors.torch writes, which PyTorch-side loaders look for. */
    static final String FORMAT_KEY = "format";
    static final String FORMAT = "pt";
    /** Metadata: the module list, {@link Network#modules()}. */
    static final String MODULES_KEY = "vecprop.modules";
    /** Metadata: the layout in words; a file with another text here is not read. */
    static final String LAYOUT_KEY = "vecprop.layout";
    /** Metadata key of the loss the network trains with, as {@link Loss#toString()} writes it. */
    static final String LOSS_KEY = "vecprop.loss";
    static final String LAYOUT = "torch.nn.Sequential state_dict: N.weight is torch.nn.Linear's"
            + " weight, out x in, row-major (vecprop's in x out Dense weights transposed); N.bias"
            + " has out elements; N is the module index, activation modules included";

    /**
     * PyTorch's module for each activation that has one, by {@link Activation} constant name
     * (identity has none). Names not yet in the enum are simply not found.
     */
    private static final Map<String, String> TORCH_MODULES = Map.of(
            "RELU", "ReLU", "SIGMOID", "Sigmoid", "TANH", "Tanh");

    /** The torch module name of an activation, or null for identity. */
    static String torchModule(Activation a) {
        if (a == Activation.IDENTITY) {
            return null;
        }
        String m = TORCH_MODULES.get(a.name());
        if (m == null) {
            throw new IllegalStateException("activation " + a + " has no PyTorch module name here;"
                    + " add it to NetworkFile.TORCH_MODULES");
        }
        return m;
    }

    /** The Sequential index of each layer's Linear module. */
    static int[] moduleIndex(Dense[] layers) {
        int[] index = new int[layers.length];
        int next = 0;
        for (int l = 0; l < layers.length; l++) {
            index[l] = next;
            next += torchModule(layers[l].activation()) == null ? 1 : 2;
        }
        return index;
    }

    static String modules(Dense[] layers) {
        StringBuilder s = new StringBuilder();
        for (Dense d : layers) {
            s.append(s.isEmpty() ? "" : ", ").append("Linear(").append(d.inputs()).append(", ")
                    .append(d.outputs()).append(d.hasBias() ? ")" : ", bias=False)");
            String act = torchModule(d.activation());
            if (act != null) {
                s.append(", ").append(act).append("()");
            }
        }
        return s.toString();
    }

    static SafeTensors toSafeTensors(List<Parameter> parameters, String networkModules, Loss loss) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            if (p.kind() == Parameter.Kind.WEIGHT) {
                tensors.put(p.name(), Tensor.of(transpose(p.array(), p.rows(), p.cols()), p.cols(), p.rows()));
            } else {
                tensors.put(p.name(), Tensor.of(p.array(), p.cols()));
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(FORMAT_KEY, FORMAT);
        metadata.put(MODULES_KEY, networkModules);
        metadata.put(LAYOUT_KEY, LAYOUT);
        metadata.put(LOSS_KEY, loss.toString());
        return new SafeTensors(tensors, metadata);
    }

    /** {@code rows x cols} row-major into {@code cols x rows} row-major. */
    static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }

    /**
     * Stages the contents for the network's parameters: every check first (metadata, names,
     * shapes), then every tensor staged (transposed to in x out), in parameter order; nothing of
     * the network is written (the caller publishes them as one change), so a failure changes
     * nothing.
     */
    static List<float[]> stage(List<Parameter> parameters, String networkModules, SafeTensors contents)
            throws FileRejectedException {
        Map<String, String> meta = contents.metadata();
        String layout = meta.get(LAYOUT_KEY);
        if (layout != null && !layout.equals(LAYOUT)) {
            throw new FileRejectedException("the file's " + LAYOUT_KEY + " is \"" + abbreviate(layout)
                    + "\", not the one this vecprop reads (\"" + LAYOUT + "\")");
        }
        String modules = meta.get(MODULES_KEY);
        if (modules != null && !modules.equals(networkModules)) {
            throw new FileRejectedException("the file holds the network " + abbreviate(modules)
                    + ", this network is " + networkModules);
        }
        Map<String, Tensor> tensors = contents.tensors();
        Set<String> unused = new LinkedHashSet<>(tensors.keySet());
        List<float[]> staged = new ArrayList<>();
        for (Parameter p : parameters) {
            boolean weight = p.kind() == Parameter.Kind.WEIGHT;
            int[] expected = weight ? new int[] {p.cols(), p.rows()} : new int[] {p.cols()};
            Tensor t = tensors.get(p.name());
            if (t == null) {
                throw new FileRejectedException("the file has no tensor \"" + p.name()
                        + "\" (it holds " + abbreviate(tensors.keySet()) + "; this network is "
                        + networkModules + ")");
            }
            if (!Arrays.equals(t.shape(), expected)) {
                throw new FileRejectedException("tensor \"" + p.name() + "\" has shape "
                        + Arrays.toString(t.shape()) + ", this network's is "
                        + Arrays.toString(expected) + (weight ? " (out x in)" : ""));
            }
            unused.remove(p.name());
            float[] values = t.toArray();
            staged.add(weight ? transpose(values, p.cols(), p.rows()) : values);
        }
        if (!unused.isEmpty()) {
            throw new FileRejectedException("the file holds tensors this network has no"
                    + " parameter for: " + abbreviate(unused) + " (this network is "
                    + networkModules + ")");
        }
        return staged;
    }

    /** Text from a file longer than this is cut in messages, which must stay readable. */
    static final int MESSAGE_TEXT_MAX = 200;

    /** {@code text}, or its first {@link #MESSAGE_TEXT_MAX} characters and how many follow. */
    static String abbreviate(String text) {
        return text.length() <= MESSAGE_TEXT_MAX ? text
                : text.substring(0, MESSAGE_TEXT_MAX) + "... (" + (text.length() - MESSAGE_TEXT_MAX)
                        + " more characters)";
    }

    /**
     * The names as {@code [a, b, c]}, cut after {@link #MESSAGE_TEXT_MAX} characters with the
     * count of names left out (built without the whole list: a file may hold millions).
     */
    static String abbreviate(Collection<String> names) {
        StringBuilder s = new StringBuilder("[");
        int shown = 0;
        for (String n : names) {
            if (s.length() > MESSAGE_TEXT_MAX) {
                return s.append("... and ").append(names.size() - shown).append(" more]").toString();
            }
            s.append(shown++ == 0 ? "" : ", ").append(abbreviate(n));
        }
        return s.append(']').toString();
    }

    /** One Linear module of a module list and the activation after it. */
    record LayerSpec(int in, int out, boolean bias, Activation activation) {}

    /**
     * The layers the file's module list describes, shapes checked against its tensors, weights
     * zero: the caller builds the network from them and {@link #stage}s the contents.
     */
    static Dense[] layers(SafeTensors contents, int maxBatch) throws FileRejectedException {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        }
        String modules = contents.metadata().get(MODULES_KEY);
        if (modules == null) {
            throw new FileRejectedException("the file has no " + MODULES_KEY + " metadata, so"
                    + " it does not say which network it holds: build the network"
                    + " (Network.mlp or new Network(...)) and call loadWeights");
        }
        List<LayerSpec> specs = parse(modules);
        // Shapes against the tensors before any layer is allocated: the tensors are in memory
        // already (bounded by the file's size), the sizes in the metadata could be anything.
        int module = 0;
        for (LayerSpec s : specs) {
            requireShape(contents, module + ".weight", s.out(), s.in());
            if (s.bias()) {
                requireShape(contents, module + ".bias", s.out());
            }
            module += s.activation() == Activation.IDENTITY ? 1 : 2;
        }
        Dense[] layers = new Dense[specs.size()];
        for (int l = 0; l < layers.length; l++) {
            LayerSpec s = specs.get(l);
            // The weights fit one array (their tensor is in memory); the batch buffers may not.
            long buffers = (long) maxBatch * Math.max(s.in(), s.out());
            if (buffers > Integer.MAX_VALUE - 8) {
                throw new FileRejectedException("the file's layer Linear(" + s.in() + ", " + s.out()
                        + ") at maxBatch " + maxBatch + " needs " + buffers
                        + " floats in one array, more than a Java array holds: load it with a smaller maxBatch");
            }
            layers[l] = Dense.of(s.in(), s.out(), s.activation(), new float[s.in() * s.out()],
                    s.bias() ? new float[s.out()] : null, maxBatch);
        }
        return layers;
    }

    private static void requireShape(SafeTensors contents, String name, int... shape)
            throws FileRejectedException {
        Tensor t = contents.tensors().get(name);
        if (t == null || !Arrays.equals(t.shape(), shape)) {
            throw new FileRejectedException("the file's " + MODULES_KEY + " needs a tensor \""
                    + name + "\" of shape " + Arrays.toString(shape) + ", the file "
                    + (t == null ? "has none" : "has " + Arrays.toString(t.shape())));
        }
    }

    /**
     * Parses a module list as {@link #modules} writes it, strictly: {@code Linear(in, out)} or
     * {@code Linear(in, out, bias=False)}, each optionally followed by one activation module
     * such as {@code ReLU()}, separated by {@code ", "}; each Linear's {@code in} equal to the
     * previous one's {@code out}.
     */
    static List<LayerSpec> parse(String modules) throws FileRejectedException {
        List<LayerSpec> specs = new ArrayList<>();
        int pos = 0;
        while (true) {
            if (!modules.startsWith("Linear(", pos)) {
                throw badModules(modules, pos, "expected Linear(");
            }
            pos += "Linear(".length();
            int[] in = new int[1], out = new int[1];
            pos = integer(modules, pos, in);
            pos = literal(modules, pos, ", ");
            pos = integer(modules, pos, out);
            boolean bias = true;
            if (modules.startsWith(", bias=False)", pos)) {
                bias = false;
                pos += ", bias=False)".length();
            } else {
                pos = literal(modules, pos, ")");
            }
            if (!specs.isEmpty() && specs.get(specs.size() - 1).out() != in[0]) {
                throw badModules(modules, pos, "Linear(" + in[0] + ", ...) follows a layer with "
                        + specs.get(specs.size() - 1).out() + " outputs");
            }
            Activation activation = Activation.IDENTITY;
            if (modules.startsWith(", ", pos) && !modules.startsWith(", Linear(", pos)) {
                int start = pos + 2, end = modules.indexOf("()", start);
                if (end < 0) {
                    throw badModules(modules, start, "expected an activation module like ReLU()");
                }
                activation = activation(modules, start, modules.substring(start, end));
                pos = end + 2;
            }
            specs.add(new LayerSpec(in[0], out[0], bias, activation));
            if (pos == modules.length()) {
                return specs;
            }
            pos = literal(modules, pos, ", ");
        }
    }

    private static Activation activation(String modules, int at, String torchName)
            throws FileRejectedException {
        for (Map.Entry<String, String> e : TORCH_MODULES.entrySet()) {
            if (e.getValue().equals(torchName)) {
                for (Activation a : Activation.values()) {
                    if (a.name().equals(e.getKey())) {
                        return a;
                    }
                }
            }
        }
        throw badModules(modules, at, "module " + torchName + "() is not an activation this"
                + " vecprop computes");
    }

    private static int integer(String s, int pos, int[] value) throws FileRejectedException {
        int end = pos;
        while (end < s.length() && s.charAt(end) >= '0' && s.charAt(end) <= '9' && end - pos < 10) {
            end++;
        }
        if (end == pos || (s.charAt(pos) == '0')) {
            throw badModules(s, pos, "expected a size >= 1");
        }
        long v = Long.parseLong(s.substring(pos, end));
        if (v > Integer.MAX_VALUE) {
            throw badModules(s, pos, "size " + v + " is too large");
        }
        value[0] = (int) v;
        return end;
    }

    private static int literal(String s, int pos, String expected)
            throws FileRejectedException {
        if (!s.startsWith(expected, pos)) {
            throw badModules(s, pos, "expected \"" + expected + "\"");
        }
        return pos + expected.length();
    }

    private static FileRejectedException badModules(String modules, int pos, String what) {
        return new FileRejectedException("the file's " + MODULES_KEY + " \"" + abbreviate(modules)
                + "\" cannot be read: " + what + " at character " + pos);
    }
}
