package com.example.serving;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.vecprop.kernel.Activation;
import org.vecprop.kernel.Softmax;
import org.vecprop.kernel.TopK;
import org.vecprop.nn.Loss;

/**
 * The HTTP side: {@code POST /predict} and {@code GET /health} on the JDK's built-in server, each
 * exchange on a virtual thread of its own.
 *
 * <h2>A request's path</h2>
 * <ol>
 *   <li>Method, path and {@code Content-Type} are checked (405, 404, 415); a declared
 *       {@code Content-Length} over the limit is refused before a byte of the body is read (413,
 *       and the connection is closed).</li>
 *   <li>The body is read in full, at most the limit (a chunked body that grows past it: 413).
 *       Reading happens before a network is taken, so a slow client holds a virtual thread, never
 *       one of the pool's networks.</li>
 *   <li>A slot is taken from the pool: a network over the shared weights, its input and output
 *       buffers, a parser and a response buffer. A request that cannot get one within the
 *       acquire timeout gets 503 with {@code Retry-After: 1}: the pool bounds how many forward
 *       passes run at once (by default one per CPU, since each is compute-bound) and the timeout
 *       bounds how long a request queues, so overload sheds requests instead of growing a queue.</li>
 *   <li>The body is parsed straight into the slot's input buffer ({@link RowsParser}; 400 with
 *       the reason), the forward pass runs on the slot's network (nothing allocated in vecprop),
 *       and the response is written into the slot's buffer; an output that is not finite (the
 *       inputs overflowed the network) gets 422 rather than a JSON body with NaN in it. The slot
 *       goes back to the pool before the response is sent, so a client slow to read holds no slot.</li>
 * </ol>
 * Every refusal is {@code {"error": "<one line>"}} with the status; a fault inside the service
 * (a bug) is logged on standard error and answered 500 with no detail. A request never waits
 * without a bound: for a network (the acquire timeout), for its body (the request timeout,
 * {@code sun.net.httpserver.maxReqTime}, set by {@link Server}).
 *
 * <h2>Allocation</h2>
 * The forward pass writes only the slot's buffers. What vecprop allocates per request depends on
 * where its GEMM keeps its packing buffers: per thread, today, so a request on a new virtual
 * thread allocates them afresh (measured with {@code getTotalThreadAllocatedBytes} on the
 * 784-256-128-10 model: about 5.5 KB per request at 1 row, 0.4 to 0.6 MB at 8 rows, 35 KB at 64, against
 * 0 B when the same thread calls again); once a network owns its workspace, this becomes 0. The
 * service's own share per request is the body, the parser's numbers longer than 7 digits (one
 * short {@code String} each) and the response bytes; the JDK server adds its exchange objects.
 *
 * <h2>Response</h2>
 * <pre>{"predictions": [{"output": [y1, ..., ym], "class": c, "probabilities": [p1, ..., pm]}, ...]}</pre>
 * one object per input row, in order, whether the request sent {@code input} or {@code inputs}:
 * for a classifier (a model trained with cross-entropy, such as the built-in random one or the
 * Fashion-MNIST model {@code scripts/demo fashion} saves) the outputs are logits, {@code class}
 * the largest and {@code probabilities} their softmax; for a scorer (binary cross-entropy) only
 * {@code probabilities}, the sigmoid of each output; for an MSE model only {@code output}. Floats are written as Java's
 * {@link Float#toString} (the shortest decimal that reads back to the same float32).
 */
public final class PredictionServer implements AutoCloseable {
    private static final String JSON = "application/json";

    private final Backend backend;
    private final Options options;
    private final HttpServer http;
    private final ExecutorService executor;
    private final ArrayBlockingQueue<Slot> pool;
    private volatile boolean stopping;
    private boolean stopped; // guarded by this

    /** What one request at a time uses: the backend's worker, a parser, a response buffer. */
    private static final class Slot {
        final Backend.Worker worker;
        final RowsParser parser;
        final StringBuilder response = new StringBuilder(256);
        /** A classifier's or scorer's probabilities and classes per row; null for MSE models. */
        final float[] probabilities;
        final int[] classes;

        Slot(Backend.Worker worker, RowsParser parser, Loss loss, int maxRows, int outputs) {
            this.worker = worker;
            this.parser = parser;
            this.probabilities = loss instanceof Loss.Mse ? null : new float[maxRows * outputs];
            this.classes = loss instanceof Loss.CrossEntropy ? new int[maxRows] : null;
        }
    }

    private PredictionServer(Backend backend, Options options) throws IOException {
        this.backend = backend;
        this.options = options;
        this.pool = new ArrayBlockingQueue<>(options.pool());
        for (int i = 0; i < options.pool(); i++) {
            pool.add(new Slot(backend.newWorker(options.maxRows()),
                    new RowsParser(backend.inputs(), options.maxRows()), backend.loss(),
                    options.maxRows(), backend.outputs()));
        }
        this.http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 0);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(executor);
        http.createContext("/", this::handle);
    }

    /**
     * Starts serving {@code backend} as {@code options} say. The JDK server's own settings
     * (timeouts, connection limit, TCP_NODELAY) are system properties read once per JVM when the
     * first server starts; {@link Server} sets them.
     *
     * @param backend the model
     * @param options host, port, limits
     * @return the running server
     * @throws IOException if the address cannot be bound
     */
    public static PredictionServer start(Backend backend, Options options) throws IOException {
        PredictionServer s = new PredictionServer(backend, options);
        s.http.start();
        return s;
    }

    /** {@return the options it was started with} */
    public Options options() {
        return options;
    }

    /** {@return the port the server listens on (the one chosen when asked for port 0)} */
    public int port() {
        return http.getAddress().getPort();
    }

    /**
     * Stops: new requests to {@code /predict} get 503 and {@code /health} says {@code draining},
     * the listening socket closes, and requests in flight get up to {@code graceSeconds} to finish;
     * then the backend is closed (the server owns it from {@link #start} on).
     *
     * @param graceSeconds how long to wait for requests in flight
     */
    public void stop(int graceSeconds) {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        stopping = true;
        http.stop(graceSeconds);
        executor.shutdown();
        try {
            executor.awaitTermination(Math.max(1, graceSeconds), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
        backend.close();
    }

    /** Stops with no grace period. */
    @Override
    public void close() {
        stop(0);
    }

    // ------------------------------------------------------------------------------ handling

    private void handle(HttpExchange ex) {
        try (ex) {
            try {
                String path = ex.getRequestURI().getRawPath();
                String method = ex.getRequestMethod();
                if ("/predict".equals(path)) {
                    if (!"POST".equals(method)) {
                        ex.getResponseHeaders().set("Allow", "POST");
                        throw new HttpError(405, "method " + RowsParser.printable(method)
                                + " not allowed on /predict: use POST");
                    }
                    predict(ex);
                } else if ("/health".equals(path)) {
                    if (!"GET".equals(method) && !"HEAD".equals(method)) {
                        ex.getResponseHeaders().set("Allow", "GET, HEAD");
                        throw new HttpError(405, "method " + RowsParser.printable(method)
                                + " not allowed on /health: use GET");
                    }
                    health(ex);
                } else {
                    throw new HttpError(404, "not found: this service answers POST /predict and GET /health");
                }
            } catch (HttpError e) {
                send(ex, e.status(), error(e.getMessage()), e.status() == 413);
            }
        } catch (IOException e) {
            // The client went away or timed out mid-exchange: nobody to answer; the connection closes.
        } catch (Throwable t) {
            // A fault of the service itself: logged here, never shown to the client.
            System.err.println("serving: internal error on " + ex.getRequestMethod() + " "
                    + RowsParser.printable(String.valueOf(ex.getRequestURI())) + ": " + t);
            t.printStackTrace();
            try {
                send(ex, 500, error("internal error"), true);
            } catch (IOException | RuntimeException ignored) {
                // headers already sent, or the connection is gone
            }
        }
    }

    private void predict(HttpExchange ex) throws IOException, HttpError {
        if (stopping) {
            throw new HttpError(503, "shutting down: send the request to another instance");
        }
        checkContentType(ex.getRequestHeaders().getFirst("Content-Type"));
        byte[] body = readBody(ex);
        Slot slot;
        try {
            slot = pool.poll(options.acquireTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // Only a stop past its grace period interrupts a request's thread.
            Thread.currentThread().interrupt();
            throw new HttpError(503, "shutting down: send the request to another instance");
        }
        if (slot == null) {
            ex.getResponseHeaders().set("Retry-After", "1");
            throw new HttpError(503, "busy: all " + options.pool() + " networks stayed in use for "
                    + options.acquireTimeoutMillis() + " ms; retry later");
        }
        byte[] response;
        try {
            int rows = slot.parser.parse(body, body.length, slot.worker.input());
            slot.worker.forward(rows);
            response = predictions(slot, rows);
        } finally {
            pool.add(slot);
        }
        send(ex, 200, response, false);
    }

    /** {@code application/json}, with an optional {@code charset=utf-8}; anything else is 415. */
    static void checkContentType(String contentType) throws HttpError {
        if (contentType == null) {
            throw new HttpError(415, "no Content-Type: send the body as application/json");
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase(JSON)) {
            throw new HttpError(415, "Content-Type " + RowsParser.printable(contentType.trim())
                    + " not supported: send application/json");
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim().toLowerCase(Locale.ROOT);
            if (p.startsWith("charset=") && !p.equals("charset=utf-8") && !p.equals("charset=\"utf-8\"")) {
                throw new HttpError(415, "Content-Type " + RowsParser.printable(contentType.trim())
                        + " not supported: JSON is UTF-8");
            }
        }
    }

    /** The whole body, at most {@code maxBodyBytes}: 413 past that, decided on the header when it says. */
    private byte[] readBody(HttpExchange ex) throws IOException, HttpError {
        int limit = options.maxBodyBytes();
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        InputStream in = ex.getRequestBody();
        if (declared != null) {
            long n;
            try {
                n = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw new HttpError(400, "Content-Length is not a number");
            }
            if (n > limit) {
                throw new HttpError(413, "body of " + n + " bytes is over the limit of " + limit + " bytes");
            }
            byte[] body = new byte[(int) Math.max(n, 0)];
            int got = in.readNBytes(body, 0, body.length);
            if (got < body.length) {
                throw new IOException("the body ended after " + got + " of " + n + " bytes");
            }
            return body;
        }
        // Chunked: read up to one byte past the limit to tell "at the limit" from "over it".
        byte[] buf = new byte[Math.min(limit + 1, 16 << 10)];
        int len = 0;
        while (true) {
            if (len == buf.length) {
                if (buf.length > limit) {
                    throw new HttpError(413, "body is over the limit of " + limit + " bytes");
                }
                buf = java.util.Arrays.copyOf(buf, (int) Math.min((long) limit + 1, 2L * buf.length));
            }
            int r = in.read(buf, len, buf.length - len);
            if (r < 0) {
                break;
            }
            len += r;
        }
        if (len > limit) {
            throw new HttpError(413, "body is over the limit of " + limit + " bytes");
        }
        return java.util.Arrays.copyOf(buf, len);
    }

    /**
     * The response of a successful forward pass, from the slot's output buffer: each row's output
     * and, for a classifier (cross-entropy), its class (the largest logit, vecprop's
     * {@code TopK.argmax}) and the softmax probabilities, for a scorer (binary cross-entropy) the
     * sigmoid of each output; computed here, with vecprop's kernels on the output buffer, so both
     * backends answer alike.
     */
    private byte[] predictions(Slot slot, int rows) throws HttpError {
        float[] y = slot.worker.output();
        int m = backend.outputs();
        for (int i = 0; i < rows * m; i++) {
            if (!Float.isFinite(y[i])) {
                throw new HttpError(422, "the model's output for row " + i / m + " is not finite (" + y[i]
                        + "): the inputs overflowed the network; scale them down");
            }
        }
        Loss loss = backend.loss();
        if (loss instanceof Loss.CrossEntropy) {
            Softmax.forward(rows, m, y, 0, m, slot.probabilities, 0, m);
            TopK.argmax(rows, m, y, 0, m, slot.classes, 0);
        } else if (loss instanceof Loss.BinaryCrossEntropyWithLogits) {
            Activation.SIGMOID.forward(rows, m, y, 0, m, slot.probabilities, 0, m);
        }
        StringBuilder s = slot.response;
        s.setLength(0);
        s.append("{\"predictions\":[");
        for (int r = 0; r < rows; r++) {
            s.append(r == 0 ? "{\"output\":" : ",{\"output\":");
            appendRow(s, y, r * m, m);
            if (slot.classes != null) {
                s.append(",\"class\":").append(slot.classes[r]);
            }
            if (slot.probabilities != null) {
                s.append(",\"probabilities\":");
                appendRow(s, slot.probabilities, r * m, m);
            }
            s.append('}');
        }
        s.append("]}\n");
        return ascii(s);
    }

    private static void appendRow(StringBuilder s, float[] v, int from, int n) {
        s.append('[');
        for (int j = 0; j < n; j++) {
            if (j > 0) {
                s.append(',');
            }
            s.append(v[from + j]);
        }
        s.append(']');
    }

    private void health(HttpExchange ex) throws IOException {
        String status = stopping ? "draining" : "ok";
        String body = "{\"status\":\"" + status + "\",\"backend\":" + quote(backend.description())
                + ",\"inputs\":" + backend.inputs() + ",\"outputs\":" + backend.outputs()
                + ",\"max_rows\":" + options.maxRows() + ",\"max_body_bytes\":" + options.maxBodyBytes()
                + ",\"pool\":" + options.pool() + ",\"free\":" + pool.size() + "}\n";
        send(ex, stopping ? 503 : 200, ascii(new StringBuilder(body)), false);
    }

    private static void send(HttpExchange ex, int status, byte[] body, boolean close) throws IOException {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Type", JSON);
        if (close) {
            h.set("Connection", "close");
        }
        if ("HEAD".equals(ex.getRequestMethod())) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] error(String reason) {
        return ascii(new StringBuilder("{\"error\":").append(quote(reason)).append("}\n"));
    }

    /** A JSON string of printable ASCII: quotes and backslashes escaped, anything else replaced. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else {
                out.append(c >= 0x20 && c < 0x7F ? c : '?');
            }
        }
        return out.append('"').toString();
    }

    /** The builder's characters, all ASCII here, as bytes: one allocation. */
    private static byte[] ascii(StringBuilder s) {
        byte[] out = new byte[s.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) s.charAt(i);
        }
        return out;
    }
}
