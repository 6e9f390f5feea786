package org.noiselab.engine.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length {@code N}, {@code N} bytes of UTF-8
 * JSON mapping each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (plus an optional
 * {@code "__metadata__"} object of strings), then the raw little-endian data. Only {@code F32} is written or read.
 *
 * <p>The reader trusts nothing: the header length, every offset and shape are checked against the actual byte count
 * before anything is allocated, tensors must tile the data region exactly, and any violation is a
 * {@link CheckpointFormatException} naming the tensor and the problem.
 */
public final class Safetensors {

    /** Largest header accepted, in bytes. */
    public static final int MAX_HEADER_BYTES = 16 << 20;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String METADATA = "__metadata__";

    private Safetensors() {
    }

    /** Serialises tensors (in the map's order) and string metadata. */
    public static byte[] write(Map<String, Tensor> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            var shape = t.putArray("shape");
            for (long s : e.getValue().shape()) {
                shape.add(s);
            }
            long bytes = 4L * e.getValue().data().length;
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] headerBytes;
        try {
            headerBytes = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int padded = (headerBytes.length + 7) / 8 * 8;
        long total = 8L + padded + offset;
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("tensors too large for one file: " + total + " bytes");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded);
        buf.put(headerBytes);
        for (int i = headerBytes.length; i < padded; i++) {
            buf.put((byte) ' ');
        }
        for (Tensor t : tensors.values()) {
            buf.asFloatBuffer().put(t.data());
            buf.position(buf.position() + 4 * t.data().length);
        }
        return buf.array();
    }

    /** A parsed file: tensors in header order and the metadata strings. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    /**
     * Parses and validates a safetensors file held in memory.
     *
     * @param bytes  the file
     * @param source a name for error messages
     */
    public static Contents read(byte[] bytes, String source) {
        if (bytes.length < 8) {
            throw new CheckpointFormatException(source + ": too short for a safetensors header (" + bytes.length
                    + " bytes)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buf.getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > bytes.length - 8) {
            throw new CheckpointFormatException(source + ": header length " + headerLength
                    + " is impossible for a file of " + bytes.length + " bytes");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new CheckpointFormatException(source + ": header is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (header == null || !header.isObject()) {
            throw new CheckpointFormatException(source + ": header must be a JSON object");
        }
        long dataStart = 8 + headerLength;
        long dataLength = bytes.length - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = header.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (METADATA.equals(f.getKey())) {
                readMetadata(f.getValue(), metadata, source);
            } else {
                entries.add(entry(f.getKey(), f.getValue(), dataLength, source));
            }
        }
        checkTiling(entries, dataLength, source);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            float[] values = new float[(int) ((e.end - e.begin) / 4)];
            ByteBuffer slice = ByteBuffer.wrap(bytes, (int) (dataStart + e.begin), (int) (e.end - e.begin))
                    .order(ByteOrder.LITTLE_ENDIAN);
            slice.asFloatBuffer().get(values);
            tensors.put(e.name, new Tensor(e.shape, values));
        }
        return new Contents(tensors, metadata);
    }

    private record Entry(String name, long[] shape, long begin, long end) {
    }

    private static Entry entry(String name, JsonNode node, long dataLength, String source) {
        String where = source + ": tensor '" + name + "'";
        if (!node.isObject()) {
            throw new CheckpointFormatException(where + " must be a JSON object");
        }
        JsonNode dtype = node.get("dtype");
        if (dtype == null || !"F32".equals(dtype.asText())) {
            throw new CheckpointFormatException(where + " has dtype " + dtype + "; only F32 is supported");
        }
        JsonNode shapeNode = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (shapeNode == null || !shapeNode.isArray() || shapeNode.size() > 8) {
            throw new CheckpointFormatException(where + " needs a shape array of at most 8 dimensions");
        }
        if (offsets == null || !offsets.isArray() || offsets.size() != 2 || !offsets.get(0).canConvertToLong()
                || !offsets.get(1).canConvertToLong() || !offsets.get(0).isIntegralNumber()
                || !offsets.get(1).isIntegralNumber()) {
            throw new CheckpointFormatException(where + " needs data_offsets [begin, end]");
        }
        long[] shape = new long[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode s = shapeNode.get(i);
            if (!s.isIntegralNumber() || !s.canConvertToLong() || s.asLong() < 0) {
                throw new CheckpointFormatException(where + " has an invalid dimension " + s);
            }
            shape[i] = s.asLong();
            if (shape[i] > 0 && count > dataLength / 4 / shape[i] + 1) {
                throw new CheckpointFormatException(where + " declares more values than the file holds");
            }
            count *= shape[i];
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin || end > dataLength) {
            throw new CheckpointFormatException(where + " has data_offsets [" + begin + ", " + end
                    + "] outside the " + dataLength + " data bytes");
        }
        if (end - begin != 4 * count) {
            throw new CheckpointFormatException(where + " has " + (end - begin) + " bytes for " + count
                    + " float32 values");
        }
        return new Entry(name, shape, begin, end);
    }

    private static void checkTiling(List<Entry> entries, long dataLength, String source) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : sorted) {
            if (e.begin != expected) {
                throw new CheckpointFormatException(source + ": tensor '" + e.name + "' starts at byte " + e.begin
                        + " but the previous one ends at " + expected + " (overlap or gap)");
            }
            expected = e.end;
        }
        if (expected != dataLength) {
            throw new CheckpointFormatException(source + ": tensors cover " + expected + " of " + dataLength
                    + " data bytes");
        }
    }

    private static void readMetadata(JsonNode node, Map<String, String> out, String source) {
        if (!node.isObject()) {
            throw new CheckpointFormatException(source + ": __metadata__ must be an object of strings");
        }
        node.fields().forEachRemaining(f -> {
            if (!f.getValue().isTextual()) {
                throw new CheckpointFormatException(source + ": __metadata__ value '" + f.getKey()
                        + "' is not a string");
            }
            out.put(f.getKey(), f.getValue().asText());
        });
    }
}
