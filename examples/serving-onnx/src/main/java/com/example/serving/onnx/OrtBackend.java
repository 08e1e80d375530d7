package com.example.serving.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import com.example.serving.Backend;
import com.example.serving.Options;
import com.example.serving.VecpropBackend;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import org.vecprop.nn.Loss;
import org.vecprop.nn.Network;

/**
 * ONNX Runtime behind the endpoint: one {@link OrtSession} shared by every worker (ONNX Runtime
 * allows concurrent {@code run} calls on one session), built from the vecprop network's weights
 * ({@link OnnxGraph}) so that both services compute the same model.
 *
 * <h2>Session options, and why</h2>
 * ONNX Runtime's threading guide ("Thread management", onnxruntime.ai/docs/performance/tune-performance/threading.html)
 * makes each session's intra-op pool one thread per physical core by default, with spinning on.
 * That suits one caller; a service whose request threads call {@code run} concurrently then has
 * every call fan out over the same cores and spin while waiting, which its users report as
 * oversubscription and tail latency (the project's issue tracker has several such reports, for
 * instance from Java users sharing one session across threads). For concurrent serving the
 * parallelism comes from the requests, so:
 * <ul>
 *   <li>{@code setIntraOpNumThreads(1)}: each {@code run} computes on its calling thread, no pool;</li>
 *   <li>{@code setInterOpNumThreads(1)} and {@code ExecutionMode.SEQUENTIAL}: a chain of Gemm and
 *       Relu nodes has no branches to run in parallel;</li>
 *   <li>{@code session.intra_op.allow_spinning = 0}, {@code session.inter_op.allow_spinning = 0}:
 *       no thread burns a core waiting for work (with pools of one thread there is none to spin,
 *       but the setting says so and stays right if the counts are raised);</li>
 *   <li>{@code OptLevel.ALL_OPT}: every graph optimization (the default, stated).</li>
 * </ul>
 * These are the settings {@code jmh}'s {@code InferenceLatency} uses for its ONNX Runtime peer.
 *
 * <p>Each worker owns direct buffers for its input and output and, per row count, the
 * {@link OnnxTensor}s over them (made on first use and kept), so a request copies its rows in,
 * runs the session with the output pinned to the worker's buffer, and copies the result out; ONNX
 * Runtime's Java binding still allocates its {@code Result} and a few small arrays per run.
 */
public final class OrtBackend implements Backend {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final int inputs, outputs;
    private final String description;
    private final Loss loss;

    private OrtBackend(Network net, String model) throws OrtException {
        env = OrtEnvironment.getEnvironment();
        try (SessionOptions o = new SessionOptions()) {
            o.setIntraOpNumThreads(1);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
            o.addConfigEntry("session.intra_op.allow_spinning", "0");
            o.addConfigEntry("session.inter_op.allow_spinning", "0");
            session = env.createSession(OnnxGraph.of(net), o);
        }
        inputs = net.inputs();
        outputs = net.outputs();
        loss = net.lossFunction();
        description = "ONNX Runtime " + env.getVersion() + " (one shared session; intra-op threads 1, inter-op"
                + " threads 1, sequential, no spinning, optimization ALL); model " + model + ": " + net.modules();
    }

    /**
     * The backend of the command line's model: the same network {@link VecpropBackend} would
     * serve (the file, or the random model of {@code --seed}), exported to ONNX. Before serving, a
     * batch of seeded rows is run through both and must agree within float32 rounding, so that a
     * wrong export cannot be measured as a peer.
     *
     * @param options the command line
     * @return the backend
     * @throws IOException if the model cannot be read, ONNX Runtime refuses it, or it disagrees with vecprop
     */
    public static OrtBackend create(Options options) throws IOException {
        Network net = VecpropBackend.network(options);
        OrtBackend ort;
        try {
            ort = new OrtBackend(net, VecpropBackend.modelName(options));
        } catch (OrtException e) {
            throw new IOException("ONNX Runtime refused the exported model: " + e.getMessage(), e);
        }
        ort.checkAgainst(net);
        return ort;
    }

    /** Runs 8 seeded rows through ONNX Runtime and through vecprop; throws if they differ beyond rounding. */
    private void checkAgainst(Network net) throws IOException {
        int rows = 8;
        Worker w = newWorker(rows);
        Network v = net.sharingWeights(rows);
        Random r = new Random(7);
        float[] x = w.input();
        for (int i = 0; i < rows * inputs; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        w.forward(rows);
        float[] want = v.forward(x, 0, inputs, rows).toArray();
        double scale = 1, worst = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            worst = Math.max(worst, Math.abs(want[i] - w.output()[i]));
        }
        // Both sum up to ~800 float products per output in different orders: 1e-4 of the largest
        // output is far above rounding (about 1e-6 here) and far below any wrong weight or bias.
        if (!(worst <= 1e-4 * scale)) {
            throw new IOException("ONNX Runtime's outputs differ from vecprop's by " + worst
                    + " (largest output " + scale + "): the export is wrong");
        }
    }

    @Override
    public int inputs() {
        return inputs;
    }

    @Override
    public int outputs() {
        return outputs;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Loss loss() {
        return loss;
    }

    @Override
    public Worker newWorker(int maxRows) {
        return new OrtWorker(maxRows);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            System.err.println("serving-onnx: closing the session: " + e.getMessage());
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** The maps {@code run} takes: the input tensor, and the output tensor ONNX Runtime writes into. */
    private record Tensors(Map<String, OnnxTensor> in, Map<String, OnnxTensor> out) {}

    private final class OrtWorker implements Worker {
        final float[] x, y;
        final FloatBuffer in, out;
        /** Per row count: the input and pinned output tensors over the direct buffers, made on first use. */
        final Tensors[] tensors;

        OrtWorker(int maxRows) {
            x = new float[maxRows * inputs];
            y = new float[maxRows * outputs];
            in = direct(maxRows * inputs);
            out = direct(maxRows * outputs);
            tensors = new Tensors[maxRows + 1];
        }

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
            try {
                Tensors t = tensors[rows];
                if (t == null) {
                    t = tensors[rows] = new Tensors(
                            Map.of(OnnxGraph.INPUT, OnnxTensor.createTensor(env,
                                    in.slice(0, rows * inputs), new long[] {rows, inputs})),
                            Map.of(OnnxGraph.OUTPUT, OnnxTensor.createTensor(env,
                                    out.slice(0, rows * outputs), new long[] {rows, outputs})));
                }
                in.put(0, x, 0, rows * inputs);
                // The pinned output belongs to this worker, not to the Result: closing the Result leaves it.
                OrtSession.Result result = session.run(t.in(), t.out());
                try {
                    out.get(0, y, 0, rows * outputs);
                } finally {
                    result.close();
                }
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime: " + e.getMessage(), e);
            }
        }
    }
}
