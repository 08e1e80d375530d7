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
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 *   <li>a header that is JSON starting with '{', of the subset the format needs: objects
 *       without duplicate keys, arrays, strings (valid UTF-8), integers {@code >= 0}; whitespace
 *       after the object is allowed (writers pad the header with spaces), anything else after
 *       it is reported as a header length that claims too much;</li>
 *   <li>each tensor entry with exactly the fields {@code dtype}, {@code shape} and
 *       {@code data_offsets}; dtype {@code F32} only (vecprop computes in float32: F16, BF16,
 *       F64 and the integer types are reported by name, not converted);</li>
 *   <li>a shape of at most {@link #MAX_RANK} dimensions and at most {@link Tensor#MAX_ELEMENTS}
 *       elements, with {@code end - begin == 4 x} its element count;</li>
 *   <li>offsets that tile the data exactly: sorted, they start at 0, each begins where the
 *       previous ends (no overlap, no gap), and the last ends at the end of the file (no
 *       truncation, no trailing bytes);</li>
 *   <li>{@code __metadata__} values that are strings.</li>
 * </ul>
 * The header is read token by token and each entry checked as it is read, so the message names
 * the first byte (counted from the start of the header) that breaks a rule, and what the reader
 * expected there. Text from the file in a message (names, values) is cut to 200 characters.
 *
 * <p><b>Memory, whatever the file claims</b>: reading a file of {@code N} bytes allocates at most
 * {@link #MAX_ALLOCATION_PER_BYTE}{@code  x N} bytes plus 1 MiB on the Java heap: the header is
 * allocated only once the file is known to hold it, the tensors only once their offsets have
 * been checked against the file's real size, and the reader builds no JSON tree (measured: about
 * 1 byte per byte of tensor data, 6 to 7 per byte of header for tensor entries, 11 to 15 for a
 * header of many tiny metadata strings, where Java's per-object overhead dominates; tested by
 * {@code HostileFileTest}).
 *
 * <p><b>What {@link #write} produces</b>: the metadata first (if any), then the tensors in this
 * object's order with contiguous offsets from 0, the header padded with spaces to a multiple of
 * 8 bytes so the data is aligned (as the reference writer does). The file is written to a
 * temporary sibling and moved into place, so a failed write leaves no half-written file.
 */
public final class SafeTensors {
    /** The largest header accepted: 100,000,000 bytes, as in the reference implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    /**
     * The bound on what {@link #read} allocates on the heap per byte of the file it reads, plus
     * a constant of 1 MiB: 20 (see the class comment).
     */
    public static final int MAX_ALLOCATION_PER_BYTE = 20;
    /** The header key of the metadata object. */
    public static final String METADATA_KEY = "__metadata__";
    /**
     * The most dimensions a tensor read from a file may have: NumPy's limit. A header cannot
     * make the reader hold (or print) a shape of millions of dimensions.
     */
    public static final int MAX_RANK = 64;
    /** The only dtype vecprop reads and writes. */
    public static final String DTYPE = "F32";

    /** The strings a header repeats in every entry: {@link Json} returns these without allocating. */
    private static final String[] HEADER_WORDS = {"dtype", "shape", "data_offsets", DTYPE, METADATA_KEY, "format", "pt"};

    private static final int CHUNK_BYTES = 1 << 16;

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

    /** The reader's result: maps it built itself, already checked, unmodifiable. */
    private SafeTensors(Map<String, Tensor> tensors, Map<String, String> metadata, boolean trusted) {
        assert trusted;
        this.tensors = tensors;
        this.metadata = metadata;
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
            throw new SafeTensorsFormatException("truncated, or a wrong header length: the header"
                    + " length is " + n + " bytes but only " + (size - 8) + " bytes follow it (the"
                    + " file is " + size + " bytes)");
        }
        // n <= size - 8: the header is allocated only once the file is known to hold it.
        byte[] header = new byte[(int) n];
        source.readFully(8, ByteBuffer.wrap(header));
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Entry> entries = new LinkedHashMap<>();
        parseHeader(new Json(header, HEADER_WORDS), metadata, entries);
        long dataBytes = size - 8 - n;
        checkTiling(entries.values(), dataBytes);

        Map<String, Tensor> tensors = new LinkedHashMap<>();
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, Math.max(4, dataBytes)))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : entries.values()) {
            // The entries tile the data (checked), so these arrays add up to the data's bytes.
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
        return new SafeTensors(Collections.unmodifiableMap(tensors),
                Collections.unmodifiableMap(metadata), true);
    }

    /**
     * Reads the header object into {@code metadata} and {@code entries}, checking each entry as
     * it is read: the first byte that breaks a rule is the one reported.
     */
    private static void parseHeader(Json p, Map<String, String> metadata, Map<String, Entry> entries)
            throws SafeTensorsFormatException {
        p.skipWhitespace();
        if (p.peek() != '{') {
            throw new SafeTensorsFormatException("header must be a JSON object starting with '{', "
                    + (p.atEnd() ? "but it is empty or only whitespace"
                    : "found " + p.found() + " at header byte " + p.position()));
        }
        try {
            p.expect('{');
            boolean sawMetadata = false;
            if (!p.consume('}')) {
                do {
                    p.skipWhitespace();
                    int keyAt = p.position();
                    String key = p.string();
                    if (key.equals(METADATA_KEY) ? sawMetadata : entries.containsKey(key)) {
                        throw new SafeTensorsFormatException("header: duplicate key \"" + quote(key)
                                + "\" at header byte " + keyAt);
                    }
                    p.expect(':');
                    if (key.equals(METADATA_KEY)) {
                        sawMetadata = true;
                        metadata(p, metadata);
                    } else {
                        entries.put(key, entry(p, key));
                    }
                } while (p.next('}'));
            }
        } catch (SafeTensorsFormatException e) {
            if (p.atEnd()) {
                // The object is not closed by the header's last byte: the length is too small
                // (or the header is cut short), whatever token the end happened to fall in.
                throw new SafeTensorsFormatException("the header ends inside its JSON object: the"
                        + " header length (" + p.length() + " bytes) is too small, or the header is"
                        + " cut short (" + e.getMessage() + ")");
            }
            throw e;
        }
        int objectEnd = p.position();
        p.skipWhitespace();
        if (!p.atEnd()) {
            // Writers pad the header with spaces; anything else after the object means the
            // length field claims bytes that are not header (typically the start of the data).
            throw new SafeTensorsFormatException("the header length says " + p.length()
                    + " bytes, but the header's JSON object ends after " + objectEnd + " and header"
                    + " byte " + p.position() + " (" + p.found() + ") is not whitespace padding:"
                    + " the header length is too large (by " + (p.length() - objectEnd)
                    + " bytes if the object is the whole header), or other bytes follow the object");
        }
    }

    private static void metadata(Json p, Map<String, String> into) throws SafeTensorsFormatException {
        if (p.valueKind() != '{') {
            throw new SafeTensorsFormatException(METADATA_KEY + " must be an object of strings, "
                    + p.unexpected("got something else").getMessage());
        }
        p.expect('{');
        if (p.consume('}')) {
            return;
        }
        do {
            p.skipWhitespace();
            int keyAt = p.position();
            String key = p.string();
            if (into.containsKey(key)) {
                throw new SafeTensorsFormatException(METADATA_KEY + ": duplicate key \"" + quote(key)
                        + "\" at header byte " + keyAt);
            }
            p.expect(':');
            if (p.valueKind() != '"') {
                throw new SafeTensorsFormatException(METADATA_KEY + ": the value of \"" + quote(key)
                        + "\" is not a string (at header byte " + p.position() + ")");
            }
            into.put(key, p.string());
        } while (p.next('}'));
    }

    private static final int DTYPE_FIELD = 1, SHAPE_FIELD = 2, OFFSETS_FIELD = 4;

    private static Entry entry(Json p, String name) throws SafeTensorsFormatException {
        String where = "tensor \"" + quote(name) + "\"";
        if (p.valueKind() != '{') {
            throw new SafeTensorsFormatException(where + ": its entry is not an object (at header"
                    + " byte " + p.position() + ")");
        }
        p.expect('{');
        int seen = 0;
        String dtype = null;
        int[] shape = null;
        long begin = 0, end = 0;
        if (!p.consume('}')) {
            do {
                p.skipWhitespace();
                int keyAt = p.position();
                String field = p.string();
                int bit = switch (field) {
                    case "dtype" -> DTYPE_FIELD;
                    case "shape" -> SHAPE_FIELD;
                    case "data_offsets" -> OFFSETS_FIELD;
                    default -> throw new SafeTensorsFormatException(where + ": unknown field \""
                            + quote(field) + "\" at header byte " + keyAt
                            + " (an entry holds dtype, shape and data_offsets)");
                };
                if ((seen & bit) != 0) {
                    throw new SafeTensorsFormatException(where + ": duplicate key \"" + field
                            + "\" at header byte " + keyAt);
                }
                seen |= bit;
                p.expect(':');
                switch (bit) {
                    case DTYPE_FIELD -> {
                        if (p.valueKind() != '"') {
                            throw new SafeTensorsFormatException(where + ": dtype is not a string"
                                    + " (at header byte " + p.position() + ")");
                        }
                        dtype = p.string();
                        if (!dtype.equals(DTYPE)) {
                            throw new SafeTensorsFormatException(where + " has dtype " + quote(dtype)
                                    + "; vecprop reads " + DTYPE + " only");
                        }
                    }
                    case SHAPE_FIELD -> shape = shape(p, where);
                    default -> {
                        long[] offsets = offsets(p, where);
                        begin = offsets[0];
                        end = offsets[1];
                    }
                }
            } while (p.next('}'));
        }
        for (String field : new String[] {"dtype", "shape", "data_offsets"}) {
            int bit = field.equals("dtype") ? DTYPE_FIELD : field.equals("shape") ? SHAPE_FIELD : OFFSETS_FIELD;
            if ((seen & bit) == 0) {
                throw new SafeTensorsFormatException(where + ": missing field \"" + field + "\"");
            }
        }
        long elements = 1;
        for (int d : shape) {
            elements *= d; // each d <= MAX_ELEMENTS and the product is checked as it grows
            if (elements > Tensor.MAX_ELEMENTS) {
                throw new SafeTensorsFormatException(where + ": shape " + Arrays.toString(shape)
                        + " has more than " + Tensor.MAX_ELEMENTS + " elements (one Java array)");
            }
        }
        if (end < begin) {
            throw new SafeTensorsFormatException(where + ": data_offsets [" + begin + ", " + end
                    + "] end before they begin");
        }
        if (end - begin != elements * Float.BYTES) {
            throw new SafeTensorsFormatException(where + ": data_offsets [" + begin + ", " + end
                    + "] span " + (end - begin) + " bytes, but " + DTYPE + " shape "
                    + Arrays.toString(shape) + " needs " + elements * Float.BYTES);
        }
        return new Entry(name, shape, begin, end);
    }

    /** A shape array: at most {@link #MAX_RANK} integers, each at most one array's elements. */
    private static int[] shape(Json p, String where) throws SafeTensorsFormatException {
        if (p.valueKind() != '[') {
            throw new SafeTensorsFormatException(where + ": shape is not an array (at header byte "
                    + p.position() + ")");
        }
        p.expect('[');
        int[] dims = new int[MAX_RANK];
        int rank = 0;
        if (!p.consume(']')) {
            do {
                if (p.valueKind() != '0') {
                    throw new SafeTensorsFormatException(where + ": shape holds something other"
                            + " than integers (at header byte " + p.position() + ")");
                }
                if (rank == MAX_RANK) {
                    throw new SafeTensorsFormatException(where + ": shape has more than " + MAX_RANK
                            + " dimensions (at header byte " + p.position() + ")");
                }
                int at = p.position();
                long d = p.integer();
                if (d > Tensor.MAX_ELEMENTS) {
                    throw new SafeTensorsFormatException(where + ": shape dimension " + rank + " is "
                            + d + ", more than " + Tensor.MAX_ELEMENTS + " (one Java array) (at"
                            + " header byte " + at + ")");
                }
                dims[rank++] = (int) d;
            } while (p.next(']'));
        }
        return Arrays.copyOf(dims, rank);
    }

    /** A data_offsets array: exactly two integers. */
    private static long[] offsets(Json p, String where) throws SafeTensorsFormatException {
        if (p.valueKind() != '[') {
            throw new SafeTensorsFormatException(where + ": data_offsets is not an array (at header"
                    + " byte " + p.position() + ")");
        }
        int start = p.position();
        p.expect('[');
        long[] v = new long[2];
        int count = 0;
        if (!p.consume(']')) {
            do {
                if (p.valueKind() != '0') {
                    throw new SafeTensorsFormatException(where + ": data_offsets holds something"
                            + " other than integers (at header byte " + p.position() + ")");
                }
                long x = p.integer();
                if (count < 2) {
                    v[count] = x;
                }
                count++;
            } while (p.next(']'));
        }
        if (count != 2) {
            throw new SafeTensorsFormatException(where + ": data_offsets must be [begin, end], got "
                    + count + " integers (at header byte " + start + ")");
        }
        return v;
    }

    /** Text from the file, cut to {@value #QUOTE_MAX} characters for a message. */
    private static String quote(String s) {
        return s.length() <= QUOTE_MAX ? s : s.substring(0, QUOTE_MAX) + "... (" + s.length()
                + " characters)";
    }

    private static final int QUOTE_MAX = 200;

    /**
     * Checks that the entries' byte ranges, sorted, cover {@code [0, dataBytes)} exactly:
     * no overlap, no gap, nothing past the end, nothing left over.
     */
    private static void checkTiling(Collection<Entry> entries, long dataBytes)
            throws SafeTensorsFormatException {
        for (Entry e : entries) {
            if (e.end() > dataBytes) {
                throw new SafeTensorsFormatException("truncated: tensor \"" + quote(e.name())
                        + "\" (bytes " + e.begin() + ".." + e.end() + ") runs past the end of the"
                        + " data (" + dataBytes + " bytes)");
            }
        }
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < expected) {
                throw new SafeTensorsFormatException("tensor \"" + quote(e.name()) + "\" (bytes "
                        + e.begin() + ".." + e.end() + ") overlaps tensor \"" + quote(previous.name())
                        + "\" (bytes " + previous.begin() + ".." + previous.end() + ")");
            }
            if (e.begin() > expected) {
                throw new SafeTensorsFormatException("a gap of " + (e.begin() - expected)
                        + " bytes in the data before tensor \"" + quote(e.name()) + "\" (bytes "
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
