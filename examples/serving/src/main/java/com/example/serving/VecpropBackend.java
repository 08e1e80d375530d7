package com.example.serving;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.vecprop.kernel.Simd;
import org.vecprop.nn.Loss;
import org.vecprop.nn.Network;

/**
 * vecprop behind the endpoint: one {@link Network} holds the weights; each worker is
 * {@link Network#sharingWeights} of it (buffers of its own for {@code maxRows} rows, the weights
 * and their packed copies shared and only read) plus its input and output arrays. A forward pass
 * writes only the worker's own buffers, so workers run in parallel without locks.
 */
public final class VecpropBackend implements Backend {
    /** The built-in model's layer widths: a 28 x 28 image in, 10 scores out. */
    public static final int[] RANDOM_SIZES = {784, 256, 128, 10};

    private final Network weights;
    private final String model;

    /**
     * @param weights the network whose weights are served (it is only read: never train it while serving)
     * @param model what to call the model in the description (a file name, or "random ...")
     */
    public VecpropBackend(Network weights, String model) {
        this.weights = weights;
        this.model = model;
    }

    /**
     * The built-in model: {@code Network.mlp} of {@link #RANDOM_SIZES} with ReLU hidden layers from
     * {@code seed}, and biases drawn uniformly from [-0.5, 0.5) with seed {@code seed + 2025} (so
     * that a peer that dropped a bias would give different outputs).
     *
     * @param seed the seed
     * @return the network, built for batch 1 (serve it through {@link Network#sharingWeights})
     */
    public static Network randomNetwork(long seed) {
        Network net = Network.classifier(1, seed, RANDOM_SIZES);
        Random r = new Random(seed + 2025);
        for (int l = 0; l < net.depth(); l++) {
            float[] b = new float[net.layer(l).outputs()];
            for (int i = 0; i < b.length; i++) {
                b[i] = r.nextFloat() - 0.5f;
            }
            net.layer(l).bias().copyFrom(b, 0);
        }
        return net;
    }

    /**
     * The network of a file or the built-in one, as the command line asks.
     *
     * @param options {@code --model} (a safetensors file) or, without it, {@code --seed}
     * @return the network, built for batch 1
     * @throws IOException if the file cannot be read, or is refused
     *     ({@code FileRejectedException}: malformed, or not a network vecprop can build)
     */
    public static Network network(Options options) throws IOException {
        return options.model() == null ? randomNetwork(options.seed()) : Network.load(options.model(), 1);
    }

    /** {@return how the model was chosen, for the log: the file, or the random model and its seed} */
    public static String modelName(Options options) {
        Path m = options.model();
        return m == null ? "random 784-256-128-10 ReLU, seed " + options.seed() : m.toString();
    }

    /**
     * The backend of the command line's model.
     *
     * @param options as for {@link #network}
     * @return the backend
     * @throws IOException if the file cannot be read, or is refused
     *     ({@code FileRejectedException}: malformed, or not a network vecprop can build)
     */
    public static VecpropBackend create(Options options) throws IOException {
        return new VecpropBackend(network(options), modelName(options));
    }

    @Override
    public int inputs() {
        return weights.inputs();
    }

    @Override
    public int outputs() {
        return weights.outputs();
    }

    @Override
    public Loss loss() {
        return weights.lossFunction();
    }

    @Override
    public String description() {
        return Simd.description() + "; model " + model + ": " + weights.modules();
    }

    @Override
    public Worker newWorker(int maxRows) {
        Network net = weights.sharingWeights(maxRows);
        int in = weights.inputs(), out = weights.outputs();
        float[] x = new float[maxRows * in], y = new float[maxRows * out];
        return new Worker() {
            @Override
            public float[] input() {
                return x;
            }

            @Override
            public float[] output() {
                return y;
            }

            @Override
            public void forward(int rows) {
                net.forward(x, 0, in, rows).copyTo(y, 0, out);
            }
        };
    }
}
