package org.noiselab.engine.io;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Strict accessors for manifest fields: each names the full path of a missing or mistyped field in its error, so a
 * broken checkpoint is reported as "manifest.json: model.width must be an integer", never as a stack trace.
 */
final class JsonFields {

    private final JsonNode node;
    private final String path;
    private final String source;

    JsonFields(JsonNode node, String path, String source) {
        if (node == null || !node.isObject()) {
            throw new CheckpointFormatException(source + ": " + (path.isEmpty() ? "the document" : path)
                    + " must be a JSON object");
        }
        this.node = node;
        this.path = path;
        this.source = source;
    }

    JsonNode node() {
        return node;
    }

    JsonFields object(String name) {
        return new JsonFields(node.get(name), qualified(name), source);
    }

    boolean has(String name) {
        return node.has(name) && !node.get(name).isNull();
    }

    String text(String name) {
        JsonNode v = node.get(name);
        if (v == null || !v.isTextual()) {
            throw fail(name, "must be a string");
        }
        return v.asText();
    }

    int integer(String name) {
        JsonNode v = node.get(name);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw fail(name, "must be an integer");
        }
        return v.asInt();
    }

    long longValue(String name) {
        JsonNode v = node.get(name);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw fail(name, "must be a 64-bit integer");
        }
        return v.asLong();
    }

    double number(String name) {
        JsonNode v = node.get(name);
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw fail(name, "must be a finite number");
        }
        return v.asDouble();
    }

    boolean bool(String name) {
        JsonNode v = node.get(name);
        if (v == null || !v.isBoolean()) {
            throw fail(name, "must be true or false");
        }
        return v.asBoolean();
    }

    JsonNode raw(String name) {
        JsonNode v = node.get(name);
        if (v == null) {
            throw fail(name, "is missing");
        }
        return v;
    }

    String qualified(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    CheckpointFormatException invalid(String problem) {
        return new CheckpointFormatException(source + ": " + problem);
    }

    CheckpointFormatException fail(String name, String problem) {
        return new CheckpointFormatException(source + ": " + qualified(name) + " " + problem);
    }
}
