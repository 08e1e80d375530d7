package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecprop.testing.Rejections.rejects;
import static org.vecprop.testing.Rejections.rejectsExactly;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecprop.io.FileRejectedException;
import org.vecprop.io.SafeTensors;
import org.vecprop.io.SafeTensorsFormatException;
import org.vecprop.io.Tensor;
import org.vecprop.kernel.Activation;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Values;

/**
 * A {@link Network}'s weights in safetensors files: PyTorch's names, shapes and {@code out x in}
 * layout, the metadata, round trips bit for bit, loading into a network that has run (its packed
 * weights must follow), and every mismatch or malformed file rejected with nothing changed.
 */
class NetworkFileTest {

    /** Every weight and bias of a network, copied, layer by layer. */
    static List<float[]> weights(Network net) {
        List<float[]> w = new ArrayList<>();
        for (Dense d : net.layers()) {
            w.add(d.weightArray().clone());
            if (d.hasBias()) {
                w.add(d.biasArray().clone());
            }
        }
        return w;
    }

    static void assertSameWeights(List<float[]> expected, Network net, String what) {
        List<float[]> actual = weights(net);
        assertEquals(expected.size(), actual.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            Compare.sameArray(expected.get(i), actual.get(i), what + ": tensor " + i);
        }
    }

    /** A network with random biases (mlp's are zero) and a hidden identity layer without bias. */
    static Network mixed(int maxBatch) {
        Random rnd = new Random(3);
        Network net = new Network(
                new Dense(3, 5, Activation.RELU, true, maxBatch, 1),
                Dense.of(5, 4, Activation.IDENTITY, Values.random(rnd, 20, 0, 1f), null, maxBatch),
                new Dense(4, 2, Activation.IDENTITY, true, maxBatch, 2));
        for (Parameter p : net.parameters()) {
            if (p.kind() == Parameter.Kind.BIAS) {
                p.copyFrom(Values.random(rnd, p.size(), 0, 1f), 0);
            }
        }
        return net;
    }

    @Test
    void sigmoidAndTanhLayersRoundTripAsPytorchModules(@TempDir Path dir) throws IOException {
        Network net = new Network(new Dense(3, 6, Activation.SIGMOID, true, 2, 1),
                new Dense(6, 4, Activation.TANH, true, 2, 2),
                new Dense(4, 2, Activation.IDENTITY, true, 2, 3));
        assertEquals("Linear(3, 6), Sigmoid(), Linear(6, 4), Tanh(), Linear(4, 2)", net.modules());
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"),
                new ArrayList<>(net.toSafeTensors().tensors().keySet()));
        Path file = dir.resolve("smooth.safetensors");
        net.save(file);
        Network back = Network.load(file, 2);
        assertEquals(net.modules(), back.modules());
        assertSameWeights(weights(net), back, "loaded");
        float[] x = Values.random(new Random(4), 6, 0, 1f);
        Compare.sameArray(net.forward(x, 0, 3, 2).toArray(), back.forward(x, 0, 3, 2).toArray(),
                "the loaded network computes the same outputs");
    }

    @Test
    void pytorchNamesShapesLayoutAndMetadata() {
        Network net = mixed(2);
        assertEquals("Linear(3, 5), ReLU(), Linear(5, 4, bias=False), Linear(4, 2)", net.modules());
        SafeTensors st = net.toSafeTensors();
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "3.weight", "3.bias"),
                new ArrayList<>(st.tensors().keySet()));
        assertEquals("pt", st.metadata().get("format"));
        assertEquals(net.modules(), st.metadata().get("vecprop.modules"));
        assertEquals(NetworkFile.LAYOUT, st.metadata().get("vecprop.layout"));
        // 0.weight is torch's out x in: element [o][i] is vecprop's W[i][o].
        Tensor w0 = st.tensors().get("0.weight");
        assertArrayEquals(new int[] {5, 3}, w0.shape());
        float[] w = net.layer(0).weightArray();
        for (int i = 0; i < 3; i++) {
            for (int o = 0; o < 5; o++) {
                Compare.same(w[i * 5 + o], w0.get(o * 3 + i), "0.weight[" + o + "][" + i + "]");
            }
        }
        assertArrayEquals(new int[] {5}, st.tensors().get("0.bias").shape());
        assertArrayEquals(new int[] {4, 5}, st.tensors().get("2.weight").shape());
        assertArrayEquals(new int[] {2, 4}, st.tensors().get("3.weight").shape());
        assertArrayEquals(net.layer(2).biasArray(), st.tensors().get("3.bias").toArray());
        // A 2-64-64-1 MLP: the indices of nn.Sequential(Linear, ReLU, Linear, ReLU, Linear).
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"),
                new ArrayList<>(Network.mlp(1, 1, 2, 64, 64, 1).toSafeTensors().tensors().keySet()));
    }

    @Test
    void saveAndLoadRoundTripBitForBit(@TempDir Path dir) throws IOException {
        Network net = mixed(4);
        float[] x = Values.random(new Random(4), 4 * 3, 0, 1f);
        float[] y = net.forward(x, 0, 3, 4).toArray();
        Path f = dir.resolve("net.safetensors");
        net.save(f);
        Network loaded = Network.load(f, 4);
        assertEquals(net.modules(), loaded.modules());
        assertSameWeights(weights(net), loaded, "loaded");
        Compare.sameArray(y, loaded.forward(x, 0, 3, 4).toArray(), "the same forward pass");
        // Loaded from the file into an existing network of the same modules (other weights).
        Network other = mixed(2);
        for (Parameter p : other.parameters()) {
            p.fill(0.25f);
        }
        other.loadWeights(f);
        assertSameWeights(weights(net), other, "loadWeights(file)");
        // Saved again, the file is the same bytes.
        Path g = dir.resolve("again.safetensors");
        loaded.save(g);
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(g));
        // An MLP with every activation, through memory.
        Network mlp = Network.mlp(3, 9, 7, 11, 5, 2);
        Network back = Network.fromSafeTensors(SafeTensors.read(mlp.toSafeTensors().toBytes()), 3);
        assertSameWeights(weights(mlp), back, "mlp");
        assertEquals(3, back.maxBatch());
    }

    @Test
    void loadWeightsReplacesWeightsTheForwardPassUses() throws IOException {
        // The target has run a forward pass, so its packed weights are current: a load must make
        // them stale, or forward would keep computing with the old weights.
        Network source = Network.mlp(4, 1, 6, 9, 3);
        Network target = Network.mlp(4, 2, 6, 9, 3);
        Network sharing = target.sharingWeights(4);
        float[] x = Values.random(new Random(5), 4 * 6, 0, 1f);
        float[] before = target.forward(x, 0, 6, 4).toArray();
        sharing.forward(x, 0, 6, 4);
        target.loadWeights(source.toSafeTensors());
        assertSameWeights(weights(source), target, "loaded");
        float[] expected = source.forward(x, 0, 6, 4).toArray();
        Compare.sameArray(expected, target.forward(x, 0, 6, 4).toArray(), "forward after the load");
        Compare.sameArray(expected, sharing.forward(x, 0, 6, 4).toArray(), "a network sharing them");
        assertTrue(!java.util.Arrays.equals(before, expected), "the load must show");
    }

    @Test
    void aFileAsPyTorchWritesItLoads() throws FileRejectedException {
        // safetensors.torch.save_file(model.state_dict()): no vecprop metadata, its own order.
        Network net = Network.mlp(2, 3, 4, 3, 2);
        Random rnd = new Random(6);
        Map<String, Tensor> t = new LinkedHashMap<>();
        float[] w2 = Values.random(rnd, 2 * 3, 0, 1f), b2 = Values.random(rnd, 2, 0, 1f);
        float[] w0 = Values.random(rnd, 3 * 4, 0, 1f), b0 = Values.random(rnd, 3, 0, 1f);
        t.put("2.bias", Tensor.of(b2, 2));
        t.put("0.weight", Tensor.of(w0, 3, 4));
        t.put("2.weight", Tensor.of(w2, 2, 3));
        t.put("0.bias", Tensor.of(b0, 3));
        net.loadWeights(new SafeTensors(t, Map.of("format", "pt")));
        Compare.sameArray(NetworkFile.transpose(w0, 3, 4), net.layer(0).weightArray(), "0.weight transposed");
        Compare.sameArray(NetworkFile.transpose(w2, 2, 3), net.layer(1).weightArray(), "2.weight transposed");
        Compare.sameArray(b0, net.layer(0).biasArray(), "0.bias");
        Compare.sameArray(b2, net.layer(1).biasArray(), "2.bias");
        rejectsExactly(FileRejectedException.class, "the file has no vecprop.modules metadata, so it does"
                        + " not say which network it holds: build the network (Network.mlp or new"
                        + " Network(...)) and call loadWeights",
                () -> Network.fromSafeTensors(new SafeTensors(t, Map.of("format", "pt")), 2));
    }

    /** Contents of {@code net} with one tensor replaced, removed (null) or added. */
    static SafeTensors edited(Network net, String name, Tensor tensor, Map<String, String> meta) {
        Map<String, Tensor> t = new LinkedHashMap<>(net.toSafeTensors().tensors());
        if (tensor == null) {
            t.remove(name);
        } else {
            t.put(name, tensor);
        }
        return new SafeTensors(t, meta == null ? net.toSafeTensors().metadata() : meta);
    }

    @Test
    void mismatchesAreRejectedAndChangeNothing() {
        Network net = Network.mlp(2, 7, 3, 4, 2);
        Network other = Network.mlp(2, 8, 3, 4, 2);
        List<float[]> before = weights(net);
        Map<String, String> meta = other.toSafeTensors().metadata();
        rejectsExactly(FileRejectedException.class, "the file has no tensor \"2.bias\" (it holds"
                        + " [0.weight, 0.bias, 2.weight]; this network is Linear(3, 4), ReLU(), Linear(4, 2))",
                () -> net.loadWeights(edited(other, "2.bias", null, meta)));
        rejectsExactly(FileRejectedException.class, "tensor \"2.weight\" has shape [4, 2], this network's"
                        + " is [2, 4] (out x in)",
                () -> net.loadWeights(edited(other, "2.weight", Tensor.of(new float[8], 4, 2), meta)));
        rejectsExactly(FileRejectedException.class, "tensor \"0.bias\" has shape [1, 4], this network's is [4]",
                () -> net.loadWeights(edited(other, "0.bias", Tensor.of(new float[4], 1, 4), meta)));
        rejectsExactly(FileRejectedException.class, "the file holds tensors this network has no parameter"
                        + " for: [4.weight] (this network is Linear(3, 4), ReLU(), Linear(4, 2))",
                () -> net.loadWeights(edited(other, "4.weight", Tensor.of(new float[1], 1, 1), meta)));
        Map<String, String> otherModules = new LinkedHashMap<>(meta);
        otherModules.put("vecprop.modules", "Linear(3, 4), Linear(4, 2)");
        rejectsExactly(FileRejectedException.class, "the file holds the network Linear(3, 4), Linear(4, 2),"
                        + " this network is Linear(3, 4), ReLU(), Linear(4, 2)",
                () -> net.loadWeights(edited(other, "0.bias", Tensor.of(new float[4], 4), otherModules)));
        Map<String, String> otherLayout = new LinkedHashMap<>(meta);
        otherLayout.put("vecprop.layout", "in x out");
        rejectsExactly(FileRejectedException.class, "the file's vecprop.layout is \"in x out\", not the"
                        + " one this vecprop reads (\"" + NetworkFile.LAYOUT + "\")",
                () -> net.loadWeights(edited(other, "0.bias", Tensor.of(new float[4], 4), otherLayout)));
        // The last tensor checked is the bad one: nothing before it may have been written.
        rejectsExactly(FileRejectedException.class, "tensor \"2.bias\" has shape [3], this network's is [2]",
                () -> net.loadWeights(edited(other, "2.bias", Tensor.of(new float[3], 3), meta)));
        assertSameWeights(before, net, "after every rejected load");
        rejects(NullPointerException.class, "contents must not be null", () -> net.loadWeights((SafeTensors) null));
        rejects(NullPointerException.class, "file must not be null", () -> net.loadWeights((Path) null));
        rejects(NullPointerException.class, "file must not be null", () -> net.save(null));
        rejects(NullPointerException.class, "file must not be null", () -> Network.load(null, 1));
    }

    @Test
    void malformedFilesLoadNothing(@TempDir Path dir) throws IOException {
        Network net = Network.mlp(2, 7, 3, 4, 2);
        List<float[]> before = weights(net);
        byte[] good = Network.mlp(2, 8, 3, 4, 2).toSafeTensors().toBytes();
        Path f = dir.resolve("bad.safetensors");
        // Truncated at every length: the format check fails, the weights stay.
        for (int cut = 0; cut < good.length; cut += 7) {
            Files.write(f, java.util.Arrays.copyOf(good, cut));
            assertThrows(SafeTensorsFormatException.class, () -> net.loadWeights(f), "cut at " + cut);
            assertThrows(SafeTensorsFormatException.class, () -> Network.load(f, 2), "cut at " + cut);
        }
        // A corrupted dtype.
        String text = new String(good, java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.write(f, text.replaceFirst("F32", "F16").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        SafeTensorsFormatException e = assertThrows(SafeTensorsFormatException.class, () -> net.loadWeights(f));
        assertTrue(e.getMessage().contains("has dtype F16; vecprop reads F32 only"), e.getMessage());
        assertSameWeights(before, net, "after every malformed file");
    }

    @Test
    void oneCatchCoversAMalformedFileAndAFileThatDoesNotFit(@TempDir Path dir) throws IOException {
        // What a caller writes: one catch clause for "vecprop refused this file", whatever the
        // reason, and the reason in the message.
        Network net = Network.mlp(2, 7, 3, 4, 2);
        List<float[]> before = weights(net);
        Path malformed = dir.resolve("malformed.safetensors");
        Files.write(malformed, new byte[] {1, 2, 3});
        Path otherNetwork = dir.resolve("other.safetensors");
        Network.mlp(2, 7, 3, 5, 2).save(otherNetwork);
        List<String> reasons = new ArrayList<>();
        for (Path f : List.of(malformed, otherNetwork)) {
            try {
                net.loadWeights(f);
                throw new AssertionError(f + " loaded");
            } catch (FileRejectedException e) {
                reasons.add(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        assertEquals(List.of("SafeTensorsFormatException: truncated: the file is 3 bytes, shorter"
                        + " than the 8-byte header length",
                "FileRejectedException: the file holds the network Linear(3, 5), ReLU(), Linear(5, 2),"
                        + " this network is Linear(3, 4), ReLU(), Linear(4, 2)"), reasons);
        assertSameWeights(before, net, "after both refusals");
    }

    @Test
    void aLayerWhoseBatchBuffersWouldExceedAnArrayIsRefusedNamingMaxBatch() throws IOException {
        // The file is fine (a 4 MB weight); at maxBatch 4096 its 2^20 outputs need 2^32 floats
        // per buffer: refused before any layer is built, with the remedy.
        int out = 1 << 20;
        SafeTensors st = new SafeTensors(Map.of("0.weight", Tensor.of(new float[out], out, 1)),
                Map.of("vecprop.modules", "Linear(1, " + out + ", bias=False)"));
        rejectsExactly(FileRejectedException.class, "the file's layer Linear(1, 1048576) at maxBatch"
                        + " 4096 needs 4294967296 floats in one array, more than a Java array holds:"
                        + " load it with a smaller maxBatch",
                () -> Network.fromSafeTensors(st, 4096));
        assertEquals(out, Network.fromSafeTensors(st, 1).outputs(), "at maxBatch 1 it loads");
    }

    @Test
    void namesFromTheFileAreCutInMessages() {
        // A file may hold millions of tensors or a module list of megabytes: the message shows
        // the start and says how much was left out.
        Network net = Network.mlp(1, 1, 2, 3, 1);
        Map<String, Tensor> many = new LinkedHashMap<>(net.toSafeTensors().tensors());
        for (int i = 0; i < 10_000; i++) {
            many.put("extra." + i, Tensor.of(new float[0], 0));
        }
        FileRejectedException e = assertThrows(FileRejectedException.class,
                () -> net.loadWeights(new SafeTensors(many, Map.of())));
        assertTrue(e.getMessage().startsWith("the file holds tensors this network has no parameter"
                + " for: [extra.0, extra.1, extra.2,"), e.getMessage());
        assertTrue(e.getMessage().contains(" more] (this network is Linear(2, 3), ReLU(), Linear(3, 1))"),
                e.getMessage());
        assertTrue(e.getMessage().length() < 400, e.getMessage().length() + " characters");
        String longModules = "Linear(2, 3), " + "x".repeat(100_000);
        FileRejectedException m = assertThrows(FileRejectedException.class,
                () -> net.loadWeights(new SafeTensors(net.toSafeTensors().tensors(),
                        Map.of("vecprop.modules", longModules))));
        assertEquals("the file holds the network " + longModules.substring(0, 200) + "... (99814 more"
                + " characters), this network is Linear(2, 3), ReLU(), Linear(3, 1)", m.getMessage());
    }

    @Test
    void textIsCutJustPastTheLimitAndTheLeftOutPartCountedExactly() {
        // NetworkFile.MESSAGE_TEXT_MAX = 200: a text of exactly 200 characters is whole, one of
        // 201 is cut with "1 more". A list is cut once the text built so far is past 200
        // characters: "[" and a name of 199 are exactly 200, so the next name is still shown,
        // after ", ", and of four names two are left out; a name of 200 makes 201, and the
        // three after it are left out.
        assertEquals(200, NetworkFile.MESSAGE_TEXT_MAX);
        String exactly = "a".repeat(200);
        assertEquals(exactly, NetworkFile.abbreviate(exactly), "200 characters are not cut");
        assertEquals(exactly + "... (1 more characters)", NetworkFile.abbreviate(exactly + "b"));
        assertEquals("[]", NetworkFile.abbreviate(List.of()));
        assertEquals("[x, y, z]", NetworkFile.abbreviate(List.of("x", "y", "z")));
        String n199 = "n".repeat(199);
        assertEquals("[" + n199 + ", x... and 2 more]",
                NetworkFile.abbreviate(List.of(n199, "x", "y", "z")));
        assertEquals("[" + n199 + "n... and 3 more]",
                NetworkFile.abbreviate(List.of(n199 + "n", "x", "y", "z")), "201 characters: cut");
    }

    @Test
    void moduleListsAreReadStrictly() throws FileRejectedException {
        assertEquals(3, NetworkFile.parse("Linear(2, 64), ReLU(), Linear(64, 64), ReLU(), Linear(64, 1)").size());
        assertEquals(2, NetworkFile.parse("Linear(2, 3, bias=False), Linear(3, 1)").size());
        Network net = Network.mlp(1, 1, 2, 3, 1);
        for (String[] bad : new String[][] {
            {"", "expected Linear( at character 0"},
            {"ReLU(), Linear(2, 3)", "expected Linear( at character 0"},
            {"Linear(2, 3), ReLU(), ReLU()", "expected Linear( at character 22"},
            {"Linear(2, 3), Sigmoidal()", "module Sigmoidal() is not an activation this vecprop computes"},
            {"Linear(2,3)", "expected \", \" at character 8"},
            {"Linear(0, 3)", "expected a size >= 1 at character 7"},
            {"Linear(2, 3), Linear(4, 1)", "Linear(4, ...) follows a layer with 3 outputs"},
            {"Linear(2, 99999999999)", "size 9999999999 is too large"},
            {"Linear(2, 3, bias=True)", "expected \")\" at character 11"},
            {"Linear(2, 3), ReLU", "expected an activation module like ReLU()"},
            {"Linear(2, 3),", "expected \", \" at character 12"},
            {"Linear(2", "expected \", \" at character 8"},           // a size ends the text
            {"Linear(2, 3", "expected \")\" at character 11"},
            {"Linear(2, 2147483648)", "size 2147483648 is too large at character 10"},
            {"Linear(2, 4294967297)", "size 4294967297 is too large at character 10"},
        }) {
            Map<String, String> meta = Map.of("vecprop.modules", bad[0]);
            FileRejectedException e = assertThrows(FileRejectedException.class,
                    () -> Network.fromSafeTensors(new SafeTensors(net.toSafeTensors().tensors(), meta), 1),
                    bad[0]);
            assertTrue(e.getMessage().startsWith("the file's vecprop.modules \"" + bad[0]
                    + "\" cannot be read: ") && e.getMessage().contains(bad[1]),
                    bad[0] + ": " + e.getMessage());
        }
        // Sizes up to Integer.MAX_VALUE (10 digits, zeros inside) are read as they are.
        assertEquals(List.of(new NetworkFile.LayerSpec(1000000000, 2147483647, true, Activation.RELU),
                        new NetworkFile.LayerSpec(2147483647, 10, false, Activation.IDENTITY)),
                NetworkFile.parse("Linear(1000000000, 2147483647), ReLU(), Linear(2147483647, 10, bias=False)"));
        // Sizes the tensors do not back are refused before any layer is allocated.
        Map<String, String> huge = Map.of("vecprop.modules", "Linear(40000, 40000)");
        rejectsExactly(FileRejectedException.class, "the file's vecprop.modules needs a tensor"
                        + " \"0.weight\" of shape [40000, 40000], the file has none",
                () -> Network.fromSafeTensors(new SafeTensors(Map.of(), huge), 1));
        rejects(IllegalArgumentException.class, "maxBatch must be >= 1, got 0",
                () -> Network.fromSafeTensors(net.toSafeTensors(), 0));
        // The bias too is held against the module list: wrong shape, or missing.
        Map<String, String> small = Map.of("vecprop.modules", "Linear(2, 3)");
        rejectsExactly(FileRejectedException.class, "the file's vecprop.modules needs a tensor"
                        + " \"0.bias\" of shape [3], the file has [2]",
                () -> Network.fromSafeTensors(new SafeTensors(Map.of("0.weight", Tensor.of(new float[6], 3, 2),
                        "0.bias", Tensor.of(new float[2], 2)), small), 1));
        rejectsExactly(FileRejectedException.class, "the file's vecprop.modules needs a tensor"
                        + " \"0.bias\" of shape [3], the file has none",
                () -> Network.fromSafeTensors(new SafeTensors(Map.of("0.weight", Tensor.of(new float[6], 3, 2)),
                        small), 1));
    }
}
