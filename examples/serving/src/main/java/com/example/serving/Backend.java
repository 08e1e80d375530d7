package com.example.serving;

import org.vecprop.nn.Loss;

/**
 * What computes the predictions behind the endpoint: vecprop ({@link VecpropBackend}) here, ONNX
 * Runtime in the peer module ({@code examples/serving-onnx}), so that both answer the same HTTP
 * requests through the same code and only the forward pass differs.
 *
 * <p>A backend holds the shared, read-only model; each {@link Worker} holds what one forward pass
 * at a time needs (its buffers, and for vecprop a network over the shared weights). The service
 * makes a fixed number of workers at start-up and lends each to one request at a time.
 */
public interface Backend extends AutoCloseable {
    /** {@return values per input row} */
    int inputs();

    /** {@return values per output row} */
    int outputs();

    /** {@return one line for the log and {@code GET /health}: the engine, its settings, the model} */
    String description();

    /**
     * {@return the loss the model was trained with: for cross-entropy the outputs are logits and
     * each row also gets its class and probabilities (softmax); for binary cross-entropy, the
     * probability of each output (sigmoid); for MSE, the outputs alone}
     */
    Loss loss();

    /**
     * A worker for batches of up to {@code maxRows} rows. Called once per pool slot at start-up.
     *
     * @param maxRows the largest batch, {@code >= 1}
     * @return a new worker, used by one thread at a time
     */
    Worker newWorker(int maxRows);

    /** Releases what the backend holds (native sessions); the default does nothing. */
    @Override
    default void close() {}

    /** One forward pass at a time over buffers of its own. */
    interface Worker {
        /** {@return the input buffer, {@code maxRows x inputs} row-major: the request is parsed into it} */
        float[] input();

        /** {@return the output buffer, {@code maxRows x outputs} row-major: forward writes it} */
        float[] output();

        /**
         * Computes the first {@code rows} rows of {@link #output()} from those of {@link #input()}.
         *
         * @param rows {@code 1 <= rows <= maxRows}
         */
        void forward(int rows);
    }
}
