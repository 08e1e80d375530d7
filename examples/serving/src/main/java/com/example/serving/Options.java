package com.example.serving;

import java.nio.file.Path;

/**
 * The service's command line, Unix style: {@code --name value} or {@code --name=value}, every
 * option optional. {@link #parse} throws {@link UsageException} (one line, for standard error)
 * on anything it does not accept; {@code --help} sets {@link #help()}, and {@link #usage} is its text.
 *
 * @param host address to listen on
 * @param port TCP port; 0 asks the system for a free one (the port taken is printed)
 * @param model a safetensors file to serve, or null for the built-in random model
 * @param seed seed of the built-in random model
 * @param maxRows the most rows one request may carry (each pooled network is built for it)
 * @param maxBodyBytes the largest request body accepted, in bytes
 * @param pool how many networks over the shared weights: at most this many forward passes run at once
 * @param acquireTimeoutMillis how long a request waits for a network before it gets 503
 * @param requestTimeoutSeconds how long a client may take to send a request (the JDK server's
 *     {@code sun.net.httpserver.maxReqTime}); slower connections are closed
 * @param maxConnections the most open connections (the JDK server's {@code jdk.httpserver.maxConnections})
 * @param shutdownGraceSeconds on SIGTERM/SIGINT, how long requests in flight may take to finish
 * @param help whether {@code --help} was given
 */
public record Options(String host, int port, Path model, long seed, int maxRows, int maxBodyBytes,
                      int pool, long acquireTimeoutMillis, int requestTimeoutSeconds, int maxConnections,
                      int shutdownGraceSeconds, boolean help) {

    /** A command-line error: the message is one line, shown to the user before exiting with 2. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** {@return the defaults: 127.0.0.1:8080, the random model, 64 rows, 2 MiB, one network per CPU} */
    public static Options defaults() {
        return new Options("127.0.0.1", 8080, null, 1, 64, 2 << 20,
                Runtime.getRuntime().availableProcessors(), 100, 10, 1000, 5, false);
    }

    /** {@return the usage text for {@code --help}, naming {@code program}} */
    public static String usage(String program) {
        Options d = defaults();
        return """
                usage: %s [OPTION]...
                Serves a vecprop network over HTTP: POST /predict, GET /health.

                  --model FILE             safetensors file to serve (Network.save, or PyTorch's
                                           nn.Sequential state_dict with vecprop metadata);
                                           default: a random 784-256-128-10 ReLU network
                  --seed N                 seed of the random network (default %d)
                  --host ADDR              address to listen on (default %s; 0.0.0.0 for all)
                  --port N                 TCP port (default %d; 0 takes a free port and prints it)
                  --max-rows N             most rows in one request (default %d)
                  --max-body-bytes N       largest request body in bytes (default %d): larger gets 413
                  --pool N                 networks over the shared weights, the most forward passes
                                           at once (default %d, the CPUs)
                  --acquire-timeout-ms N   how long a request waits for a network (default %d):
                                           then 503
                  --request-timeout-s N    time a client has to send its request (default %d)
                  --max-connections N      most open connections (default %d)
                  --shutdown-grace-s N     on SIGTERM or SIGINT, time for requests in flight to
                                           finish (default %d)
                  -h, --help               this text

                On SIGTERM or SIGINT it stops taking requests, lets those in flight finish and exits.
                Exit status: 0 for --help, 1 if the model cannot be loaded or the port cannot be
                opened, 2 for a command-line error.
                """.formatted(program, d.seed, d.host, d.port, d.maxRows, d.maxBodyBytes, d.pool,
                d.acquireTimeoutMillis, d.requestTimeoutSeconds, d.maxConnections, d.shutdownGraceSeconds);
    }

    /**
     * Parses a command line.
     *
     * @param args the arguments
     * @return the options, {@link #help()} true if {@code --help} was among them
     * @throws UsageException naming the first argument that is not accepted and why
     */
    public static Options parse(String... args) throws UsageException {
        Options d = defaults();
        String host = d.host;
        int port = d.port;
        Path model = d.model;
        long seed = d.seed;
        int maxRows = d.maxRows, maxBody = d.maxBodyBytes, pool = d.pool, requestTimeout = d.requestTimeoutSeconds;
        int maxConnections = d.maxConnections, grace = d.shutdownGraceSeconds;
        long acquire = d.acquireTimeoutMillis;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                return new Options(host, port, model, seed, maxRows, maxBody, pool, acquire, requestTimeout,
                        maxConnections, grace, true);
            }
            String name = arg, value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (!KNOWN.contains(name)) {
                throw new UsageException("unknown " + (arg.startsWith("-") ? "option " : "argument ") + arg
                        + " (accepted: " + String.join(" ", KNOWN) + " --help)");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException(name + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "--host" -> host = nonEmpty(name, value);
                case "--port" -> port = (int) number(name, value, 0, 65535);
                case "--model" -> model = Path.of(nonEmpty(name, value));
                case "--seed" -> seed = number(name, value, Long.MIN_VALUE, Long.MAX_VALUE);
                case "--max-rows" -> maxRows = (int) number(name, value, 1, 1 << 16);
                case "--max-body-bytes" -> maxBody = (int) number(name, value, 2, Integer.MAX_VALUE - 8);
                case "--pool" -> pool = (int) number(name, value, 1, 4096);
                case "--acquire-timeout-ms" -> acquire = number(name, value, 0, 3_600_000);
                case "--request-timeout-s" -> requestTimeout = (int) number(name, value, 1, 3600);
                case "--max-connections" -> maxConnections = (int) number(name, value, 1, 1 << 20);
                case "--shutdown-grace-s" -> grace = (int) number(name, value, 0, 3600);
                default -> throw new AssertionError(name);
            }
        }
        return new Options(host, port, model, seed, maxRows, maxBody, pool, acquire, requestTimeout,
                maxConnections, grace, false);
    }

    private static final java.util.List<String> KNOWN = java.util.List.of("--model", "--seed", "--host",
            "--port", "--max-rows", "--max-body-bytes", "--pool", "--acquire-timeout-ms", "--request-timeout-s",
            "--max-connections", "--shutdown-grace-s");

    private static String nonEmpty(String name, String value) throws UsageException {
        if (value.isEmpty()) {
            throw new UsageException(name + " needs a non-empty value");
        }
        return value;
    }

    private static long number(String name, String value, long min, long max) throws UsageException {
        long v;
        try {
            v = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a whole number, got '" + value + "'");
        }
        if (v < min || v > max) {
            throw new UsageException(name + " must be in [" + min + ", " + max + "], got " + v);
        }
        return v;
    }
}
