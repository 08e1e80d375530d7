package com.example.serving.onnx;

import com.example.serving.Server;

/**
 * The service of {@code examples/serving} with ONNX Runtime doing the forward pass
 * ({@link OrtBackend}); same options, same endpoint, same responses. {@code scripts/serve
 * --onnxruntime} builds and runs it.
 */
public final class OrtServer {
    private OrtServer() {}

    /**
     * Serves the model with ONNX Runtime.
     *
     * @param args as for {@link Server#main(String[])}
     */
    public static void main(String[] args) {
        Server.main("serving-onnx", args, OrtBackend::create);
    }
}
