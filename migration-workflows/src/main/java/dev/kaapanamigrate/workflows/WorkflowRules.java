package dev.kaapanamigrate.workflows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kaapanamigrate.core.ConfigurationException;
import dev.kaapanamigrate.core.MigrationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Loads rule sets from JSON: the built-in Kaapana 0.4 → 0.5 rules ({@link #kaapana05()}, the bundled resource
 * {@code kaapana-0.5-rules.json}) and a site's own files. The format:
 *
 * <pre>{@code
 * {"format": 1,
 *  "rules": [
 *    {"id": "site.old-queue", "severity": "BREAKS", "message": "the queue 'gpu-old' is gone; use 'gpu'",
 *     "patterns": [{"tokens": [{"kind": "STRING", "text": "gpu-old"}], "rewrite": ["gpu"]}]}
 *  ]}
 * }</pre>
 *
 * <pre>{@code
 * List<WorkflowRule> rules = new ArrayList<>(WorkflowRules.kaapana05());
 * rules.addAll(WorkflowRules.load(Path.of("/etc/kaapana-migrate/site-rules.json")));
 * }</pre>
 */
public final class WorkflowRules {

    /** The rule-file format this version reads and writes. */
    public static final int FORMAT = 1;

    /** The name of the bundled resource holding the built-in rules. */
    public static final String KAAPANA_05_RESOURCE = "kaapana-0.5-rules.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private static volatile List<WorkflowRule> builtIn;

    private WorkflowRules() {
    }

    /** The file's top level. */
    private record RuleFile(Integer format, List<WorkflowRule> rules) {
    }

    /**
     * The built-in rules for custom DAGs and operators moving from Kaapana 0.4 to 0.5, in the order they claim tokens.
     *
     * @return the rules
     */
    public static List<WorkflowRule> kaapana05() {
        List<WorkflowRule> rules = builtIn;
        if (rules == null) {
            try (InputStream in = WorkflowRules.class.getResourceAsStream(KAAPANA_05_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the resource " + KAAPANA_05_RESOURCE + " is missing from the jar");
                }
                rules = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), KAAPANA_05_RESOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the bundled " + KAAPANA_05_RESOURCE, e);
            }
            builtIn = rules;
        }
        return rules;
    }

    /**
     * Reads a rule file.
     *
     * @param file the JSON file
     * @return the rules, in file order
     * @throws ConfigurationException when the file cannot be read or holds invalid rules; the message says which
     */
    public static List<WorkflowRule> load(Path file) {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigurationException("Cannot read the rule file " + file + ": " + e + "; expected a readable JSON "
                    + "file in the format of kaapana-0.5-rules.json.");
        }
        return parse(json, file.toString());
    }

    /**
     * Parses rules from JSON text.
     *
     * @param json   the JSON text
     * @param source where it came from, for messages
     * @return the rules, in order
     * @throws ConfigurationException when the text holds invalid rules; the message says which
     */
    public static List<WorkflowRule> parse(String json, String source) {
        RuleFile file;
        try {
            file = JSON.readValue(json, RuleFile.class);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause();
            if (cause instanceof MigrationException m) {
                throw new ConfigurationException("The rule file " + source + " is invalid: " + m.getMessage());
            }
            throw new ConfigurationException("The rule file " + source + " is no valid rule JSON: "
                    + e.getOriginalMessage() + " (at " + location(e) + "); expected {\"format\": 1, \"rules\": [...]}.");
        }
        if (file == null || file.format() == null || file.format() != FORMAT) {
            throw new ConfigurationException("The rule file " + source + " has format " + (file == null ? null : file.format())
                    + "; expected \"format\": " + FORMAT + ".");
        }
        List<WorkflowRule> rules = file.rules() == null ? List.of() : file.rules();
        checkUniqueIds(rules, source);
        return List.copyOf(rules);
    }

    /**
     * Writes rules in the file format, for example to start a site's own rule file from the built-in one.
     *
     * @param rules the rules
     * @return the JSON text
     */
    public static String toJson(List<WorkflowRule> rules) {
        try {
            return JSON.writeValueAsString(new RuleFile(FORMAT, List.copyOf(rules)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("rules are plain data and always serialize", e);
        }
    }

    /**
     * Refuses two rules with one id: findings, counts and journals are keyed by it.
     *
     * @param rules  the rules
     * @param source where they came from, for the message
     * @throws ConfigurationException when an id repeats
     */
    static void checkUniqueIds(List<WorkflowRule> rules, String source) {
        Set<String> seen = new HashSet<>();
        List<String> twice = new ArrayList<>();
        for (WorkflowRule r : rules) {
            if (!seen.add(r.id())) {
                twice.add(r.id());
            }
        }
        if (!twice.isEmpty()) {
            throw new ConfigurationException("The rules of " + source + " use the id(s) " + twice + " more than once; "
                    + "give every rule its own id (a site's rules: a prefix such as \"site.\").");
        }
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "unknown position"
                : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }
}
