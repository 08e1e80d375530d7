package org.vecprop.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The tensors and metadata of a safetensors file (the format of Hugging Face and PyTorch
 * checkpoints), read and written with plain Java: an immutable value, ordered as in the file.
 *
 * <p><b>The format</b> ({@code huggingface/safetensors}): 8 bytes holding {@code N}, an unsigned
 * little-endian 64-bit integer; {@code N} bytes of UTF-8 JSON, an object mapping each tensor's
 * name to {@code {"dtype": "F32", "shape": [d0, d1, ...], "data_offsets": [begin, end]}}, plus
 * an optional {@code "__metadata__"} object of string keys and string values; then the data:
 * every tensor's elements, little-endian, row-major, at {@code [begin, end)} counted from the
 * first byte after the header.
 *
 * <p><b>What {@link #read} accepts</b>, and it rejects everything else with a
 * {@link SafeTensorsFormatException} naming the problem, before returning anything:
 * <ul>
 *   <li>a header length of at most {@link #MAX_HEADER_BYTES} (the reference implementation's
 *       limit) that fits in the file, checked before the header is allocated;</li>
 *   <li>a header that is valid UTF-8 JSON starting with '{', of the subset the format needs:
 *       objects without duplicate keys, arrays, strings, integers {@code >= 0}; trailing
 *       whitespace is allowed (writers pad the header with spaces);</li>
 *   <li>each tensor entry with exactly the fields {@code dtype}, {@code shape} and
 *       {@code data_offsets}; dtype {@code F32} only (vecprop computes in float32: F16, BF16,
 *       F64 and the integer types are reported by name, not converted);</li>
 *   <li>{@code end - begin == 4 x} the product of the shape, at most {@link Tensor#MAX_ELEMENTS}
 *       elements per tensor;</li>
 *   <li>offsets that tile the data exactly: sorted, they start at 0, each begins where the
 *       previous ends (no overlap, no gap), and the last ends at the end of the file (no
 *       truncation, no trailing bytes);</li>
 *   <li>{@code __metadata__} values that are strings.</li>
 * </ul>
 * Memory: the header (bounded) and the tensors themselves, whose total is bounded by the
 * file's size because the offsets are checked against it first.
 *
 * <p><b>What {@link #write} produces</b>: the metadata first (if any), then the tensors in this
 * object's order with contiguous offsets from 0, the header padded with spaces to a multiple of
 * 8 bytes so the data is aligned (as the reference writer does). The file is written to a
 * temporary sibling and moved into place, so a failed write leaves no half-written file.
 */
public final class SafeTensors {
    /** The largest header accepted: 100,000,000 bytes, as in the reference implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    /** The header key of the metadata object. */
    public static final String METADATA_KEY = "__metadata__";
    /** The only dtype vecprop reads and writes. */
    public static final String DTYPE = "F32";

    private static final int CHUNK_BYTES = 1 << 16;
    private static final Set<String> ENTRY_FIELDS = Set.of("dtype", "shape", "data_offsets");

    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    /**
     * The contents of a file: tensors by name (in the map's iteration order, which is the file's)
     * and metadata. Both maps are copied.
     *
     * @param tensors names to tensors; no name may be {@value #METADATA_KEY}
     * @param metadata free-form string keys and values; empty for none
     * @throws NullPointerException if a map, name, tensor, key or value is null
     * @throws IllegalArgumentException for the name {@value #METADATA_KEY} or a string that
     *     UTF-8 cannot encode (an unpaired surrogate)
     */
    public SafeTensors(Map<String, Tensor> tensors, Map<String, String> metadata) {
        Objects.requireNonNull(tensors, "tensors must not be null");
        Objects.requireNonNull(metadata, "metadata must not be null");
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "tensors must not hold a null name");
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("tensors must not use the name " + METADATA_KEY
                        + " (the header's key for the metadata)");
            }
            encodable("tensors", "name", name);
            t.put(name, Objects.requireNonNull(e.getValue(),
                    "tensors must not map a name to null, got null for \"" + name + "\""));
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            String key = Objects.requireNonNull(e.getKey(), "metadata must not hold a null key");
            String value = Objects.requireNonNull(e.getValue(),
                    "metadata must not map a key to null, got null for \"" + key + "\"");
            encodable("metadata", "key", key);
            encodable("metadata", "value", value);
            m.put(key, value);
        }
        this.tensors = Collections.unmodifiableMap(t);
        this.metadata = Collections.unmodifiableMap(m);
    }

    private static void encodable(String argument, String what, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(argument + " must hold text UTF-8 can encode, got"
                        + " the " + what + " \"" + s + "\" with an unpaired surrogate at index " + i);
            }
        }
    }

    /** {@return the tensors by name, in file order (unmodifiable)} */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** {@return the {@value #METADATA_KEY} strings, in file order (unmodifiable; empty if none)} */
    public Map<String, String> metadata() {
        return metadata;
    }

    // ------------------------------------------------------------------------------- reading

    /** Where the reader gets its bytes: a file channel or an array. */
    private interface Source {
        long size() throws IOException;

        /** Fills {@code dst} from {@code position}, or throws if the source ends first. */
        void readFully(long position, ByteBuffer dst) throws IOException;
    }

    /**
     * Reads and checks a safetensors file (see the class comment for what is accepted).
     *
     * @param file the file
     * @return its tensors and metadata
     * @throws SafeTensorsFormatException if the file breaks any rule, naming the problem
     * @throws IOException if the file cannot be read
     * @throws NullPointerException if {@code file} is null
     */
    public static SafeTensors read(Path file) throws IOException {
        Objects.requireNonNull(file, "file must not be null");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(new Source() {
                @Override
                public long size() throws IOException {
                    return channel.size();
                }

                @Override
                public void readFully(long position, ByteBuffer dst) throws IOException {
                    long at = position;
                    while (dst.hasRemaining()) {
                        int n = channel.read(dst, at);
                        if (n < 0) {
                            throw new SafeTensorsFormatException("the file ended at byte " + at
                                    + " while it was being read (was it changed meanwhile?)");
                        }
                        at += n;
                    }
                }
            });
        }
    }

    /**
     * Reads and checks the bytes of a safetensors file held in memory (a class-path resource,
     * say), with the same rules as {@link #read(Path)}.
     *
     * @param bytes the whole file
     * @return its tensors and metadata
     * @throws SafeTensorsFormatException if the bytes break any rule, naming the problem
     * @throws NullPointerException if {@code bytes} is null
     */
    public static SafeTensors read(byte[] bytes) throws SafeTensorsFormatException {
        Objects.requireNonNull(bytes, "bytes must not be null");
        try {
            return read(new Source() {
                @Override
                public long size() {
                    return bytes.length;
                }

                @Override
                public void readFully(long position, ByteBuffer dst) {
                    // The reader only asks for ranges it has checked against size().
                    dst.put(bytes, (int) position, dst.remaining());
                }
            });
        } catch (SafeTensorsFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("an in-memory read cannot fail", e);
        }
    }

    /** One tensor's entry in the header. */
    private record Entry(String name, int[] shape, long begin, long end) {}

    private static SafeTensors read(Source source) throws IOException {
        long size = source.size();
        if (size < 8) {
            throw new SafeTensorsFormatException("truncated: the file is " + size
                    + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        source.readFully(0, length);
        long n = length.getLong(0);
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new SafeTensorsFormatException("header length " + Long.toUnsignedString(n)
                    + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (n > size - 8) {
            throw new SafeTensorsFormatException("truncated: the header length is " + n
                    + " bytes but only " + (size - 8) + " bytes follow it");
        }
        byte[] header = new byte[(int) n];
        source.readFully(8, ByteBuffer.wrap(header));
        Map<String, Object> json = Json.parseObject(header);

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Object> e : json.entrySet()) {
            if (e.getKey().equals(METADATA_KEY)) {
                metadata(e.getValue(), metadata);
            } else {
                entries.add(entry(e.getKey(), e.getValue()));
            }
        }
        long dataBytes = size - 8 - n;
        checkTiling(entries, dataBytes);

        Map<String, Tensor> tensors = new LinkedHashMap<>();
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, Math.max(4, dataBytes)))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : entries) {
            float[] data = new float[(int) ((e.end() - e.begin()) / Float.BYTES)];
            long at = 8 + n + e.begin();
            for (int done = 0; done < data.length; ) {
                int count = Math.min(data.length - done, chunk.capacity() / Float.BYTES);
                chunk.clear().limit(count * Float.BYTES);
                source.readFully(at, chunk);
                chunk.flip();
                chunk.asFloatBuffer().get(data, done, count);
                done += count;
                at += (long) count * Float.BYTES;
            }
            tensors.put(e.name(), Tensor.wrap(e.shape(), data));
        }
        return new SafeTensors(tensors, metadata);
    }

    private static void metadata(Object value, Map<String, String> into)
            throws SafeTensorsFormatException {
        if (!(value instanceof Map<?, ?> map)) {
            throw new SafeTensorsFormatException(METADATA_KEY + " must be an object of strings");
        }
        for (Map.Entry<?, ?> m : map.entrySet()) {
            if (!(m.getValue() instanceof String s)) {
                throw new SafeTensorsFormatException(METADATA_KEY + ": the value of \""
                        + m.getKey() + "\" is not a string");
            }
            into.put((String) m.getKey(), s);
        }
    }

    private static Entry entry(String name, Object value) throws SafeTensorsFormatException {
        String where = "tensor \"" + name + "\"";
        if (!(value instanceof Map<?, ?> fields)) {
            throw new SafeTensorsFormatException(where + ": its entry is not an object");
        }
        for (Object key : fields.keySet()) {
            if (!ENTRY_FIELDS.contains(key)) {
                throw new SafeTensorsFormatException(where + ": unknown field \"" + key
                        + "\" (an entry holds dtype, shape and data_offsets)");
            }
        }
        for (String field : List.of("dtype", "shape", "data_offsets")) {
            if (!fields.containsKey(field)) {
                throw new SafeTensorsFormatException(where + ": missing field \"" + field + "\"");
            }
        }
        if (!(fields.get("dtype") instanceof String dtype)) {
            throw new SafeTensorsFormatException(where + ": dtype is not a string");
        }
        if (!dtype.equals(DTYPE)) {
            throw new SafeTensorsFormatException(where + " has dtype " + dtype
                    + "; vecprop reads " + DTYPE + " only");
        }
        List<Long> dims = integers(where, "shape", fields.get("shape"));
        int[] shape = new int[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (dims.get(i) > Tensor.MAX_ELEMENTS) {
                throw new SafeTensorsFormatException(where + ": shape " + dims
                        + " has more than " + Tensor.MAX_ELEMENTS + " elements");
            }
            shape[i] = (int) (long) dims.get(i);
        }
        long elements;
        try {
            elements = Tensor.elements(shape);
        } catch (IllegalArgumentException e) {
            throw new SafeTensorsFormatException(where + ": " + e.getMessage());
        }
        List<Long> offsets = integers(where, "data_offsets", fields.get("data_offsets"));
        if (offsets.size() != 2) {
            throw new SafeTensorsFormatException(where + ": data_offsets must be [begin, end], got "
                    + offsets);
        }
        long begin = offsets.get(0), end = offsets.get(1);
        if (end < begin) {
            throw new SafeTensorsFormatException(where + ": data_offsets " + offsets
                    + " end before they begin");
        }
        if (end - begin != elements * Float.BYTES) {
            throw new SafeTensorsFormatException(where + ": data_offsets " + offsets + " span "
                    + (end - begin) + " bytes, but " + DTYPE + " shape " + Arrays.toString(shape)
                    + " needs " + elements * Float.BYTES);
        }
        return new Entry(name, shape, begin, end);
    }

    private static List<Long> integers(String where, String field, Object value)
            throws SafeTensorsFormatException {
        if (!(value instanceof List<?> list)) {
            throw new SafeTensorsFormatException(where + ": " + field + " is not an array");
        }
        List<Long> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Long l)) {
                throw new SafeTensorsFormatException(where + ": " + field
                        + " holds something other than integers");
            }
            out.add(l);
        }
        return out;
    }

    /**
     * Checks that the entries' byte ranges, sorted, cover {@code [0, dataBytes)} exactly:
     * no overlap, no gap, nothing past the end, nothing left over.
     */
    private static void checkTiling(List<Entry> entries, long dataBytes)
            throws SafeTensorsFormatException {
        for (Entry e : entries) {
            if (e.end() > dataBytes) {
                throw new SafeTensorsFormatException("truncated: tensor \"" + e.name() + "\" (bytes "
                        + e.begin() + ".." + e.end() + ") runs past the end of the data ("
                        + dataBytes + " bytes)");
            }
        }
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < expected) {
                throw new SafeTensorsFormatException("tensor \"" + e.name() + "\" (bytes "
                        + e.begin() + ".." + e.end() + ") overlaps tensor \"" + previous.name()
                        + "\" (bytes " + previous.begin() + ".." + previous.end() + ")");
            }
            if (e.begin() > expected) {
                throw new SafeTensorsFormatException("a gap of " + (e.begin() - expected)
                        + " bytes in the data before tensor \"" + e.name() + "\" (bytes "
                        + e.begin() + ".." + e.end() + ")");
            }
            expected = e.end();
            previous = e;
        }
        if (expected < dataBytes) { // (expected > dataBytes was ruled out entry by entry)
            throw new SafeTensorsFormatException("the file holds " + dataBytes
                    + " bytes of data but its tensors cover only " + expected);
        }
    }

    // ------------------------------------------------------------------------------- writing

    /** The header bytes, padded with spaces to a multiple of 8. */
    private byte[] header() {
        StringBuilder h = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            Json.writeString(h, METADATA_KEY);
            h.append(":{");
            boolean first = true;
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                h.append(first ? "" : ",");
                first = false;
                Json.writeString(h, m.getKey());
                h.append(':');
                Json.writeString(h, m.getValue());
            }
            h.append('}');
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> t : tensors.entrySet()) {
            h.append(h.length() > 1 ? "," : "");
            Json.writeString(h, t.getKey());
            h.append(":{\"dtype\":\"").append(DTYPE).append("\",\"shape\":[");
            int[] shape = t.getValue().shape();
            for (int i = 0; i < shape.length; i++) {
                h.append(i == 0 ? "" : ",").append(shape[i]);
            }
            long end = offset + (long) t.getValue().size() * Float.BYTES;
            h.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        h.append('}');
        byte[] utf8 = h.toString().getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_HEADER_BYTES) {
            throw new IllegalStateException("the header would be " + utf8.length
                    + " bytes, more than readers accept (" + MAX_HEADER_BYTES + ")");
        }
        int padded = (utf8.length + 7) & ~7;
        byte[] out = Arrays.copyOf(utf8, padded);
        Arrays.fill(out, utf8.length, padded, (byte) ' ');
        return out;
    }

    private long dataBytes() {
        long n = 0;
        for (Tensor t : tensors.values()) {
            n += (long) t.size() * Float.BYTES;
        }
        return n;
    }

    /**
     * The file's bytes, for writing elsewhere than a file.
     *
     * @return the whole file
     * @throws IllegalStateException if it would exceed one Java array (use {@link #write})
     */
    public byte[] toBytes() {
        byte[] header = header();
        long total = 8L + header.length + dataBytes();
        if (total > Tensor.MAX_ELEMENTS) {
            throw new IllegalStateException("the file would be " + total
                    + " bytes, more than one array holds: write it to a file");
        }
        ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(header.length).put(header);
        for (Tensor t : tensors.values()) {
            out.asFloatBuffer().put(t.data());
            out.position(out.position() + t.size() * Float.BYTES);
        }
        return out.array();
    }

    /**
     * Writes the file: to a temporary file in the same directory, then moved over {@code file}
     * (atomically where the file system can), so {@code file} is never half-written.
     *
     * @param file where to write; replaced if it exists
     * @throws IOException if writing fails (the temporary file is removed)
     * @throws NullPointerException if {@code file} is null
     */
    public void write(Path file) throws IOException {
        Objects.requireNonNull(file, "file must not be null");
        byte[] header = header();
        Path absolute = file.toAbsolutePath();
        Path tmp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
        boolean moved = false;
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer head = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
                head.putLong(header.length).put(header).flip();
                writeFully(out, head);
                ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (Tensor t : tensors.values()) {
                    float[] data = t.data();
                    for (int done = 0; done < data.length; ) {
                        int count = Math.min(data.length - done, CHUNK_BYTES / Float.BYTES);
                        chunk.clear();
                        chunk.asFloatBuffer().put(data, done, count);
                        chunk.limit(count * Float.BYTES);
                        writeFully(out, chunk);
                        done += count;
                    }
                }
                out.force(true);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    /** {@return the tensor names with their shapes and the metadata, for people} */
    @Override
    public String toString() {
        return "SafeTensors" + tensors + (metadata.isEmpty() ? "" : " metadata " + metadata);
    }
}
