package org.vecprop.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;
import org.vecprop.io.Idx;
import org.vecprop.io.SafeTensors;
import org.vecprop.nn.Network;
import org.vecprop.testing.Props;

/**
 * Files that lie: headers that claim terabytes, shapes and offsets that claim huge tensors,
 * dimensions that claim billions of images, gzip streams that expand a thousandfold. Each read
 * must refuse the file (or read it, where it is honest) allocating no more than its reader's
 * stated bound, measured here with {@code ThreadMXBean} as {@code AllocationTest} measures
 * kernels: {@code SafeTensors.MAX_ALLOCATION_PER_BYTE x N + 1 MiB} for safetensors,
 * {@code (MAX_ALLOCATION_PER_BYTE + 8) x N + 4 x maxBatch x N + 1 MiB} for {@code Network.load},
 * {@code 4 x D + 1 MiB} for IDX (D the decompressed size). Then a property: the checked-in seed
 * files mutated at random (bit flips, interesting bytes, the length field moved, insertions,
 * deletions, truncation) through every target's oracle: the fuzzers' check in the ordinary suite.
 */
class HostileFileTest {
    static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    static final StringBuilder REPORT = new StringBuilder();

    static byte[] safetensors(long headerLength, String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(headerLength).put(h).array();
    }

    static byte[] safetensors(String header, int dataBytes) {
        return safetensors(header.getBytes(StandardCharsets.UTF_8).length, header, dataBytes);
    }

    /** Runs {@code read} under the oracle, and notes what it allocated against its bound. */
    static <T> T hostile(String what, long fileBytes, long bound, Meter.Read<T> read) {
        Meter m = new Meter("hostile");
        T result = null;
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 2; round++) { // the first round may load classes
            long before = THREADS.getCurrentThreadAllocatedBytes();
            result = m.measure(what, bound, read);
            best = Math.min(best, THREADS.getCurrentThreadAllocatedBytes() - before);
        }
        REPORT.append(String.format("  %-62s N %10d  allocated %11d  bound %12d  (%.2f x N)%n", what,
                fileBytes, best, bound, (double) best / Math.max(1, fileBytes)));
        return result;
    }

    @Test
    void safetensorsHeadersThatClaimTerabytes() {
        List<byte[]> refused = new ArrayList<>();
        refused.add(safetensors(1L << 40, "{}", 0));                            // a 1 TB header
        refused.add(safetensors(Long.MAX_VALUE, "{}", 0));
        refused.add(safetensors(-8L, "{}", 0));                                  // 2^64 - 8
        refused.add(safetensors(99_999_999L, "{}", 0));                          // under the limit, past the file
        refused.add(safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483639],"
                + "\"data_offsets\":[0,8589934556]}}", 64));                     // one 8 GB tensor
        refused.add(safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483639],"
                + "\"data_offsets\":[4611686018427387904,4611686027017322460]}}", 64)); // at 4 EB
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 1000; i++) {                                         // 8 TB in all
            long begin = 8_589_934_556L * i;
            many.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":{\"dtype\":\"F32\","
                    + "\"shape\":[2147483639],\"data_offsets\":[").append(begin).append(',')
                    .append(begin + 8_589_934_556L).append("]}");
        }
        refused.add(safetensors(many.append('}').toString(), 4096));
        refused.add(safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536,65536],"
                + "\"data_offsets\":[0,0]}}", 0));
        for (byte[] f : refused) {
            assertNull(hostile("SafeTensors.read: " + describe(f), f.length,
                    FileTargets.safeTensorsBound(f.length), () -> SafeTensors.read(f)));
        }
        // Honest but costly headers: the worst ratios of header bytes to objects.
        StringBuilder meta = new StringBuilder("{\"__metadata__\":{");
        StringBuilder empties = new StringBuilder("{");
        for (int i = 0; i < 20_000; i++) {
            meta.append(i == 0 ? "" : ",").append('"').append(Integer.toString(i, 36)).append("\":\"\u20ac\"");
            empties.append(i == 0 ? "" : ",").append('"').append(Integer.toString(i, 36))
                    .append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
        }
        for (byte[] f : List.of(safetensors(meta.append("}}").toString(), 0),
                safetensors(empties.append('}').toString(), 0))) {
            assertNotNull(hostile("SafeTensors.read: " + describe(f), f.length,
                    FileTargets.safeTensorsBound(f.length), () -> SafeTensors.read(f)));
        }
    }

    static String describe(byte[] f) {
        String h = new String(f, 8, Math.min(f.length - 8, 60), StandardCharsets.UTF_8)
                .replaceAll("[^\\x20-\\x7e]", "?");
        return "length " + Long.toUnsignedString(ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).getLong(0))
                + " " + h;
    }

    @Test
    void modelFilesThatClaimHugeNetworks() throws IOException {
        Meter files = new Meter("hostile-network");
        int maxBatch = FileTargets.MAX_BATCH;
        List<String[]> cases = List.of(
                new String[] {"a module list of 2^31 x 2^31, no tensors",
                        "{\"__metadata__\":{\"vecprop.modules\":\"Linear(2147483647, 2147483647)\"}}"},
                new String[] {"a weight claiming 2^31 outputs",
                        "{\"__metadata__\":{\"vecprop.modules\":\"Linear(1, 2147483639)\"},\"0.weight\":"
                                + "{\"dtype\":\"F32\",\"shape\":[2147483639,1],\"data_offsets\":[0,8589934556]}}"});
        for (String[] c : cases) {
            byte[] f = safetensors(c[1], 16);
            Path p = files.file(f);
            assertNull(hostile("Network.load: " + c[0], f.length,
                    FileTargets.networkBound(f.length, maxBatch), () -> Network.load(p, maxBatch)));
        }
        // An honest file of many tiny layers: the most objects per byte a model file can ask for.
        int[] sizes = new int[2001];
        java.util.Arrays.fill(sizes, 1);
        byte[] deep = Network.mlp(1, 1, sizes).toSafeTensors().toBytes();
        Path p = files.file(deep);
        assertNotNull(hostile("Network.load: 2000 layers of 1 x 1", deep.length,
                FileTargets.networkBound(deep.length, maxBatch), () -> Network.load(p, maxBatch)));
        // An honest wide layer: the batch buffers are what maxBatch multiplies.
        byte[] wide = Network.mlp(1, 1, 1, 4096, 1).toSafeTensors().toBytes();
        Path w = files.file(wide);
        assertNotNull(hostile("Network.load: 1-4096-1", wide.length,
                FileTargets.networkBound(wide.length, maxBatch), () -> Network.load(w, maxBatch)));
    }

    static byte[] idx(int magic, int[] dims, int dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + dataBytes);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.array();
    }

    static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        }
        return out.toByteArray();
    }

    @Test
    void datasetFilesThatClaimBillionsOfImages() throws IOException {
        Meter files = new Meter("hostile-idx");
        List<byte[]> refused = new ArrayList<>();
        refused.add(idx(Idx.IMAGES_MAGIC, new int[] {2_000_000_000, 1, 1}, 24));
        refused.add(idx(Idx.IMAGES_MAGIC, new int[] {60_000, 28, 28}, 100));
        refused.add(gzip(idx(Idx.IMAGES_MAGIC, new int[] {2_000_000_000, 1, 1}, 24)));
        byte[] isize = gzip(idx(Idx.IMAGES_MAGIC, new int[] {1_000_000_000, 2, 1}, 1000));
        ByteBuffer.wrap(isize).order(ByteOrder.LITTLE_ENDIAN).putInt(isize.length - 4, -1); // "4 GB"
        refused.add(isize);
        String[] what = {"2e9 images, 24 bytes of data", "60000 x 28 x 28, 100 bytes of data",
            "gzip, 2e9 images, 24 bytes of data", "gzip, 1e9 x 2 x 1, its trailer claiming 4 GB"};
        for (int i = 0; i < refused.size(); i++) {
            byte[] f = refused.get(i);
            Path p = files.file(f);
            long bound = 4 * Decompressed.size(f) + Meter.CONSTANT;
            assertNull(hostile("Idx.readImages: " + what[i], f.length, bound, () -> Idx.readImages(p)));
        }
        // A gzip bomb that tells the truth: 4 MB of zero pixels in 4 KB. Reading it is what the
        // caller asked for (4 bytes per pixel); its header alone costs a constant.
        byte[] content = idx(Idx.IMAGES_MAGIC, new int[] {4 * 1024, 32, 32}, 4 * 1024 * 32 * 32);
        byte[] bomb = gzip(content);
        assertTrue(bomb.length < content.length / 500, bomb.length + " bytes");
        Path p = files.file(bomb);
        long d = Decompressed.size(bomb);
        assertEquals(content.length, d);
        assertNotNull(hostile("Idx.header: an honest gzip bomb of " + d + " bytes", bomb.length,
                Meter.CONSTANT, () -> Idx.header(p)));
        assertNotNull(hostile("Idx.readImages: the same bomb (4 x D, what was asked)", bomb.length,
                4 * d + Meter.CONSTANT, () -> Idx.readImages(p)));
    }

    @org.junit.jupiter.api.AfterAll
    static void report() {
        System.out.print("[vecprop] hostile files, allocation against the stated bound:\n" + REPORT);
    }

    /** One mutation of a seed file. */
    record Mutation(int kind, int position, int value) {}

    static byte[] mutate(byte[] seed, List<Mutation> mutations) {
        byte[] b = seed.clone();
        for (Mutation m : mutations) {
            if (b.length == 0) {
                b = new byte[] {(byte) m.value()};
                continue;
            }
            int at = Math.floorMod(m.position(), b.length);
            switch (m.kind()) {
                case 0 -> b[at] ^= (byte) (1 << (m.value() & 7));                      // a bit flip
                case 1 -> b[at] = (byte) new int[] {0, 0xff, 0x7f, 0x80, '"', '{', '[', ',', '9', ' '}
                        [Math.floorMod(m.value(), 10)];                                // an interesting byte
                case 2 -> {                                                            // the length field moved
                    if (b.length >= 8) {
                        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                        bb.putLong(0, bb.getLong(0) + (m.value() % 9) - 4);
                    }
                }
                case 3 -> {                                                            // an inserted byte
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, at);
                    c[at] = (byte) m.value();
                    System.arraycopy(b, at, c, at + 1, b.length - at);
                    b = c;
                }
                case 4 -> {                                                            // a deleted byte
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                    b = c;
                }
                default -> b = java.util.Arrays.copyOf(b, at);                         // truncated
            }
        }
        return b;
    }

    static Gen<List<Mutation>> mutations() {
        Gen<Mutation> one = Generate.range(0, 5).zip(Generate.range(0, Integer.MAX_VALUE),
                Generate.range(0, 255), Mutation::new);
        return SourceDSL.lists().of(one).ofSizeBetween(1, 4);
    }

    @Test
    void mutatedSeedsMeetEveryTargetsOracle() throws Exception {
        for (String target : FileTargets.ALL.keySet()) {
            List<byte[]> seeds = FuzzCorpusTest.corpus(target);
            FileTarget t = FileTargets.get(target);
            Meter meter = new Meter(target);
            Props.theory(Props.EXAMPLES / 2).forAll(Generate.range(0, seeds.size() - 1), mutations())
                    .checkAssert((seed, ms) -> {
                        try {
                            t.run(mutate(seeds.get(seed), ms), meter);
                        } catch (IOException e) {
                            throw new AssertionError("the harness's temporary file", e);
                        }
                    });
        }
    }
}
