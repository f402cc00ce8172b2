package dev.kaapanamigrate.opensearch.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kaapanamigrate.domain.KaapanaNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares the index template {@code project_} with Kaapana's (meta-init, the same in 0.4.2 and 0.5.2; reference §9):
 * pattern {@code project_*}, 4 shards, 0 replicas, total fields limit 6000, 150 docvalue fields, numeric and date
 * detection off.
 */
public final class TemplateCheck {

    /** The settings Kaapana's template sets, flat. */
    public static final Map<String, String> EXPECTED_SETTINGS;

    static {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("index.number_of_shards", "4");
        s.put("index.number_of_replicas", "0");
        s.put("index.mapping.total_fields.limit", "6000");
        s.put("index.max_docvalue_fields_search", "150");
        EXPECTED_SETTINGS = java.util.Collections.unmodifiableMap(s);
    }

    private TemplateCheck() {
    }

    /**
     * The differences between the node's template and Kaapana's.
     *
     * @param endpoint the endpoint
     * @return the differences; empty when the template is as expected; one entry "missing" when there is none
     */
    public static List<String> differences(Endpoint endpoint) {
        Endpoint.Reply r = endpoint.call("GET", "/_index_template/" + KaapanaNames.INDEX_TEMPLATE, null);
        if (r.status() == 404) {
            return List.of("no index template '" + KaapanaNames.INDEX_TEMPLATE + "'");
        }
        if (!r.ok()) {
            throw endpoint.failure("reading index template " + KaapanaNames.INDEX_TEMPLATE, r);
        }
        JsonNode template = null;
        for (JsonNode t : r.json().path("index_templates")) {
            if (KaapanaNames.INDEX_TEMPLATE.equals(t.path("name").asText())) {
                template = t.path("index_template");
            }
        }
        if (template == null) {
            return List.of("no index template '" + KaapanaNames.INDEX_TEMPLATE + "'");
        }
        List<String> out = new ArrayList<>();
        List<String> patterns = new ArrayList<>();
        template.path("index_patterns").forEach(p -> patterns.add(p.asText()));
        if (!patterns.equals(List.of(KaapanaNames.INDEX_PATTERN))) {
            out.add("index_patterns " + patterns + " instead of [" + KaapanaNames.INDEX_PATTERN + "]");
        }
        Map<String, String> settings = new TreeMap<>();
        flatten(template.path("template").path("settings"), "", settings);
        for (Map.Entry<String, String> e : EXPECTED_SETTINGS.entrySet()) {
            String actual = settings.get(e.getKey());
            if (actual == null) {
                actual = settings.get(e.getKey().substring("index.".length()));
            }
            if (!e.getValue().equals(actual)) {
                out.add(e.getKey() + " " + (actual == null ? "not set" : actual) + " instead of " + e.getValue());
            }
        }
        JsonNode mappings = template.path("template").path("mappings");
        for (String detection : List.of("numeric_detection", "date_detection")) {
            if (!"false".equals(mappings.path(detection).asText())) {
                out.add("mappings." + detection + " " + (mappings.has(detection) ? mappings.path(detection).asText()
                        : "not set") + " instead of false");
            }
        }
        return out;
    }

    private static void flatten(JsonNode node, String prefix, Map<String, String> out) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getValue().isObject()) {
                flatten(e.getValue(), prefix + e.getKey() + ".", out);
            } else {
                out.put(prefix + e.getKey(), e.getValue().asText());
            }
        }
    }
}
