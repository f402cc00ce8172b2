package dev.kaapanamigrate.opensearch.internal;

import dev.kaapanamigrate.core.SetDigest;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/** Reads index mappings: their fields with types, and a canonical digest. */
public final class Mappings {

    private Mappings() {
    }

    /**
     * Every field of a mapping with its type, sub-fields included ({@code a.b}, {@code a.keyword}).
     *
     * @param mapping the {@code mappings} object
     * @return field path → type ({@code object} for objects without a type)
     */
    public static Map<String, String> fields(JsonNode mapping) {
        Map<String, String> out = new TreeMap<>();
        walk(mapping.path("properties"), "", out);
        return out;
    }

    private static void walk(JsonNode properties, String prefix, Map<String, String> out) {
        for (Map.Entry<String, JsonNode> e : properties.properties()) {
            String path = prefix + e.getKey();
            JsonNode def = e.getValue();
            out.put(path, def.path("type").asText("object"));
            if (def.has("properties")) {
                walk(def.path("properties"), path + ".", out);
            }
            if (def.has("fields")) {
                walk(def.path("fields"), path + ".", out);
            }
        }
    }

    /**
     * The canonical hash of a mapping (key order ignored), as hex.
     *
     * @param mapping the mapping
     * @return 32 hex digits
     */
    public static String digest(JsonNode mapping) {
        try {
            return SetDigest.hex(new CanonicalJson().hash(new JsonCursor(Endpoint.JSON.writeValueAsBytes(mapping))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
