package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;
import org.vecprop.kernel.Activation;
import org.vecprop.reference.ReferenceBias;
import org.vecprop.reference.ReferenceGemm;
import org.vecprop.reference.ReferenceMse;
import org.vecprop.reference.ReferenceRelu;
import org.vecprop.reference.ReferenceStats;
import org.vecprop.reference.ReferenceUpdate;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Props;

/**
 * A stateful property test of {@link Network}, {@link Sgd} and {@link Diagnostics} together:
 * random networks (1 to 3 layers of 1 to 9 units, ReLU or identity, with or without bias,
 * maxBatch 1 to 6) driven through random sequences of up to 40 operations, valid and invalid,
 * and after every operation the whole state (every weight, bias, gradient, activation, dZ, dX,
 * loss gradient and velocity buffer, the batch, the loss flag, the step count, the learning
 * rate, the frozen flags, every diagnostic) is checked against a model:
 * <ul>
 *   <li>what the operation computes, from the state before it, by the reference kernels
 *       ({@code org.vecprop.reference}): bit for bit where the kernels promise it (ReLU, bias
 *       gradient, MSE gradient, SGD update, counts), within the documented bounds where they do
 *       not (GEMM: {@code (2k + 5) u T}; bias add {@code 2u (|z| + |b|)}; MSE loss
 *       {@code 40 u}; sums of squares); each layer checked from the real input it was given, so
 *       rounding does not compound across layers or steps;</li>
 *   <li>every buffer the operation does not write (including the rows past the batch) keeps its
 *       bits;</li>
 *   <li>an operation the API must reject (a bad argument, a call in the wrong order) throws the
 *       documented exception and leaves the whole state bit-identical.</li>
 * </ul>
 * Operations: forward at any batch size (strided, offset inputs), loss, backward in both
 * gradient modes, zeroGrad, step, stepIfFinite, a NaN or infinity written into a gradient,
 * freeze and unfreeze, a fixed rate or a step-decay schedule, a parameter write, a weights load,
 * diagnostics, a grad check, inference on another thread through {@code sharingWeights}, and
 * twenty kinds of bad call; and forward, loss and backward in a row, as training calls them. {@link #theCheckerSeesOneFlippedBit} shows the state comparison
 * catches a single changed bit; the summary in the report lists library bugs planted by hand
 * that this test caught.
 */
class NetworkStatefulTest {
    static final double U = Compare.U;
    static ExecutorService other;
    /** What the runs did, by the first word of each log line: printed, so a run shows its coverage. */
    static final Map<String, Integer> COUNTS = new java.util.TreeMap<>();

    @BeforeAll
    static void startThread() {
        other = Executors.newSingleThreadExecutor();
    }

    @AfterAll
    static void stopThread() throws InterruptedException {
        System.out.println("[vecprop] stateful network test, operations run: " + COUNTS);
        other.shutdownNow();
        other.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    void randomSequencesOfCallsKeepTheModelsState() {
        Props.theory(Props.EXAMPLES / 2).forAll(Generate.longRange(0, 1L << 40),
                lists().of(longs().all()).ofSizeBetween(1, 40))
                .checkAssert(NetworkStatefulTest::run);
    }

    /** A flipped bit anywhere in the state is reported, so "unchanged" checks can fail. */
    @Test
    void theCheckerSeesOneFlippedBit() {
        World w = new World(12345);
        Random rnd = new Random(1);
        w.forward(rnd, Math.min(2, w.net.maxBatch()));
        w.net.loss(new float[w.net.maxBatch() * w.net.outputs()], 0, w.net.outputs());
        w.net.backward(Gradients.OVERWRITE);
        Snapshot before = new Snapshot(w);
        assertNull(before.firstDifference(new Snapshot(w), Set.of()));
        for (String key : before.arrays.keySet()) {
            float[] live = w.live.get(key).get();
            if (live.length == 0) {
                continue;
            }
            int i = rnd.nextInt(live.length);
            float kept = live[i];
            live[i] = Float.intBitsToFloat(Float.floatToRawIntBits(kept) ^ 1);
            assertNotNull(before.firstDifference(new Snapshot(w), Set.of()), "a flipped bit in " + key);
            live[i] = kept;
        }
        w.sgd.setLearningRate(0.5f);
        assertNotNull(before.firstDifference(new Snapshot(w), Set.of()), "a changed learning rate");
    }

    // ------------------------------------------------------------------------------ the world

    /** The system under test, the arrays it owns by name, and what the model tracks beside it. */
    static final class World {
        final Network net;
        final Sgd sgd;
        final Diagnostics diag;
        /** Made once, used for inference on another thread: it must see every weight change. */
        final Network reader;
        final float momentum, weightDecay;
        /**
         * Every array of the state by name, read afresh: the weights and bias through the layer
         * (shared with {@code reader}, so each change publishes new arrays), the rest as they are.
         */
        final Map<String, java.util.function.Supplier<float[]>> live = new LinkedHashMap<>();
        // the model's own scalars
        LearningRateSchedule schedule; // null: fixed
        float rate;
        long steps;
        int batch = -1;
        boolean lossReady;
        /** Per layer: its weights or bias changed (step, write, load) since the last forward. */
        boolean[] changedSinceForward;
        // the input of the last forward (the network keeps it for backward)
        float[] x;
        int xOff, ldx;

        World(long seed) {
            Random rnd = new Random(seed);
            int depth = 1 + rnd.nextInt(3), maxBatch = 1 + rnd.nextInt(6);
            Dense[] layers = new Dense[depth];
            int in = 1 + rnd.nextInt(9);
            for (int l = 0; l < depth; l++) {
                int out = 1 + rnd.nextInt(9);
                Activation act = rnd.nextBoolean() ? Activation.RELU : Activation.IDENTITY;
                layers[l] = new Dense(in, out, act, rnd.nextInt(4) != 0, maxBatch, rnd.nextLong());
                in = out;
            }
            net = new Network(layers);
            changedSinceForward = new boolean[depth];
            for (Parameter p : net.parameters()) { // biases start at 0: make them count
                if (p.kind() == Parameter.Kind.BIAS) {
                    p.copyFrom(values(rnd, p.size()), 0);
                }
            }
            momentum = rnd.nextBoolean() ? 0f : 0.5f;
            weightDecay = rnd.nextBoolean() ? 0f : 0.01f;
            rate = 0.05f;
            sgd = new Sgd(net, SgdOptions.learningRate(rate).withMomentum(momentum)
                    .withWeightDecay(weightDecay));
            diag = new Diagnostics(net);
            reader = net.sharingWeights(maxBatch);
            for (int l = 0; l < depth; l++) {
                Dense d = net.layer(l);
                float[] none = new float[0];
                live.put("W" + l, d::weightArray);
                live.put("b" + l, () -> d.hasBias() ? d.biasArray() : none);
                float[] gW = d.weightGrad(), gb = d.hasBias() ? d.biasGrad() : none;
                float[] a = d.output(), dZ = d.outputGrad(), dX = d.inputGrad();
                float[] vW = sgd.weightVelocity(l) == null ? none : sgd.weightVelocity(l);
                float[] vb = sgd.biasVelocity(l) == null ? none : sgd.biasVelocity(l);
                live.put("gW" + l, () -> gW);
                live.put("gb" + l, () -> gb);
                live.put("A" + l, () -> a);
                live.put("dZ" + l, () -> dZ);
                live.put("dX" + l, () -> dX);
                live.put("vW" + l, () -> vW);
                live.put("vb" + l, () -> vb);
            }
            float[] dP = net.lossGradient();
            live.put("dP", () -> dP);
        }

        /** A step changes every layer that is not frozen. */
        void markStepped() {
            for (int l = 0; l < net.depth(); l++) {
                changedSinceForward[l] |= !net.layer(l).frozen();
            }
        }

        float modelRate() {
            return schedule == null ? rate : schedule.rate(steps);
        }

        /** A valid forward pass of {@code b} rows from a fresh, strided, offset input. */
        void forward(Random rnd, int b) {
            int in = net.inputs(), slack = rnd.nextInt(3), off = rnd.nextInt(3);
            float[] input = values(rnd, off + (b - 1) * (in + slack) + in + rnd.nextInt(2));
            if (rnd.nextInt(20) == 0) {
                input[off + rnd.nextInt(in)] = rnd.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY;
            }
            x = input;
            xOff = off;
            ldx = in + slack;
            net.forward(x, xOff, ldx, b);
        }
    }

    static float[] values(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextFloat() * 2 - 1;
        }
        return v;
    }

    /** Every array of the state (copied), and every scalar, by name. */
    static final class Snapshot {
        final Map<String, float[]> arrays = new LinkedHashMap<>();
        final Map<String, Object> scalars = new LinkedHashMap<>();

        Snapshot(World w) {
            w.live.forEach((k, v) -> arrays.put(k, v.get().clone()));
            Network net = w.net;
            scalars.put("batch", net.batch());
            scalars.put("lossReady", net.lossReady());
            scalars.put("output rows", net.output().rows());
            scalars.put("steps", w.sgd.steps());
            scalars.put("learningRate", Float.floatToRawIntBits(w.sgd.learningRate()));
            for (int l = 0; l < net.depth(); l++) {
                scalars.put("frozen" + l, net.layer(l).frozen());
                scalars.put("diag" + l, List.of(w.diag.weightGradNorm(l), w.diag.weightGradMax(l),
                        w.diag.biasGradNorm(l), w.diag.activationNaN(l), w.diag.activationInf(l),
                        w.diag.gradientNaN(l), w.diag.gradientInf(l), w.diag.deadShare(l),
                        w.diag.frozen(l), w.diag.state(l)));
            }
            scalars.put("verdict", w.diag.verdict());
        }

        /** The first difference outside {@code ignored} (array names), or null. */
        String firstDifference(Snapshot after, Set<String> ignored) {
            for (String k : arrays.keySet()) {
                if (ignored.contains(k)) {
                    continue;
                }
                float[] a = arrays.get(k), b = after.arrays.get(k);
                for (int i = 0; i < a.length; i++) {
                    if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                        return k + "[" + i + "] changed from " + a[i] + " to " + b[i];
                    }
                }
            }
            for (String k : scalars.keySet()) {
                if (!Objects.equals(scalars.get(k), after.scalars.get(k)) && !ignored.contains(k)) {
                    return k + " changed from " + scalars.get(k) + " to " + after.scalars.get(k);
                }
            }
            return null;
        }
    }

    // ------------------------------------------------------------------------------ the run

    static void run(long seed, List<Long> ops) {
        World w = new World(seed);
        List<String> log = new ArrayList<>();
        log.add("network " + w.net + " maxBatch " + w.net.maxBatch() + " momentum " + w.momentum
                + " weightDecay " + w.weightDecay);
        for (long op : ops) {
            Random rnd = new Random(op);
            int kind = (int) Math.floorMod(op, 19L);
            Snapshot before = new Snapshot(w);
            try {
                String line = apply(w, kind, rnd, before);
                log.add(line);
                String key = line.contains("rejected") ? "rejected" : line.split("[ :]")[0];
                synchronized (COUNTS) {
                    COUNTS.merge(key, 1, Integer::sum);
                }
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n  after: " + String.join("\n         ", log), e);
            }
            // The model's scalars against the network's, after every operation.
            check(w.batch == w.net.batch(), "batch " + w.net.batch() + ", model " + w.batch, log);
            check(w.lossReady == w.net.lossReady(), "lossReady " + w.net.lossReady(), log);
            check(w.steps == w.sgd.steps(), "steps " + w.sgd.steps() + ", model " + w.steps, log);
            check(Float.floatToRawIntBits(w.modelRate()) == Float.floatToRawIntBits(w.sgd.learningRate()),
                    "learning rate " + w.sgd.learningRate() + ", model " + w.modelRate(), log);
        }
    }

    static void check(boolean ok, String what, List<String> log) {
        if (!ok) {
            fail(what + "\n  after: " + String.join("\n         ", log));
        }
    }

    /** Applies operation {@code kind}, checks it, returns a line for the log. */
    static String apply(World w, int kind, Random rnd, Snapshot before) {
        Network net = w.net;
        switch (kind) {
            case 0, 1 -> {
                int b = 1 + rnd.nextInt(net.maxBatch());
                w.forward(rnd, b);
                w.batch = b;
                w.lossReady = false;
                Arrays.fill(w.changedSinceForward, false);
                checkForward(w, before);
                return "forward " + b + " rows";
            }
            case 2 -> {
                float[] t = values(rnd, net.maxBatch() * net.outputs() + 3);
                int off = rnd.nextInt(3);
                if (w.batch < 0) {
                    rejected(w, before, IllegalStateException.class, () -> net.loss(t, off, net.outputs()));
                    return "loss before any forward: rejected";
                }
                float loss = net.loss(t, off, net.outputs());
                w.lossReady = true;
                checkLoss(w, before, t, off, loss);
                return "loss";
            }
            case 3, 4 -> {
                Gradients mode = kind == 3 ? Gradients.ACCUMULATE : Gradients.OVERWRITE;
                if (!w.lossReady) {
                    rejected(w, before, IllegalStateException.class, () -> net.backward(mode));
                    return "backward " + mode + " without a loss: rejected";
                }
                int lowest = 0;
                while (lowest < net.depth() && net.layer(lowest).frozen()) {
                    lowest++;
                }
                for (int l = lowest; l < net.depth(); l++) {
                    if (w.changedSinceForward[l]) {
                        rejected(w, before, IllegalStateException.class, () -> net.backward(mode));
                        return "backward " + mode + " after layer " + l + " changed: rejected";
                    }
                }
                net.backward(mode);
                checkBackward(w, before, mode == Gradients.ACCUMULATE);
                return "backward " + mode;
            }
            case 5 -> {
                net.zeroGrad();
                Set<String> written = keys(net, "gW", "gb");
                same(before, w, written);
                for (String k : written) {
                    for (float v : w.live.get(k).get()) {
                        check(Float.floatToRawIntBits(v) == 0, k + " not zeroed", List.of());
                    }
                }
                return "zeroGrad";
            }
            case 6 -> {
                float lr = w.modelRate();
                w.sgd.step();
                checkStep(w, before, lr);
                w.markStepped();
                return "step at " + lr;
            }
            case 7 -> {
                OptionalInt expected = OptionalInt.empty();
                for (int l = 0; l < net.depth() && expected.isEmpty(); l++) {
                    if (!net.layer(l).frozen() && (!finite(before.arrays.get("gW" + l))
                            || !finite(before.arrays.get("gb" + l)))) {
                        expected = OptionalInt.of(l);
                    }
                }
                float lr = w.modelRate();
                OptionalInt got = w.sgd.stepIfFinite();
                assertEquals(expected, got, "stepIfFinite");
                if (got.isPresent()) {
                    same(before, w, Set.of());
                    return "stepIfFinite: refused, layer " + got.getAsInt();
                }
                checkStep(w, before, lr);
                w.markStepped();
                return "stepIfFinite: applied at " + lr;
            }
            case 8 -> {
                int l = rnd.nextInt(net.depth());
                boolean bias = net.layer(l).hasBias() && rnd.nextBoolean();
                float[] g = bias ? net.layer(l).biasGrad() : net.layer(l).weightGrad();
                int i = rnd.nextInt(g.length);
                float bad = rnd.nextBoolean() ? Float.NaN : Float.NEGATIVE_INFINITY;
                g[i] = bad;
                before.arrays.get((bias ? "gb" : "gW") + l)[i] = bad;
                same(before, w, Set.of());
                return "gradient " + (bias ? "gb" : "gW") + l + "[" + i + "] = " + bad;
            }
            case 9 -> {
                int l = rnd.nextInt(net.depth());
                Dense d = net.layer(l);
                if (d.frozen()) {
                    d.unfreeze();
                    same(before, w, Set.of("frozen" + l));
                    return "unfreeze layer " + l;
                }
                d.freeze();
                Set<String> written = Set.of("gW" + l, "gb" + l, "frozen" + l);
                same(before, w, written);
                check(allZero(d.weightGrad()) && (!d.hasBias() || allZero(d.biasGrad())),
                        "freeze zeroes the layer's gradients", List.of());
                return "freeze layer " + l;
            }
            case 10 -> {
                if (rnd.nextBoolean()) {
                    w.rate = 0.001f + rnd.nextFloat() * 0.1f;
                    w.schedule = null;
                    w.sgd.setLearningRate(w.rate);
                    same(before, w, Set.of("learningRate"));
                    return "setLearningRate " + w.rate;
                }
                w.schedule = LearningRateSchedule.stepDecay(0.1f, 0.5f, 1 + rnd.nextInt(3));
                w.sgd.setSchedule(w.schedule);
                same(before, w, Set.of("learningRate"));
                return "setSchedule " + w.schedule;
            }
            case 11 -> {
                int b = 1 + rnd.nextInt(net.maxBatch());
                float[] xo = values(rnd, b * net.inputs());
                Network mine = w.reader;
                float[] got;
                try {
                    got = other.submit(() -> mine.forward(xo, 0, net.inputs(), b).toArray()).get();
                } catch (Exception e) {
                    throw new AssertionError("inference on another thread failed", e);
                }
                Network here = net.sharingWeights(b); // made now: packs the weights as they are
                Compare.sameArray(here.forward(xo, 0, net.inputs(), b).toArray(), got,
                        "inference on another thread by a network made at the start");
                checkLayers(here, xo, 0, net.inputs(), b);
                same(before, w, Set.of());
                return "inference of " + b + " rows on another thread";
            }
            case 12 -> {
                w.diag.update(net);
                checkDiagnostics(w);
                same(before, w, Set.of("diag", "verdict"));
                return "diagnostics: " + w.diag.verdict();
            }
            case 13 -> {
                Parameter p = net.parameters().get(rnd.nextInt(net.parameters().size()));
                float[] v = values(rnd, p.size() + 2);
                p.copyFrom(v, 2);
                String key = (p.kind() == Parameter.Kind.WEIGHT ? "W" : "b") + net.layers().indexOf(net.layerOf(p));
                Compare.sameArray(Arrays.copyOfRange(v, 2, v.length), w.live.get(key).get(), p.name());
                same(before, w, Set.of(key));
                w.changedSinceForward[net.layers().indexOf(net.layerOf(p))] = true;
                return "write " + p.name();
            }
            case 14 -> {
                // Another network of the same modules (or this one's own file): every weight replaced.
                Network source = rnd.nextBoolean() ? net : copyOf(net, rnd);
                loadOwnFile(net, source.toSafeTensors());
                Set<String> written = keys(net, "W", "b");
                for (String k : written) {
                    Compare.sameArray(weightsByKey(source, k), w.live.get(k).get(), "loaded " + k);
                }
                same(before, w, written);
                Arrays.fill(w.changedSinceForward, true);
                return "loadWeights";
            }
            case 15 -> {
                if (net.parameterCount() > 200 || w.batch < 0) {
                    return "skipped gradCheck";
                }
                float[] t = values(rnd, w.batch * net.outputs());
                GradCheck.check(net, w.x, w.xOff, w.ldx, t, 0, net.outputs(), w.batch, 1e-3);
                same(before, w, Set.of());
                return "gradCheck";
            }
            case 16 -> {
                // forward, loss and backward in a row, each checked: the order training uses.
                String f = apply(w, 0, rnd, before);
                String l = apply(w, 2, rnd, new Snapshot(w));
                String b = apply(w, 3 + rnd.nextInt(2), rnd, new Snapshot(w));
                return "chain: " + f + ", " + l + ", " + b;
            }
            default -> {
                return badCall(w, rnd, before);
            }
        }
    }

    /** Loads contents a network of the same modules wrote: a refusal is a failure. */
    static void loadOwnFile(Network net, org.vecprop.io.SafeTensors contents) {
        try {
            net.loadWeights(contents);
        } catch (org.vecprop.io.FileRejectedException e) {
            throw new AssertionError("a network's own file was refused", e);
        }
    }

    /** A network of the same modules as {@code net} with other weights (no shared arrays). */
    static Network copyOf(Network net, Random rnd) {
        Network copy;
        try {
            copy = Network.fromSafeTensors(net.toSafeTensors(), 1);
        } catch (org.vecprop.io.FileRejectedException e) {
            throw new AssertionError("a network's own file was refused", e);
        }
        for (Parameter p : copy.parameters()) {
            p.copyFrom(values(rnd, p.size()), 0);
        }
        return copy;
    }

    static float[] weightsByKey(Network net, String key) {
        int l = Integer.parseInt(key.substring(1));
        Dense d = net.layer(l);
        return key.charAt(0) == 'W' ? d.weightArray() : d.hasBias() ? d.biasArray() : new float[0];
    }

    static Set<String> keys(Network net, String... prefixes) {
        Set<String> k = new java.util.HashSet<>();
        for (int l = 0; l < net.depth(); l++) {
            for (String p : prefixes) {
                k.add(p + l);
            }
        }
        return k;
    }

    static boolean finite(float[] a) {
        for (float v : a) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    static boolean allZero(float[] a) {
        for (float v : a) {
            if (Float.floatToRawIntBits(v) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Everything but {@code written} (array names; scalar names; "diag"/"verdict") unchanged. */
    static void same(Snapshot before, World w, Set<String> written) {
        Snapshot after = new Snapshot(w);
        Set<String> ignored = new java.util.HashSet<>(written);
        if (written.contains("diag")) {
            for (int l = 0; l < w.net.depth(); l++) {
                ignored.add("diag" + l);
            }
        }
        String d = before.firstDifference(after, ignored);
        if (d != null) {
            fail("the operation changed what it must not: " + d);
        }
    }

    static void rejected(World w, Snapshot before, Class<? extends Exception> type,
                         org.junit.jupiter.api.function.Executable call) {
        assertThrows(type, call);
        String d = before.firstDifference(new Snapshot(w), Set.of());
        if (d != null) {
            fail("a rejected call changed the state: " + d);
        }
    }

    // ------------------------------------------------------------------------------ the model

    /** Rows [0, rows) of a buffer against expected values within per-element tolerances. */
    static void close(float[] expected, float[] actual, double[] tol, int n, String what) {
        for (int i = 0; i < n; i++) {
            Compare.close(expected[i], actual[i], tol[i], what + "[" + i + "]");
        }
    }

    /** Elements from {@code from} on keep their bits. */
    static void tailUnchanged(float[] before, float[] after, int from, String what) {
        for (int i = from; i < before.length; i++) {
            if (Float.floatToRawIntBits(before[i]) != Float.floatToRawIntBits(after[i])) {
                fail(what + "[" + i + "], past the rows written, changed");
            }
        }
    }

    /**
     * Each layer's output against the reference forward of the real input it got:
     * {@code f(X·W + b)} with the GEMM bound and the bias add's.
     */
    static void checkLayers(Network net, float[] x, int xOff, int ldx, int b) {
        float[] in = x;
        int inOff = xOff, ldIn = ldx;
        for (int l = 0; l < net.depth(); l++) {
            Dense d = net.layer(l);
            int k = d.inputs(), n = d.outputs();
            float[] z = new float[b * n];
            ReferenceGemm.multiply(false, false, b, n, k, 1f, in, inOff, ldIn, d.weightArray(), 0, n,
                    0f, z, 0, n);
            float[] expected = z.clone();
            if (d.hasBias()) {
                ReferenceBias.add(b, n, expected, 0, n, d.biasArray(), 0, expected, 0, n);
            }
            if (d.activation() == Activation.RELU) {
                ReferenceRelu.forward(b, n, expected, 0, n, expected, 0, n);
            }
            double[] tol = new double[b * n];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < n; j++) {
                    double t = 0;
                    for (int p = 0; p < k; p++) {
                        t += Math.abs((double) in[inOff + i * ldIn + p] * d.weightArray()[p * n + j]);
                    }
                    double bias = d.hasBias() ? Math.abs(d.biasArray()[j]) : 0;
                    tol[i * n + j] = (2.0 * k + 5) * U * t * (1 + U) + 2 * U * (Math.abs(z[i * n + j]) + bias)
                            + Compare.SUBNORMAL_ROUNDING * 4;
                }
            }
            close(expected, d.output(), tol, b * n, "A" + l);
            in = d.output();
            inOff = 0;
            ldIn = n;
        }
    }

    static void checkForward(World w, Snapshot before) {
        Network net = w.net;
        int b = w.batch;
        checkLayers(net, w.x, w.xOff, w.ldx, b);
        Set<String> written = new java.util.HashSet<>(Set.of("batch", "lossReady", "output rows"));
        for (int l = 0; l < net.depth(); l++) {
            written.add("A" + l);
            tailUnchanged(before.arrays.get("A" + l), net.layer(l).output(), b * net.layer(l).outputs(),
                    "A" + l);
        }
        same(before, w, written);
        check(net.output().rows() == b, "output rows " + net.output().rows(), List.of());
    }

    static void checkLoss(World w, Snapshot before, float[] t, int tOff, float loss) {
        Network net = w.net;
        int b = w.batch, n = net.outputs();
        float[] dP = new float[net.maxBatch() * n];
        float[] p = net.layer(net.depth() - 1).output();
        float expected = ReferenceMse.lossAndGradient(b, n, p, 0, n, t, tOff, n, dP, 0, n);
        float[] got = net.lossGradient();
        for (int i = 0; i < b * n; i++) {
            Compare.same(dP[i], got[i], "dP[" + i + "]");
        }
        tailUnchanged(before.arrays.get("dP"), got, b * n, "dP");
        Compare.close(expected, loss, 40 * U * Math.abs(expected) + Float.MIN_VALUE, "loss");
        same(before, w, Set.of("dP", "lossReady"));
    }

    static void checkBackward(World w, Snapshot before, boolean accumulate) {
        Network net = w.net;
        int b = w.batch, depth = net.depth();
        int lowest = 0;
        while (lowest < depth && net.layer(lowest).frozen()) {
            lowest++;
        }
        Set<String> written = new java.util.HashSet<>();
        float[] dA = net.lossGradient();
        for (int l = depth - 1; l >= lowest; l--) {
            Dense d = net.layer(l);
            int in = d.inputs(), out = d.outputs();
            boolean relu = d.activation() == Activation.RELU, trainable = !d.frozen();
            // dZ: bit for bit from the real A and dA.
            float[] dz = dA;
            if (relu) {
                float[] expectedDz = new float[b * out];
                ReferenceRelu.backward(b, out, d.output(), 0, out, dA, 0, out, expectedDz, 0, out);
                for (int i = 0; i < b * out; i++) {
                    Compare.same(expectedDz[i], d.outputGrad()[i], "dZ" + l + "[" + i + "]");
                }
                tailUnchanged(before.arrays.get("dZ" + l), d.outputGrad(), b * out, "dZ" + l);
                written.add("dZ" + l);
                dz = d.outputGrad();
            }
            if (trainable) {
                if (d.hasBias()) {
                    float[] db = before.arrays.get("gb" + l).clone();
                    ReferenceBias.gradient(b, out, dz, 0, out, db, 0, accumulate);
                    Compare.sameArray(db, d.biasGrad(), "gb" + l);
                    written.add("gb" + l);
                }
                float[] layerIn = l == 0 ? w.x : net.layer(l - 1).output();
                int inOff = l == 0 ? w.xOff : 0, ldIn = l == 0 ? w.ldx : in;
                float[] g0 = before.arrays.get("gW" + l), dW = g0.clone();
                ReferenceGemm.multiply(true, false, in, out, b, 1f, layerIn, inOff, ldIn, dz, 0, out,
                        accumulate ? 1f : 0f, dW, 0, out);
                double[] tol = new double[in * out];
                for (int p = 0; p < in; p++) {
                    for (int j = 0; j < out; j++) {
                        double t = accumulate ? Math.abs(g0[p * out + j]) : 0;
                        for (int i = 0; i < b; i++) {
                            t += Math.abs((double) layerIn[inOff + i * ldIn + p] * dz[i * out + j]);
                        }
                        tol[p * out + j] = (2.0 * b + 5) * U * t + Compare.SUBNORMAL_ROUNDING * 4;
                    }
                }
                close(dW, d.weightGrad(), tol, in * out, "gW" + l);
                written.add("gW" + l);
            }
            if (l > lowest) {
                float[] dX = new float[b * in];
                ReferenceGemm.multiply(false, true, b, in, out, 1f, dz, 0, out, d.weightArray(), 0, out,
                        0f, dX, 0, in);
                double[] tol = new double[b * in];
                for (int i = 0; i < b; i++) {
                    for (int p = 0; p < in; p++) {
                        double t = 0;
                        for (int j = 0; j < out; j++) {
                            t += Math.abs((double) dz[i * out + j] * d.weightArray()[p * out + j]);
                        }
                        tol[i * in + p] = (2.0 * out + 5) * U * t + Compare.SUBNORMAL_ROUNDING * 4;
                    }
                }
                close(dX, d.inputGrad(), tol, b * in, "dX" + l);
                tailUnchanged(before.arrays.get("dX" + l), d.inputGrad(), b * in, "dX" + l);
                written.add("dX" + l);
                dA = d.inputGrad();
            }
        }
        same(before, w, written);
    }

    static void checkStep(World w, Snapshot before, float lr) {
        Network net = w.net;
        Set<String> written = new java.util.HashSet<>(Set.of("steps", "learningRate"));
        for (int l = 0; l < net.depth(); l++) {
            Dense d = net.layer(l);
            if (d.frozen()) {
                continue;
            }
            for (String s : new String[] {"", "b"}) {
                String wk = s.isEmpty() ? "W" + l : "b" + l, gk = s.isEmpty() ? "gW" + l : "gb" + l;
                String vk = s.isEmpty() ? "vW" + l : "vb" + l;
                float[] wv = before.arrays.get(wk).clone(), g = before.arrays.get(gk).clone();
                float[] v = before.arrays.get(vk).clone();
                if (wv.length == 0) {
                    continue;
                }
                ReferenceUpdate.sgd(wv.length, wv, 0, g, 0, w.momentum == 0 ? null : v, 0, lr,
                        w.momentum, s.isEmpty() ? w.weightDecay : 0f, true);
                Compare.sameArray(wv, w.live.get(wk).get(), wk + " after the step");
                Compare.sameArray(g, w.live.get(gk).get(), gk + " after the step");
                Compare.sameArray(v, w.live.get(vk).get(), vk + " after the step");
                written.addAll(List.of(wk, gk, vk));
            }
        }
        w.steps++;
        same(before, w, written);
    }

    static void checkDiagnostics(World w) {
        Network net = w.net;
        Diagnostics d = w.diag;
        double[] s = new double[4];
        int b = Math.max(0, net.batch());
        for (int l = 0; l < net.depth(); l++) {
            Dense layer = net.layer(l);
            ReferenceStats.summarize(layer.inputs(), layer.outputs(), layer.weightGrad(), 0,
                    layer.outputs(), s);
            double norm = Math.sqrt(s[ReferenceStats.SUM_SQUARES]);
            assertEquals(norm, d.weightGradNorm(l), 1e-5 * norm + 1e-30, "weight gradient norm " + l);
            assertEquals(s[ReferenceStats.MAX_ABS], d.weightGradMax(l), "max " + l);
            long nan = (long) s[ReferenceStats.NAN_COUNT], inf = (long) s[ReferenceStats.INF_COUNT];
            double biasNorm = 0;
            if (layer.hasBias()) {
                ReferenceStats.summarize(1, layer.outputs(), layer.biasGrad(), 0, layer.outputs(), s);
                biasNorm = Math.sqrt(s[ReferenceStats.SUM_SQUARES]);
                nan += (long) s[ReferenceStats.NAN_COUNT];
                inf += (long) s[ReferenceStats.INF_COUNT];
            }
            assertEquals(biasNorm, d.biasGradNorm(l), 1e-5 * biasNorm + 1e-30, "bias gradient norm " + l);
            assertEquals(nan, d.gradientNaN(l), "gradient NaN " + l);
            assertEquals(inf, d.gradientInf(l), "gradient Inf " + l);
            ReferenceStats.summarize(b, layer.outputs(), layer.output(), 0, layer.outputs(), s);
            assertEquals((long) s[ReferenceStats.NAN_COUNT], d.activationNaN(l), "activation NaN " + l);
            assertEquals((long) s[ReferenceStats.INF_COUNT], d.activationInf(l), "activation Inf " + l);
            int dead = layer.activation() == Activation.RELU && b > 0
                    ? ReferenceStats.deadColumns(b, layer.outputs(), layer.output(), 0, layer.outputs()) : 0;
            assertEquals((double) dead / layer.outputs(), d.deadShare(l), "dead share " + l);
            assertEquals(layer.frozen(), d.frozen(l), "frozen " + l);
            Diagnostics.LayerState expected = layer.frozen() ? Diagnostics.LayerState.FROZEN
                    : d.activationNaN(l) + d.activationInf(l) + nan + inf > 0 ? Diagnostics.LayerState.NON_FINITE
                    : layer.activation() == Activation.RELU && (double) dead / layer.outputs()
                            >= Diagnostics.DEAD_LAYER_SHARE ? Diagnostics.LayerState.DEAD
                    : d.weightGradNorm(l) == 0 && d.biasGradNorm(l) == 0 ? Diagnostics.LayerState.NO_GRADIENT
                    : Diagnostics.LayerState.OK;
            assertEquals(expected, d.state(l), "state of layer " + l);
        }
    }

    // ------------------------------------------------------------------------------ bad calls

    static String badCall(World w, Random rnd, Snapshot before) {
        Network net = w.net;
        int in = net.inputs(), out = net.outputs(), max = net.maxBatch();
        float[] x = values(rnd, max * in), t = values(rnd, max * out);
        int which = rnd.nextInt(20);
        switch (which) {
            case 0 -> rejected(w, before, IllegalArgumentException.class, () -> net.forward(x, 0, in, 0));
            case 1 -> rejected(w, before, IllegalArgumentException.class, () -> net.forward(
                    values(rnd, (max + 1) * in), 0, in, max + 1));
            case 2 -> rejected(w, before, NullPointerException.class, () -> net.forward(null, 0, in, 1));
            case 3 -> rejected(w, before, IndexOutOfBoundsException.class, () -> net.forward(x, 1, in, max));
            case 4 -> rejected(w, before, IllegalArgumentException.class, () -> net.forward(x, 0, in - 1, 1));
            case 5 -> rejected(w, before, IndexOutOfBoundsException.class, () -> net.forward(x, -1, in, 1));
            case 6 -> rejected(w, before, NullPointerException.class, () -> net.loss(null, 0, out));
            case 7 -> {
                if (w.batch < 0) {
                    rejected(w, before, IllegalStateException.class, () -> net.loss(t, 0, out));
                } else {
                    rejected(w, before, IndexOutOfBoundsException.class,
                            () -> net.loss(new float[w.batch * out - 1], 0, out));
                }
            }
            case 8 -> rejected(w, before, NullPointerException.class, () -> net.backward(null));
            case 9 -> rejected(w, before, IllegalArgumentException.class, () -> w.sgd.setLearningRate(
                    new float[] {Float.NaN, 0f, -1f, Float.POSITIVE_INFINITY}[rnd.nextInt(4)]));
            case 10 -> {
                // A schedule that gives NaN: step and stepIfFinite refuse, nothing changes; then
                // the model's own rate or schedule is put back.
                w.sgd.setSchedule(s -> Float.NaN);
                assertThrows(IllegalStateException.class, w.sgd::step);
                assertThrows(IllegalStateException.class, w.sgd::stepIfFinite);
                if (w.schedule == null) {
                    w.sgd.setLearningRate(w.rate);
                } else {
                    w.sgd.setSchedule(w.schedule);
                }
                same(before, w, Set.of());
            }
            case 11 -> {
                Parameter p = net.parameters().get(rnd.nextInt(net.parameters().size()));
                rejected(w, before, IndexOutOfBoundsException.class,
                        () -> p.copyFrom(new float[p.size()], 1));
            }
            case 12 -> {
                Parameter p = net.parameters().get(rnd.nextInt(net.parameters().size()));
                rejected(w, before, IndexOutOfBoundsException.class, () -> p.set(p.size(), 1f));
            }
            case 13 -> {
                // New values for every tensor but the last, which has the wrong shape: the load
                // must check everything before it writes anything.
                Map<String, org.vecprop.io.Tensor> tensors = new LinkedHashMap<>();
                List<Parameter> params = net.parameters();
                for (int i = 0; i < params.size(); i++) {
                    Parameter p = params.get(i);
                    int[] shape = net.toSafeTensors().tensors().get(p.name()).shape();
                    tensors.put(p.name(), i < params.size() - 1
                            ? org.vecprop.io.Tensor.of(values(rnd, p.size()), shape)
                            : org.vecprop.io.Tensor.of(new float[1], 1, 1, 1));
                }
                org.vecprop.io.SafeTensors bad = new org.vecprop.io.SafeTensors(tensors, Map.of());
                rejected(w, before, org.vecprop.io.FileRejectedException.class, () -> net.loadWeights(bad));
            }
            case 14 -> {
                Network otherShape = Network.mlp(1, 1, in + 1, 2);
                rejected(w, before, IllegalArgumentException.class, () -> w.diag.update(otherShape));
            }
            case 15 -> rejected(w, before, IndexOutOfBoundsException.class, () -> net.layer(net.depth()));
            case 16 -> rejected(w, before, IndexOutOfBoundsException.class,
                    () -> net.output().get(Math.max(0, net.output().rows()), 0));
            case 17 -> rejected(w, before, IllegalArgumentException.class,
                    () -> GradCheck.check(net, x, 0, in, t, 0, out, 1, Double.NaN));
            case 18 -> rejected(w, before, IllegalArgumentException.class,
                    () -> new Sgd(net, SgdOptions.learningRate(0.1f).withMomentum(1f)));
            default -> rejected(w, before, IllegalArgumentException.class,
                    () -> net.parameter("no such parameter"));
        }
        return "bad call " + which + ": rejected";
    }
}
