package org.vecprop.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.vecprop.io.Idx;
import org.vecprop.io.SafeTensors;
import org.vecprop.io.Tensor;
import org.vecprop.kernel.Activation;
import org.vecprop.nn.Dense;
import org.vecprop.nn.Network;

/**
 * Writes the seed corpora of the file fuzzers into {@code src/test/resources/fuzz/TARGET/}:
 * small valid files of each kind (what vecprop writes, what PyTorch and other writers write,
 * plain and gzip IDX files like the real datasets) and a few broken ones, so a fuzzer starts
 * from the format's structure. Run once when the formats change:
 * {@code java -cp target/test-classes:target/classes org.vecprop.fuzz.SeedCorpus src/test/resources/fuzz}.
 */
public final class SeedCorpus {
    private SeedCorpus() {}

    /**
     * Writes the seeds.
     *
     * @param args the corpus root directory
     * @throws IOException if writing fails
     */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources/fuzz");
        // Model files: what vecprop writes, and what safetensors.torch.save_file writes.
        Map<String, byte[]> models = new LinkedHashMap<>();
        models.put("mlp-2-3-1", Network.mlp(1, 1, 2, 3, 1).toSafeTensors().toBytes());
        models.put("smooth", new Network(new Dense(2, 3, Activation.SIGMOID, true, 1, 1),
                new Dense(3, 2, Activation.TANH, false, 1, 2),
                new Dense(2, 1, Activation.IDENTITY, true, 1, 3)).toSafeTensors().toBytes());
        Map<String, Tensor> torch = new LinkedHashMap<>();
        torch.put("2.bias", Tensor.of(new float[] {0.5f}, 1));
        torch.put("0.weight", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
        torch.put("2.weight", Tensor.of(new float[] {-1, 0, 1}, 1, 3));
        torch.put("0.bias", Tensor.of(new float[] {0, 0.25f, Float.NaN}, 3));
        models.put("pytorch-state-dict", new SafeTensors(torch, Map.of("format", "pt")).toBytes());
        Map<String, Tensor> odd = new LinkedHashMap<>();
        odd.put("scalar", Tensor.of(new float[] {42f}));
        odd.put("empty", Tensor.of(new float[0], 4, 0));
        odd.put("cube", Tensor.of(new float[8], 2, 2, 2));
        odd.put("naïve \"quoted\" \\ \n", Tensor.of(new float[] {1f}, 1));
        models.put("odd-tensors", new SafeTensors(odd, Map.of("note", "tab\there, € and \u0001")).toBytes());
        models.put("empty", new SafeTensors(Map.of(), Map.of()).toBytes());
        String other = "{\n  \"b\": {\"shape\": [2], \"dtype\": \"F32\", \"data_offsets\": [8, 16]},\n"
                + "  \"a\": {\"data_offsets\": [0, 8], \"dtype\": \"F32\", \"shape\": [1, 2]},\n"
                + "  \"__metadata__\": {\"format\": \"pt\", \"k\": \"caf\\u00e9 \\ud83d\\ude00\"}\n}   ";
        models.put("other-writer", safetensors(other.getBytes(StandardCharsets.UTF_8), 16));
        models.put("dtype-f16", safetensors(("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],"
                + "\"data_offsets\":[0,4]}}").getBytes(StandardCharsets.UTF_8), 4));
        for (Map.Entry<String, byte[]> e : models.entrySet()) {
            write(root.resolve("safetensors"), e.getKey(), e.getValue());
            if (!e.getKey().equals("odd-tensors") && !e.getKey().equals("other-writer")) {
                write(root.resolve("network"), e.getKey(), e.getValue());
            }
        }
        // Optimizer states: the target's own optimizers (so a seed loads), one after a step, and
        // one of another kind.
        for (org.vecprop.nn.Optimizer o : FileTargets.stateOptimizers()) {
            String kind = o.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
            write(root.resolve("optimizer-state"), kind, o.state().toBytes());
        }
        Network stepped = Network.mlp(1, 1, 2, 3, 1);
        stepped.forward(new float[] {0.5f, -1f}, 0, 2, 1);
        stepped.loss(new float[] {1f}, 0, 1);
        stepped.backward(org.vecprop.nn.Gradients.OVERWRITE);
        org.vecprop.nn.Adam adam = new org.vecprop.nn.Adam(stepped, org.vecprop.nn.AdamOptions.adamW(1e-3f));
        adam.step();
        write(root.resolve("optimizer-state"), "adam-stepped", adam.state().toBytes());
        write(root.resolve("optimizer-state"), "adam-not-w", new org.vecprop.nn.Adam(Network.mlp(1, 1, 2, 3, 1),
                org.vecprop.nn.AdamOptions.adam(1e-3f)).state().toBytes());
        // IDX pairs: images then labels, as the idx target splits its input.
        byte[] pixels = new byte[3 * 4 * 5];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 37);
        }
        byte[] images = idx(Idx.IMAGES_MAGIC, new int[] {3, 4, 5}, pixels);
        byte[] labels = idx(Idx.LABELS_MAGIC, new int[] {3}, new byte[] {0, 9, 4});
        write(root.resolve("idx"), "pair-plain", pair(images, labels));
        write(root.resolve("idx"), "pair-gzip", pair(gzip(images), gzip(labels)));
        write(root.resolve("idx"), "pair-mixed", pair(gzip(images), labels));
        write(root.resolve("idx"), "labels-only", pair(labels, new byte[0]));
        write(root.resolve("idx"), "counts-differ", pair(images, idx(Idx.LABELS_MAGIC, new int[] {2},
                new byte[] {1, 2})));
    }

    static byte[] safetensors(byte[] header, int dataBytes) {
        return ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(header.length).put(header).array();
    }

    static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(data).array();
    }

    static byte[] pair(byte[] a, byte[] b) {
        ByteBuffer out = ByteBuffer.allocate(2 + a.length + b.length);
        return out.putShort((short) a.length).put(a).put(b).array();
    }

    static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        }
        return out.toByteArray();
    }

    static void write(Path dir, String name, byte[] bytes) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("seed-" + name), bytes);
    }
}
