package com.example.serving;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * The command: {@code java --add-modules jdk.incubator.vector -cp ... com.example.serving.Server
 * [--model FILE] [--port N] ...} ({@link Options#usage} lists the options; {@code scripts/serve}
 * builds and runs it). It prints one line saying where it listens, serves until SIGTERM or SIGINT,
 * then stops taking requests, lets those in flight finish (up to {@code --shutdown-grace-s}) and
 * exits.
 */
public final class Server {
    private Server() {}

    /** Makes the backend once the options are known (vecprop here, ONNX Runtime in the peer module). */
    @FunctionalInterface
    public interface BackendFactory {
        /**
         * @param options the parsed command line
         * @return the backend
         * @throws IOException if the model cannot be read
         */
        Backend create(Options options) throws IOException;
    }

    /** The process should end with this status (0 for {@code --help}); the reason is already printed. */
    public static final class Exit extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        Exit(int status) {
            super(null, null, false, false);
            this.status = status;
        }

        /** {@return the exit status} */
        public int status() {
            return status;
        }
    }

    /**
     * Serves vecprop.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        main("serving", args, VecpropBackend::create);
    }

    /**
     * Parses, loads, starts, then blocks until the JVM is asked to stop (SIGTERM, SIGINT), when a
     * shutdown hook drains the server; exits with the status of {@link #launch} if that fails.
     *
     * @param program the name for messages
     * @param args the command line
     * @param factory the backend
     */
    public static void main(String program, String[] args, BackendFactory factory) {
        PredictionServer server;
        try {
            server = launch(program, args, System.out, System.err, factory);
        } catch (Exit e) {
            System.exit(e.status());
            return;
        }
        Options options = server.options();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println(program + ": stopping (grace " + options.shutdownGraceSeconds() + " s)");
            server.stop(options.shutdownGraceSeconds());
            System.out.println(program + ": stopped");
            System.out.flush();
            stopped.countDown();
        }, "shutdown"));
        try {
            stopped.await(); // the JVM ends in the hook; this thread only keeps it alive until then
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Parses the command line, makes the backend and starts the server, printing one line on
     * {@code out} that ends with the URL it listens on, or the reason on {@code err}.
     *
     * @param program the name for messages
     * @param args the command line
     * @param out for the start-up line and {@code --help}
     * @param err for errors
     * @param factory the backend
     * @return the running server
     * @throws Exit with status 0 after {@code --help}, 2 for a command-line error, 1 if the model
     *     cannot be loaded or the address cannot be bound
     */
    public static PredictionServer launch(String program, String[] args, PrintStream out, PrintStream err,
                                          BackendFactory factory) throws Exit {
        Options o;
        try {
            o = Options.parse(args);
        } catch (Options.UsageException e) {
            err.println(program + ": " + e.getMessage());
            throw new Exit(2);
        }
        if (o.help()) {
            out.print(Options.usage(program));
            throw new Exit(0);
        }
        // The JDK server reads these once, when its first instance starts; -D on the command line wins.
        System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", Integer.toString(o.requestTimeoutSeconds()));
        System.getProperties().putIfAbsent("jdk.httpserver.maxConnections", Integer.toString(o.maxConnections()));
        // Responses are one small write: send it now (Nagle's delay with the client's delayed ACK
        // costs up to 40 ms on a kept-alive connection).
        System.getProperties().putIfAbsent("sun.net.httpserver.nodelay", "true");
        Backend backend;
        try {
            backend = factory.create(o);
        } catch (IOException | IllegalArgumentException e) {
            err.println(program + ": cannot load the model" + (o.model() == null ? "" : " " + o.model())
                    + ": " + oneLine(e));
            throw new Exit(1);
        }
        PredictionServer server;
        try {
            server = PredictionServer.start(backend, o);
        } catch (IOException | IllegalArgumentException e) {
            err.println(program + ": cannot listen on " + o.host() + ":" + o.port() + ": " + oneLine(e));
            backend.close();
            throw new Exit(1);
        }
        out.println(program + ": " + backend.description());
        out.println(program + ": pool " + o.pool() + ", max rows " + o.maxRows() + ", max body "
                + o.maxBodyBytes() + " B, acquire timeout " + o.acquireTimeoutMillis() + " ms; listening on http://"
                + o.host() + ":" + server.port() + "/");
        out.flush();
        return server;
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ').replace('\r', ' ');
    }
}
