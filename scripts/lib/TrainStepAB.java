import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * A paired A/B of one training step of two vecprop builds (two library jars) in one JVM, each
 * in its own class loader: rounds alternate between them in a random order, so that a shared,
 * noisy machine's slow spells fall on both alike, and the figure is the median of the rounds'
 * paired ratios B/A with its distribution-free 95% interval (order statistics of the binomial).
 * JMH runs of the two jars one after another could not resolve a few percent here: their
 * errors were 5-40% on this machine. The step is TrainStep's: forward, loss, backward
 * (accumulating), optimizer step; MSE + SGD (lr 0.01) or cross-entropy + AdamW (lr 1e-3).
 * Run it both ways round (A B, then B A): the build loaded second was about 1% faster in an
 * A-A control on 2026-12-07, so one order alone is biased by that much.
 */
public class TrainStepAB {
    static final String USAGE = """
            Usage: java --add-modules jdk.incubator.vector scripts/lib/TrainStepAB.java A.jar B.jar mse|ce [ROUNDS [STEPS [NET@BATCH [WARMUP]]]]
              A.jar, B.jar  two builds of the library (target/vecprop-*.jar)
              mse | ce      MSE + SGD, or softmax cross-entropy + AdamW
              ROUNDS        paired rounds (default 40); STEPS steps per side per round (default 100)
              NET@BATCH     layer sizes and batch (default 784-256-128-10@64)
              WARMUP        warm-up rounds (default 30)
            Prints the median time per step of each, and the median of the rounds' ratios B/A.""";
    interface Step { void run() throws Throwable; }

    static int[] SIZES = {784, 256, 128, 10};
    static int BATCH = 64;

    static Step make(String jar, boolean ce, long seed) throws Throwable {
        ClassLoader cl = new URLClassLoader(new URL[] {Path.of(jar).toUri().toURL()}, TrainStepAB.class.getClassLoader());
        MethodHandles.Lookup lk = MethodHandles.publicLookup();
        Class<?> net = cl.loadClass("org.vecprop.nn.Network");
        Class<?> grads = cl.loadClass("org.vecprop.nn.Gradients");
        Class<?> opt = cl.loadClass("org.vecprop.nn.Optimizer");
        int batch = BATCH;
        Object network = ce
                ? net.getMethod("classifier", int.class, long.class, int[].class).invoke(null, batch, 42L, SIZES)
                : net.getMethod("mlp", int.class, long.class, int[].class).invoke(null, batch, 42L, SIZES);
        Object optimizer;
        if (ce) {
            Class<?> ao = cl.loadClass("org.vecprop.nn.AdamOptions"), adam = cl.loadClass("org.vecprop.nn.Adam");
            Object options = ao.getMethod("adamW", float.class).invoke(null, 1e-3f);
            optimizer = adam.getConstructor(net, ao).newInstance(network, options);
        } else {
            Class<?> so = cl.loadClass("org.vecprop.nn.SgdOptions"), sgd = cl.loadClass("org.vecprop.nn.Sgd");
            Object options = so.getMethod("learningRate", float.class).invoke(null, 0.01f);
            optimizer = sgd.getConstructor(net, so).newInstance(network, options);
        }
        Random rnd = new Random(seed);
        int in = SIZES[0], outs = SIZES[SIZES.length - 1];
        float[] x = new float[batch * in];
        for (int i = 0; i < x.length; i++) x[i] = rnd.nextFloat();
        float[] t = new float[batch * outs];
        for (int i = 0; i < t.length; i++) t[i] = rnd.nextFloat();
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = rnd.nextInt(outs);
        MethodHandle fwd = lk.findVirtual(net, "forward", MethodType.methodType(cl.loadClass("org.vecprop.nn.Output"), float[].class, int.class, int.class, int.class)).bindTo(network);
        MethodHandle loss = ce
                ? MethodHandles.insertArguments(lk.findVirtual(net, "loss", MethodType.methodType(float.class, int[].class, int.class)).bindTo(network), 0, labels, 0)
                : MethodHandles.insertArguments(lk.findVirtual(net, "loss", MethodType.methodType(float.class, float[].class, int.class, int.class)).bindTo(network), 0, t, 0, outs);
        Object accumulate = grads.getField("ACCUMULATE").get(null);
        MethodHandle bwd = lk.findVirtual(net, "backward", MethodType.methodType(void.class, grads)).bindTo(network);
        MethodHandle step = lk.findVirtual(opt, "step", MethodType.methodType(void.class)).bindTo(optimizer);
        return () -> {
            Object o = fwd.invoke(x, 0, in, batch);
            float l = (float) loss.invoke();
            bwd.invoke(accumulate);
            step.invoke();
        };
    }

    static double time(Step s, int steps) throws Throwable {
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) s.run();
        return (System.nanoTime() - t0) / 1e3 / steps;
    }

    public static void main(String[] args) throws Throwable {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(USAGE);
            return;
        }
        if (args.length < 3 || args.length > 7 || !args[2].matches("mse|ce")) {
            System.err.println("TrainStepAB: expected A.jar B.jar mse|ce [ROUNDS [STEPS [NET@BATCH [WARMUP]]]] (--help for more)");
            System.exit(2);
        }
        boolean ce = args[2].equals("ce");
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 40;
        int steps = args.length > 4 ? Integer.parseInt(args[4]) : 100;
        if (args.length > 5) {
            String[] parts = args[5].split("@");
            SIZES = java.util.Arrays.stream(parts[0].split("-")).mapToInt(Integer::parseInt).toArray();
            BATCH = Integer.parseInt(parts[1]);
        }
        int warm = args.length > 6 ? Integer.parseInt(args[6]) : 30;
        Step a = make(args[0], ce, 1), b = make(args[1], ce, 1);
        for (int w = 0; w < warm; w++) { time(a, steps); time(b, steps); }
        double[] ta = new double[rounds], tb = new double[rounds], r = new double[rounds];
        Random order = new Random(7);
        for (int i = 0; i < rounds; i++) {
            if (order.nextBoolean()) { ta[i] = time(a, steps); tb[i] = time(b, steps); }
            else { tb[i] = time(b, steps); ta[i] = time(a, steps); }
            r[i] = tb[i] / ta[i];
        }
        double[] sa = ta.clone(), sb = tb.clone(), sr = r.clone();
        Arrays.sort(sa); Arrays.sort(sb); Arrays.sort(sr);
        // distribution-free 95% interval of the median ratio: order statistics (binomial, n rounds)
        int lo = (int) Math.floor(rounds / 2.0 - 0.98 * Math.sqrt(rounds)), hi = (int) Math.ceil(rounds / 2.0 + 0.98 * Math.sqrt(rounds));
        lo = Math.max(0, lo); hi = Math.min(rounds - 1, hi);
        System.out.printf("%s %s: A median %.1f us (IQR %.1f-%.1f), B median %.1f us (IQR %.1f-%.1f), B/A median of paired ratios %.3f (95%% interval %.3f-%.3f), %d rounds of %d steps%n",
                ce ? "ce+adamw" : "mse+sgd", Arrays.toString(SIZES) + "@" + BATCH, sa[rounds / 2], sa[rounds / 4], sa[3 * rounds / 4], sb[rounds / 2], sb[rounds / 4], sb[3 * rounds / 4],
                sr[rounds / 2], sr[lo], sr[hi], rounds, steps);
    }
}
