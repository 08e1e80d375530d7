package org.vecprop.fuzz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.vecprop.io.Idx;
import org.vecprop.io.SafeTensors;
import org.vecprop.nn.Adam;
import org.vecprop.nn.AdamOptions;
import org.vecprop.nn.Network;
import org.vecprop.nn.Optimizer;
import org.vecprop.nn.Sgd;
import org.vecprop.nn.SgdOptions;

/**
 * The fuzz targets by name, with the allocation bound each reader documents.
 *
 * <ul>
 *   <li>{@code safetensors}: {@link SafeTensors#read(byte[])} and {@link SafeTensors#read(Path)}
 *       on the input; bound {@code MAX_ALLOCATION_PER_BYTE x N + 1 MiB};</li>
 *   <li>{@code network}: the input as a model file, {@link Network#load} at maxBatch 4 and
 *       {@link Network#loadWeights} into a fixed 2-3-1 network; bound
 *       {@code (MAX_ALLOCATION_PER_BYTE + 8) x N + 4 x maxBatch x N + 1 MiB} (see
 *       {@code Network.load}); a network that loads must then run a forward pass;</li>
 *   <li>{@code idx}: the input split into two files (a 2-byte big-endian length of the first,
 *       the first, the second), each read with {@link Idx#header}, {@link Idx#readImages(Path)}
 *       and {@link Idx#readLabels(Path, int)}, and the two as a pair with {@link Idx#read}; bound
 *       {@code 4 x D + 1 MiB} per call, D the decompressed size of the files it reads;</li>
 *   <li>{@code optimizer-state}: the input as a state file, {@code Optimizer.loadState} into an
 *       AdamW and an SGD with momentum over a fixed 2-3-1 network (the seeds are their own
 *       files, so mutations reach past the kind and hyper-parameter checks); bound
 *       {@code (MAX_ALLOCATION_PER_BYTE + 4) x N + 1 MiB} (the file's tensors, a copy and a
 *       transposed copy of each). Adding it took the method below and its seeds.</li>
 * </ul>
 */
public final class FileTargets {
    private FileTargets() {}

    /** The registry: add a reader here to fuzz it (see {@link FileTarget}). */
    public static final Map<String, FileTarget> ALL = new LinkedHashMap<>();

    static {
        ALL.put("safetensors", FileTargets::safetensors);
        ALL.put("network", FileTargets::network);
        ALL.put("idx", FileTargets::idx);
        ALL.put("optimizer-state", FileTargets::optimizerState);
    }

    /** {@return the target of that name} */
    public static FileTarget get(String name) {
        FileTarget t = ALL.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no fuzz target \"" + name + "\"; there are " + ALL.keySet());
        }
        return t;
    }

    static long safeTensorsBound(long n) {
        return SafeTensors.MAX_ALLOCATION_PER_BYTE * n + Meter.CONSTANT;
    }

    static void safetensors(byte[] input, Meter m) throws IOException {
        long bound = safeTensorsBound(input.length);
        m.measure("SafeTensors.read(byte[])", bound, () -> SafeTensors.read(input));
        Path f = m.file(input);
        m.measure("SafeTensors.read(Path)", bound, () -> SafeTensors.read(f));
    }

    static final int MAX_BATCH = 4;

    /** Network.load's documented bound for a file of {@code n} bytes at {@code maxBatch}. */
    static long networkBound(long n, int maxBatch) {
        return (SafeTensors.MAX_ALLOCATION_PER_BYTE + 8L) * n + 4L * maxBatch * n + Meter.CONSTANT;
    }

    static void network(byte[] input, Meter m) throws IOException {
        Path f = m.file(input);
        long n = input.length;
        long bound = networkBound(n, MAX_BATCH);
        Network loaded = m.measure("Network.load", bound, () -> Network.load(f, MAX_BATCH));
        if (loaded != null) {
            // A network a file describes must work: a forward pass of zeros, outputs finite.
            float[] x = new float[MAX_BATCH * loaded.inputs()];
            float[] y = loaded.forward(x, 0, loaded.inputs(), MAX_BATCH).toArray();
            if (y.length != MAX_BATCH * loaded.outputs()) {
                throw new AssertionError("network: a loaded network's forward pass gave " + y.length
                        + " outputs for " + MAX_BATCH + " x " + loaded.outputs());
            }
        }
        Network fixed = Network.mlp(MAX_BATCH, 1, 2, 3, 1);
        m.measure("Network.loadWeights", bound, () -> {
            fixed.loadWeights(f);
            return fixed;
        });
    }

    static void idx(byte[] input, Meter m) throws IOException {
        int split = input.length < 2 ? input.length
                : Math.min(input.length, 2 + ((input[0] & 0xff) << 8 | (input[1] & 0xff)));
        byte[] a = input.length < 2 ? input : Arrays.copyOfRange(input, 2, split);
        byte[] b = Arrays.copyOfRange(input, split, input.length);
        Path fa = m.file(a), fb = m.file(b);
        long da = Decompressed.size(a), db = Decompressed.size(b);
        for (Path f : new Path[] {fa, fb}) {
            long bound = 4 * (f == fa ? da : db) + Meter.CONSTANT;
            m.measure("Idx.header", bound, () -> Idx.header(f));
            m.measure("Idx.readImages", bound, () -> Idx.readImages(f));
            m.measure("Idx.readLabels(10)", bound, () -> Idx.readLabels(f, 10));
        }
        m.measure("Idx.read(pair)", 4 * (da + db) + Meter.CONSTANT, () -> Idx.read(fa, fb, 10));
    }

    /** The optimizers the state target loads into, as {@link SeedCorpus} writes their seeds. */
    static Optimizer[] stateOptimizers() {
        return new Optimizer[] {new Adam(Network.mlp(1, 1, 2, 3, 1), AdamOptions.adamW(1e-3f)),
            new Sgd(Network.mlp(1, 1, 2, 3, 1), SgdOptions.learningRate(0.1f).withMomentum(0.9f))};
    }

    private static final Optimizer[] STATE_OPTIMIZERS = stateOptimizers();

    static void optimizerState(byte[] input, Meter m) throws IOException {
        Path f = m.file(input);
        long bound = (SafeTensors.MAX_ALLOCATION_PER_BYTE + 4L) * input.length + Meter.CONSTANT;
        for (Optimizer o : STATE_OPTIMIZERS) {
            m.measure(o.getClass().getSimpleName() + ".loadState", bound, () -> {
                o.loadState(f);
                return o;
            });
        }
    }
}
