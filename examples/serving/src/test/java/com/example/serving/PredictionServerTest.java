package com.example.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecprop.nn.Network;

/**
 * The service as a client sees it: started on a free local port with small limits, sent good
 * requests (answers compared bit for bit with the network's own forward pass) and every kind of
 * bad one (each status and body checked), and still serving afterwards. A request whose first
 * input is {@link #HOLD} keeps its network until {@link #release} is counted down, which is how the
 * pool is exhausted for the 503 and how a request is kept in flight during shutdown.
 */
class PredictionServerTest {
    static final int IN = 784, OUT = 10, MAX_ROWS = 4, MAX_BODY = 60_000;
    static final float HOLD = 12345f;
    /** {"error":"..."} on one line: printable ASCII, quotes and backslashes escaped. */
    static final Pattern ERROR = Pattern.compile("\\{\"error\":\"(?:[ -!#-\\[\\]-~]|\\\\[\"\\\\])*\"}\n");

    static PredictionServer server;
    static HttpClient client;
    static Network reference;
    static volatile CountDownLatch release = new CountDownLatch(0);
    static volatile CountDownLatch holding = new CountDownLatch(1);

    /** vecprop, with forward waiting on {@link #release} when the first input is {@link #HOLD}. */
    static Backend holdingBackend(Options o) throws IOException {
        VecpropBackend real = VecpropBackend.create(o);
        return new Backend() {
            @Override
            public int inputs() {
                return real.inputs();
            }

            @Override
            public int outputs() {
                return real.outputs();
            }

            @Override
            public String description() {
                return real.description();
            }

            @Override
            public org.vecprop.nn.Loss loss() {
                return real.loss();
            }

            @Override
            public Worker newWorker(int maxRows) {
                Worker w = real.newWorker(maxRows);
                return new Worker() {
                    @Override
                    public float[] input() {
                        return w.input();
                    }

                    @Override
                    public float[] output() {
                        return w.output();
                    }

                    @Override
                    public void forward(int rows) {
                        if (w.input()[0] == HOLD) {
                            holding.countDown();
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        w.forward(rows);
                    }
                };
            }
        };
    }

    static PredictionServer launch(String... extra) throws Server.Exit {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--max-rows", "" + MAX_ROWS,
                "--max-body-bytes", "" + MAX_BODY, "--pool", "1", "--acquire-timeout-ms", "200"));
        args.addAll(List.of(extra));
        return Server.launch("test", args.toArray(String[]::new), new PrintStream(OutputStream.nullOutputStream()),
                System.err, PredictionServerTest::holdingBackend);
    }

    @BeforeAll
    static void start() throws Exception {
        server = launch();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        reference = VecpropBackend.randomNetwork(Options.defaults().seed()).sharingWeights(MAX_ROWS);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    // ------------------------------------------------------------------------------ helpers

    static URI uri(PredictionServer s, String path) {
        return URI.create("http://127.0.0.1:" + s.port() + path);
    }

    static HttpResponse<String> post(PredictionServer s, String path, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(s, path)).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> predict(String body) throws IOException, InterruptedException {
        return post(server, "/predict", "application/json", body);
    }

    static float[][] rows(long seed, int n) {
        Random r = new Random(seed);
        float[][] x = new float[n][IN];
        for (float[] row : x) {
            for (int i = 0; i < IN; i++) {
                row[i] = r.nextFloat() * 2 - 1;
            }
        }
        return x;
    }

    static String json(float[] row) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < row.length; i++) {
            s.append(i == 0 ? "" : ", ").append(row[i]);
        }
        return s.append(']').toString();
    }

    static String batch(float[][] rows) {
        StringBuilder s = new StringBuilder("{\"inputs\": [");
        for (int r = 0; r < rows.length; r++) {
            s.append(r == 0 ? "" : ",\n").append(json(rows[r]));
        }
        return s.append("]}").toString();
    }

    /** The network's own answer for these rows. */
    static float[][] expected(float[][] rows) {
        float[] x = new float[rows.length * IN];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, x, r * IN, IN);
        }
        float[] y = reference.forward(x, 0, IN, rows.length).toArray();
        float[][] out = new float[rows.length][OUT];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(y, r * OUT, out[r], 0, OUT);
        }
        return out;
    }

    /**
     * The outputs of a 200 body, checking its exact shape on the way, and, for a classifier (the
     * random model is one), that each row's class is the largest output and its probabilities the
     * softmax of its outputs, bit for bit.
     */
    static float[][] outputs(String body) {
        assertTrue(body.startsWith("{\"predictions\":[") && body.endsWith("]}\n"), body);
        Matcher m = Pattern.compile("\\{\"output\":\\[([^\\]]*)](?:,\"class\":(\\d+),\"probabilities\":\\[([^\\]]*)])?}")
                .matcher(body);
        List<float[]> rows = new ArrayList<>();
        int end = "{\"predictions\":[".length();
        while (m.find()) {
            assertEquals(end + (rows.isEmpty() ? 0 : 1), m.start(), "rows follow each other: " + body);
            end = m.end();
            float[] row = floats(m.group(1));
            if (m.group(2) == null) { // a model trained with MSE: its outputs alone
                rows.add(row);
                continue;
            }
            float[] p = floats(m.group(3));
            float[] softmax = new float[row.length];
            org.vecprop.kernel.Softmax.forward(1, row.length, row, 0, row.length, softmax, 0, row.length);
            assertTrue(java.util.Arrays.equals(softmax, p), "probabilities are the softmax of the outputs: " + body);
            int best = 0;
            for (int i = 1; i < row.length; i++) {
                best = row[i] > row[best] ? i : best;
            }
            assertEquals(best, Integer.parseInt(m.group(2)), "class is the largest output: " + body);
            rows.add(row);
        }
        assertEquals(body.length() - 3, end, "nothing but rows: " + body);
        return rows.toArray(float[][]::new);
    }

    static float[] floats(String list) {
        String[] f = list.split(",");
        float[] row = new float[f.length];
        for (int i = 0; i < f.length; i++) {
            row[i] = Float.parseFloat(f[i]);
        }
        return row;
    }

    static void assertError(HttpResponse<String> r, int status, String... contains) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        assertTrue(ERROR.matcher(r.body()).matches(), "not one line {\"error\": ...}: " + r.body());
        String body = r.body();
        String reason = body.substring(10, body.length() - 3).replace("\\\"", "\"").replace("\\\\", "\\");
        for (String c : contains) {
            assertTrue(reason.contains(c), "expected '" + c + "' in " + reason);
        }
        assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), "a stack trace: " + r.body());
    }

    /** One raw HTTP/1.1 exchange on a socket: what HttpClient will not send. Returns status line + body. */
    static String raw(PredictionServer s, String request, byte[] body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", s.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                try {
                    out.write(body);
                } catch (IOException e) {
                    // the server answered and closed before taking the whole body: expected for 413
                }
            }
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    got.write(buf, 0, n);
                    if (complete(got.toString(StandardCharsets.ISO_8859_1))) {
                        break;
                    }
                }
            } catch (IOException e) {
                // connection reset after the answer: keep what arrived
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static boolean complete(String response) {
        int head = response.indexOf("\r\n\r\n");
        if (head < 0) {
            return false;
        }
        Matcher m = Pattern.compile("(?i)content-length: *(\\d+)").matcher(response.substring(0, head));
        return m.find() && response.length() - head - 4 >= Integer.parseInt(m.group(1));
    }

    // ------------------------------------------------------------------------------ good requests

    @Test
    void oneRowGivesTheNetworksOutputBitForBit() throws Exception {
        float[][] x = rows(1, 1);
        HttpResponse<String> r = predict("{\"input\": " + json(x[0]) + "}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        float[][] got = outputs(r.body());
        assertEquals(1, got.length);
        assertArrayEquals(expected(x)[0], got[0], 0f);
        assertTrue(r.body().contains(",\"class\":") && r.body().contains(",\"probabilities\":["),
                "the random model is a classifier: each row has its class and probabilities: " + r.body());
    }

    @Test
    void aBatchGivesOneOutputPerRowInOrder() throws Exception {
        for (int n = 1; n <= MAX_ROWS; n++) {
            float[][] x = rows(100 + n, n);
            HttpResponse<String> r = predict(batch(x));
            assertEquals(200, r.statusCode(), r.body());
            float[][] got = outputs(r.body());
            float[][] want = expected(x);
            assertEquals(n, got.length);
            for (int i = 0; i < n; i++) {
                assertArrayEquals(want[i], got[i], 0f, "row " + i + " of " + n);
            }
        }
    }

    @Test
    void numbersInEveryJsonFormAndAUtf8CharsetAreAccepted() throws Exception {
        float[] row = new float[IN];
        String[] forms = {"0", "-0", "1", "-1.5", "2.5e-3", "2.5E+3", "1e0", "0.000001", "123456789012345678901234",
                "-0.1234567890123456789", "1.17549435E-38", "1e-50"};
        StringBuilder s = new StringBuilder("{ \"input\" : [ ");
        for (int i = 0; i < IN; i++) {
            String f = forms[i % forms.length];
            row[i] = Float.parseFloat(f);
            s.append(i == 0 ? "" : " ,\t").append(f);
        }
        s.append("\n] }\r\n");
        HttpResponse<String> r = post(server, "/predict", "Application/JSON; charset=UTF-8", s.toString());
        assertEquals(200, r.statusCode(), r.body());
        assertArrayEquals(expected(new float[][] {row})[0], outputs(r.body())[0], 0f);
    }

    @Test
    void healthSaysOkWithTheModelAndLimits() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri(server, "/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith("{\"status\":\"ok\",\"backend\":\""), r.body());
        assertTrue(r.body().contains("\"inputs\":784,\"outputs\":10,\"max_rows\":4,\"max_body_bytes\":60000,\"pool\":1"),
                r.body());
        HttpResponse<String> head = client.send(HttpRequest.newBuilder(uri(server, "/health"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
    }

    // ------------------------------------------------------------------------------ bad requests

    @Test
    void malformedJsonIs400WithWhereItBroke() throws Exception {
        assertError(predict("{\"input\": [1, 2,"), 400, "malformed JSON", "ends");
        assertError(predict(""), 400, "malformed JSON", "JSON object");
        assertError(predict("[1, 2, 3]"), 400, "malformed JSON at byte 0");
        assertError(predict("{\"input\" [1]}"), 400, "expected ':'");
        assertError(predict("{\"input\": " + json(new float[IN]) + "} x"), 400, "after the JSON object");
        assertError(predict("{\"input\": " + json(new float[IN]) + ", \"input\": [1]}"), 400, "more than one");
        assertError(predict("{\"inputs\": [1, 2]}"), 400, "row 0 of \"inputs\" must be an array");
        assertError(predict("{\"inputs\": []}"), 400, "\"inputs\" is empty");
        assertError(predict("{}"), 400, "object is empty");
        assertError(predict("{\"imput\": [1]}"), 400, "unknown member \"imput\"");
        assertError(predict("{\"input\": [1, \"2\"]}"), 400, "value 1 of \"input\" is not a number");
        assertError(predict("{\"input\": [1, null]}"), 400, "not a number");
        assertError(predict("{\"input\": [01]}"), 400, "leading zero");
        assertError(predict("{\"input\": [1.]}"), 400, "no digit after '.'");
        assertError(predict("{\"input\": [1e]}"), 400, "exponent");
        assertError(predict("{\"input\": [\u00e9]}"), 400, "not a number"); // non-ASCII shown as '?' or a byte
    }

    @Test
    void aRowOfTheWrongLengthIs400NamingTheRow() throws Exception {
        assertError(predict("{\"input\": " + json(new float[IN - 1]) + "}"), 400,
                "\"input\" has 783 values: the model takes 784 per row");
        assertError(predict("{\"input\": " + json(new float[IN + 1]) + "}"), 400, "more than 784 values");
        float[][] x = rows(5, 3);
        x[2] = new float[7];
        assertError(predict(batch(x)), 400, "row 2 has 7 values: the model takes 784");
        assertError(predict("{\"input\": []}"), 400, "\"input\" is empty");
    }

    @Test
    void nanInfinityAndOverflowingNumbersAre400() throws Exception {
        for (String bad : new String[] {"NaN", "Infinity", "-Infinity"}) {
            String body = "{\"input\": " + json(new float[IN]).replaceFirst("0\\.0", bad) + "}";
            assertError(predict(body), 400, "value 0 of \"input\" is NaN or Infinity",
                    "the model takes finite numbers only");
        }
        String body = "{\"input\": " + json(new float[IN]).replaceFirst("0\\.0", "-1e39") + "}";
        assertError(predict(body), 400, "value 0 of \"input\" is -1e39, beyond float32's range");
    }

    @Test
    void inputsThatOverflowTheNetworkAre422NotNaNInJson() throws Exception {
        float[] huge = new float[IN];
        java.util.Arrays.fill(huge, 3e38f);
        assertError(predict("{\"input\": " + json(huge) + "}"), 422, "not finite", "overflowed");
    }

    @Test
    void tooManyRowsIs400() throws Exception {
        assertError(predict(batch(rows(9, MAX_ROWS + 1))), 400, "too many rows", "more than " + MAX_ROWS);
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        // Declared: refused on the header, before the body is read.
        String head = "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100000000\r\n\r\n";
        String r = raw(server, head, null);
        assertTrue(r.startsWith("HTTP/1.1 413 "), r);
        assertTrue(r.contains("body of 100000000 bytes is over the limit of 60000 bytes"), r);
        // Just over, with the body sent.
        String big = "{\"input\": [" + " ".repeat(MAX_BODY) + "]}";
        assertError(predict(big), 413, "over the limit of 60000 bytes");
        // Chunked (no length given): cut off once past the limit.
        HttpRequest chunked = HttpRequest.newBuilder(uri(server, "/predict"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.US_ASCII))))
                .build();
        assertError(client.send(chunked, HttpResponse.BodyHandlers.ofString()), 413, "over the limit");
        // A chunked body within the limit is served.
        String good = "{\"input\": " + json(rows(3, 1)[0]) + "}";
        HttpRequest ok = HttpRequest.newBuilder(uri(server, "/predict"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(good.getBytes(StandardCharsets.US_ASCII))))
                .build();
        assertEquals(200, client.send(ok, HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri(server, "/predict")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(r, 405, "GET not allowed on /predict");
        assertEquals("POST", r.headers().firstValue("Allow").orElse(""));
        r = post(server, "/health", "application/json", "{}");
        assertError(r, 405, "POST not allowed on /health");
        assertEquals("GET, HEAD", r.headers().firstValue("Allow").orElse(""));
        r = client.send(HttpRequest.newBuilder(uri(server, "/predict"))
                .method("DELETE", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertError(r, 405, "DELETE not allowed");
    }

    @Test
    void anUnknownPathIs404() throws Exception {
        for (String path : new String[] {"/", "/predictions", "/predict/", "/health/x", "/x?y=%22"}) {
            assertError(post(server, path, "application/json", "{}"), 404, "POST /predict and GET /health");
        }
    }

    @Test
    void wrongContentTypeIs415() throws Exception {
        String body = "{\"input\": " + json(new float[IN]) + "}";
        assertError(post(server, "/predict", "text/plain", body), 415, "text/plain not supported");
        assertError(post(server, "/predict", "application/x-www-form-urlencoded", body), 415, "send application/json");
        assertError(post(server, "/predict", null, body), 415, "no Content-Type");
        assertError(post(server, "/predict", "application/json; charset=latin1", body), 415, "JSON is UTF-8");
    }

    @Test
    void aRequestThatCannotGetANetworkInTimeIs503WithRetryAfter() throws Exception {
        float[] held = new float[IN];
        held[0] = HOLD;
        release = new CountDownLatch(1);
        holding = new CountDownLatch(1);
        CompletableFuture<HttpResponse<String>> first = client.sendAsync(
                HttpRequest.newBuilder(uri(server, "/predict")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"input\": " + json(held) + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
        try {
            assertTrue(holding.await(20, TimeUnit.SECONDS), "the first request never reached the network");
            long t0 = System.nanoTime();
            HttpResponse<String> r = predict("{\"input\": " + json(new float[IN]) + "}");
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            assertError(r, 503, "busy: all 1 networks stayed in use for 200 ms");
            assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
            assertTrue(waitedMs >= 190, "answered after " + waitedMs + " ms, before the acquire timeout");
        } finally {
            release.countDown();
        }
        assertEquals(200, first.get(20, TimeUnit.SECONDS).statusCode());
        assertEquals(200, predict("{\"input\": " + json(new float[IN]) + "}").statusCode());
    }

    @Test
    void noBadRequestStopsTheServiceFromServing() throws Exception {
        String[] bad = {"{", "}", "{\"input\":[", "\u0000\u0001", "{\"inputs\":[[[1]]]}", "{\"input\":{}}",
                "{\"\\u0069nput\": [1]}", "{\"in\\qput\": 1}", "{\"input\": [1e999999999999]}",
                "{\"input\": [-]}", "{\"input\": [+1]}", "{\"input\": [0x10]}", "{\"input\": [.5]}"};
        for (String b : bad) {
            HttpResponse<String> r = predict(b);
            assertEquals(400, r.statusCode(), b + " -> " + r.body());
            assertTrue(ERROR.matcher(r.body()).matches(), r.body());
        }
        // An invalid Content-Length and a request line the JDK server itself refuses: no 500, and on.
        String r = raw(server, "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: abc\r\n\r\n", null);
        assertFalse(r.startsWith("HTTP/1.1 500"), r);
        assertTrue(r.startsWith("HTTP/1.1 400"), r);
        r = raw(server, "GARBAGE\r\n\r\n", null);
        assertTrue(r.startsWith("HTTP/1.1 400"), r);
        r = raw(server, "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", null);
        assertFalse(r.startsWith("HTTP/1.1 500"), r);
        float[][] x = rows(77, 2);
        HttpResponse<String> ok = predict(batch(x));
        assertEquals(200, ok.statusCode(), ok.body());
        float[][] got = outputs(ok.body()), want = expected(x);
        assertArrayEquals(want[0], got[0], 0f);
        assertArrayEquals(want[1], got[1], 0f);
    }

    // ------------------------------------------------------------------------------ start and stop

    @Test
    void shutdownLetsARequestInFlightFinishAndRefusesNewConnections() throws Exception {
        PredictionServer s = launch();
        float[] held = new float[IN];
        held[0] = HOLD;
        release = new CountDownLatch(1);
        holding = new CountDownLatch(1);
        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
                HttpRequest.newBuilder(uri(s, "/predict")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"input\": " + json(held) + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(holding.await(20, TimeUnit.SECONDS));
        Thread stopper = Thread.ofPlatform().start(() -> s.stop(10));
        Thread.sleep(300);
        release.countDown();
        HttpResponse<String> r = inFlight.get(20, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode(), r.body());
        stopper.join(20_000);
        assertFalse(stopper.isAlive());
        HttpClient fresh = HttpClient.newHttpClient();
        Exception e = assertThrows(Exception.class, () -> fresh.send(
                HttpRequest.newBuilder(uri(s, "/health")).build(), HttpResponse.BodyHandlers.ofString()));
        assertTrue(e instanceof ConnectException || e.getCause() instanceof ConnectException
                || e instanceof IOException, e.toString());
    }

    @Test
    void theCommandLineIsUnixLike() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Server.Exit e = assertThrows(Server.Exit.class, () -> Server.launch("serving", new String[] {"--help"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                VecpropBackend::create));
        assertEquals(0, e.status());
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: serving [OPTION]..."));
        assertEquals("", err.toString(StandardCharsets.UTF_8));

        for (String[] args : new String[][] {{"--prot", "80"}, {"--port"}, {"--port", "x"}, {"--port", "70000"},
                {"extra"}, {"--pool=0"}}) {
            out.reset();
            err.reset();
            e = assertThrows(Server.Exit.class, () -> Server.launch("serving", args,
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), VecpropBackend::create));
            assertEquals(2, e.status(), String.join(" ", args));
            String msg = err.toString(StandardCharsets.UTF_8);
            assertTrue(msg.startsWith("serving: ") && msg.endsWith("\n") && msg.indexOf('\n') == msg.length() - 1,
                    "not one line: " + msg);
        }
    }

    @Test
    void aModelFileIsServedAndABadOneStopsStartUpWithOneLine(@TempDir Path dir) throws Exception {
        Network net = Network.mlp(1, 42, 5, 8, 3);
        Path file = dir.resolve("small.safetensors");
        net.save(file);
        PredictionServer s = Server.launch("serving", new String[] {"--port", "0", "--model", file.toString(),
                "--pool", "1"}, new PrintStream(OutputStream.nullOutputStream()), System.err, VecpropBackend::create);
        try {
            HttpResponse<String> r = post(s, "/predict", "application/json", "{\"input\": [1, 2, 3, 4, 5]}");
            assertEquals(200, r.statusCode(), r.body());
            float[] want = net.forward(new float[] {1, 2, 3, 4, 5}, 0, 5, 1).toArray();
            assertArrayEquals(want, outputs(r.body())[0], 0f);
            assertFalse(r.body().contains("class") || r.body().contains("probabilities"),
                    "an MSE model's rows have outputs only: " + r.body());
            assertError(post(s, "/predict", "application/json", "{\"input\": " + json(new float[IN]) + "}"), 400,
                    "the model takes 5 per row");
        } finally {
            s.stop(0);
        }

        Path broken = dir.resolve("broken.safetensors");
        Files.write(broken, new byte[] {1, 2, 3});
        for (Path p : new Path[] {broken, dir.resolve("missing.safetensors")}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Server.Exit e = assertThrows(Server.Exit.class, () -> Server.launch("serving",
                    new String[] {"--port", "0", "--model", p.toString()}, new PrintStream(OutputStream.nullOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8), VecpropBackend::create));
            assertEquals(1, e.status());
            String msg = err.toString(StandardCharsets.UTF_8);
            assertTrue(msg.startsWith("serving: cannot load the model " + p + ": ") && msg.indexOf('\n') == msg.length() - 1,
                    msg);
        }
    }

    @Test
    void aPortInUseStopsStartUpWithOneLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Server.Exit e = assertThrows(Server.Exit.class, () -> Server.launch("serving",
                new String[] {"--port", "" + server.port()}, new PrintStream(OutputStream.nullOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), VecpropBackend::create));
        assertEquals(1, e.status());
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("serving: cannot listen on 127.0.0.1:" + server.port()),
                err.toString(StandardCharsets.UTF_8).toLowerCase(Locale.ROOT));
    }
}
