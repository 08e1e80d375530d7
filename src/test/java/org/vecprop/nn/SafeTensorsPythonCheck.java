package org.vecprop.nn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.vecprop.io.SafeTensors;
import org.vecprop.io.Tensor;
import org.vecprop.kernel.Activation;
import org.vecprop.kernel.Simd;

/**
 * The Java side of {@code scripts/check-safetensors}, which runs it around a Python script
 * ({@code scripts/lib/check_safetensors.py}, with the {@code safetensors} and {@code numpy}
 * packages):
 * <ol>
 *   <li>{@code export DIR}: saves a network (ReLU and identity layers, with and without bias, a
 *       square layer so a wrong layout cannot hide behind a shape error) to
 *       {@code DIR/vecprop.safetensors}, and its input and vecprop's forward output to
 *       {@code DIR/vecprop_io.safetensors} (tensors {@code x} and {@code y}); Python loads both and
 *       reproduces the forward pass;</li>
 *   <li>{@code import DIR}: loads {@code DIR/numpy.safetensors}, which Python wrote as PyTorch's
 *       {@code save_file(model.state_dict())} would (no vecprop metadata), into a network built to
 *       the module list in {@code DIR/numpy_io.safetensors}'s metadata, and compares its forward
 *       pass with Python's ({@code x}, {@code y}, and the error bound {@code bound}).</li>
 * </ol>
 * A test-scope program, not a test: it needs Python, which the suite does not.
 */
public final class SafeTensorsPythonCheck {
    private SafeTensorsPythonCheck() {}

    static final int BATCH = 5;

    /**
     * @param args {@code export DIR} or {@code import DIR}
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2 || !(args[0].equals("export") || args[0].equals("import"))) {
            System.err.println("usage: SafeTensorsPythonCheck export|import DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        if (args[0].equals("export")) {
            export(dir);
        } else if (!importAndCompare(dir)) {
            System.exit(1);
        }
    }

    static void export(Path dir) throws IOException {
        Files.createDirectories(dir);
        Random rnd = new Random(2026);
        Network net = new Network(
                new Dense(3, 7, Activation.RELU, true, BATCH, 1),
                new Dense(7, 7, Activation.RELU, false, BATCH, 2),
                new Dense(7, 6, Activation.IDENTITY, true, BATCH, 3),
                new Dense(6, 2, Activation.IDENTITY, true, BATCH, 4));
        for (Parameter p : net.parameters()) {
            if (p.kind() == Parameter.Kind.BIAS) { // mlp-style biases start at zero: make them count
                float[] b = new float[p.size()];
                for (int i = 0; i < b.length; i++) {
                    b[i] = rnd.nextFloat() - 0.5f;
                }
                p.copyFrom(b, 0);
            }
        }
        float[] x = new float[BATCH * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        float[] y = net.forward(x, 0, 3, BATCH).toArray();
        net.save(dir.resolve("vecprop.safetensors"));
        Map<String, Tensor> io = new LinkedHashMap<>();
        io.put("x", Tensor.of(x, BATCH, 3));
        io.put("y", Tensor.of(y, BATCH, 2));
        new SafeTensors(io, Map.of("vecprop.simd", Simd.description())).write(
                dir.resolve("vecprop_io.safetensors"));
        System.out.println("java: wrote " + net.modules() + " and its forward pass of " + BATCH
                + " rows to " + dir);
    }

    static boolean importAndCompare(Path dir) throws IOException {
        SafeTensors io = SafeTensors.read(dir.resolve("numpy_io.safetensors"));
        String modules = io.metadata().get("modules");
        // Built as a user would, from the module list alone; the weights come from the file.
        Dense[] layers = buildLayers(modules, io.tensors().get("x").dim(0));
        Network net = new Network(layers);
        net.loadWeights(dir.resolve("numpy.safetensors"));
        Tensor x = io.tensors().get("x"), y = io.tensors().get("y"), bound = io.tensors().get("bound");
        int rows = x.dim(0);
        float[] got = net.forward(x.toArray(), 0, x.dim(1), rows).toArray();
        double worst = 0, worstUlps = 0;
        int bad = 0;
        for (int i = 0; i < got.length; i++) {
            double tol = bound.get(i) + Math.ulp(y.get(i)); // the bound, and y's rounding to float
            double err = Math.abs((double) got[i] - y.get(i));
            worst = Math.max(worst, err / tol);
            worstUlps = Math.max(worstUlps, err / Math.ulp(y.get(i)));
            if (!(err <= tol)) {
                bad++;
                System.out.printf("java: output %d is %s, NumPy's %s, |difference| %.3g > bound %.3g%n",
                        i, got[i], y.get(i), err, tol);
            }
        }
        System.out.printf("java: loaded NumPy's %s (%d tensors, no vecprop metadata) into %s;"
                        + " forward of %d rows: %d of %d outputs outside the bound, worst %.3f of it"
                        + " (%.1f float32 ulps from NumPy's float64 result rounded to float32)%n",
                modules, net.parameters().size(), net, rows, bad, got.length, worst, worstUlps);
        return bad == 0;
    }

    /** Layers for a module list such as {@code Linear(4, 8), ReLU(), Linear(8, 3)}, zero weights. */
    static Dense[] buildLayers(String modules, int maxBatch) throws org.vecprop.io.FileRejectedException {
        return NetworkFile.parse(modules).stream()
                .map(s -> Dense.of(s.in(), s.out(), s.activation(), new float[s.in() * s.out()],
                        s.bias() ? new float[s.out()] : null, maxBatch))
                .toArray(Dense[]::new);
    }
}
