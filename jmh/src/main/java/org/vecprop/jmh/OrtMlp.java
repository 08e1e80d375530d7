package org.vecprop.jmh;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.ExecutionMode;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * A ReLU MLP in ONNX Runtime for Java, set up the way a latency-sensitive service runs it: one
 * session on one thread (intra-op and inter-op pools of 1, sequential execution, no spinning),
 * every graph optimization on, and input and output tensors created once over direct buffers.
 *
 * <p>{@link #forward} copies the caller's {@code float[]} into the input's direct buffer, runs the
 * session with the output pinned to its own direct buffer (ORT writes the result there), and
 * copies the result into the caller's array: the path from Java data to Java data. ONNX Runtime's
 * Java binding still allocates a little per run (the {@code Result}, name and handle arrays);
 * {@code -prof gc} shows how much.
 *
 * <p>Only this class touches ONNX Runtime, so that other benchmarks never load it.
 */
public final class OrtMlp implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    /** Whether {@link #close} closes the session: true when this object made it. */
    private final boolean ownsSession;
    private final FloatBuffer input, output;
    private final OnnxTensor inputTensor, outputTensor;
    private final Map<String, OnnxTensor> inputs, outputs;

    /**
     * @param model the ONNX model's bytes (see {@link OnnxMlpModel}): input {@code x} of
     *     {@code batch x inputs}, output {@code y} of {@code batch x outputs}
     * @throws OrtException if ONNX Runtime rejects the options or the model
     */
    public OrtMlp(byte[] model, int batch, int inputs, int outputs) throws OrtException {
        this(openSession(model), true, batch, inputs, outputs);
    }

    /**
     * A second caller of a session that several threads share (ONNX Runtime allows concurrent
     * runs of one session): tensors of its own over direct buffers, the session borrowed.
     *
     * @param shared from {@link #openSession}; closed by its owner, not by {@link #close}
     * @throws OrtException if a tensor cannot be made
     */
    public OrtMlp(OrtSession shared, int batch, int inputs, int outputs) throws OrtException {
        this(shared, false, batch, inputs, outputs);
    }

    private OrtMlp(OrtSession session, boolean owns, int batch, int inputs, int outputs) throws OrtException {
        env = OrtEnvironment.getEnvironment();
        this.session = session;
        this.ownsSession = owns;
        input = direct(batch * inputs);
        output = direct(batch * outputs);
        inputTensor = OnnxTensor.createTensor(env, input, new long[] {batch, inputs});
        outputTensor = OnnxTensor.createTensor(env, output, new long[] {batch, outputs});
        this.inputs = Map.of(OnnxMlpModel.INPUT, inputTensor);
        this.outputs = Map.of(OnnxMlpModel.OUTPUT, outputTensor);
    }

    /**
     * A session of {@code model} with this class's settings (see the class comment).
     *
     * @param model the ONNX model's bytes
     * @return the session; the caller closes it
     * @throws OrtException if ONNX Runtime rejects the options or the model
     */
    public static OrtSession openSession(byte[] model) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (SessionOptions options = new SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OptLevel.ALL_OPT);
            // With one intra-op thread there is no pool to spin, but say so anyway: a waiting
            // thread must not burn the core the benchmark runs on.
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            return env.createSession(model, options);
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * One inference.
     *
     * @param x {@code batch x inputs}, row-major
     * @param y receives {@code batch x outputs}, row-major
     * @return {@code y}
     * @throws OrtException if the run fails
     */
    public float[] forward(float[] x, float[] y) throws OrtException {
        input.put(0, x, 0, input.capacity());
        // The pinned output is not owned by the Result, so closing the Result leaves it open.
        try (OrtSession.Result ignored = session.run(inputs, outputs)) {
            output.get(0, y, 0, output.capacity());
        }
        return y;
    }

    /** @return ONNX Runtime's version and the session's settings, for the log of a run */
    public String description() {
        return "ONNX Runtime " + env.getVersion() + ", intra-op threads 1, inter-op threads 1,"
                + " sequential, no spinning, optimization ALL";
    }

    @Override
    public void close() throws OrtException {
        outputTensor.close();
        inputTensor.close();
        if (ownsSession) {
            session.close();
        }
    }
}
