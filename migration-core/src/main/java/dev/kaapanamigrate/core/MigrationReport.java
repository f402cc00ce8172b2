package dev.kaapanamigrate.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kaapanamigrate.core.internal.DurableFiles;
import dev.kaapanamigrate.core.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Writes and reads results and previews as JSON, in a documented, versioned format (see
 * {@code docs/report-format.md}), and renders them as text for people.
 *
 * <p>Format: an object with {@code "format": "kaapana-migrate-report"}, {@code "formatVersion": 2},
 * {@code "kind": "run"} or {@code "preview"}, and the {@link MigrationResult} under {@code "result"} or the
 * {@link PlanPreview} under {@code "preview"}. Fields may be added within a version; readers ignore fields they
 * do not know. A change that removes or redefines a field raises the version. Reports of version 1 are read too.
 *
 * <pre>{@code
 * MigrationResult result = plan.run();
 * MigrationReport.write(result, Path.of("migration-report.json"));
 * log.info(MigrationReport.summary(result));
 * MigrationResult again = MigrationReport.readResult(Path.of("migration-report.json"));
 * }</pre>
 */
public final class MigrationReport {

    /** The value of the {@code format} field. */
    public static final String FORMAT = "kaapana-migrate-report";
    /** The format version this library writes; it reads this one and version 1. */
    public static final int FORMAT_VERSION = 2;

    private MigrationReport() {
    }

    /**
     * The JSON of a run's result.
     *
     * @param result the result
     * @return the report as JSON text
     */
    public static String toJson(MigrationResult result) {
        return envelope("run", "result", result);
    }

    /**
     * The JSON of a dry-run's preview.
     *
     * @param preview the preview
     * @return the report as JSON text
     */
    public static String toJson(PlanPreview preview) {
        return envelope("preview", "preview", preview);
    }

    /**
     * Writes a run's result to a file, atomically (a reader never sees half a report).
     *
     * @param result the result
     * @param file   the file
     */
    public static void write(MigrationResult result, Path file) {
        writeAtomically(toJson(result), file);
    }

    /**
     * Writes a dry-run's preview to a file, atomically.
     *
     * @param preview the preview
     * @param file    the file
     */
    public static void write(PlanPreview preview, Path file) {
        writeAtomically(toJson(preview), file);
    }

    /**
     * Reads a run's result from JSON text.
     *
     * @param json the report
     * @return the result
     * @throws MigrationException with {@link CoreErrorCode#REPORT_INVALID} when it is not a run report of a
     *                            supported version
     */
    public static MigrationResult parseResult(String json) {
        return convert(body(json, "run", "result"), MigrationResult.class, "run");
    }

    /**
     * Reads a dry-run's preview from JSON text.
     *
     * @param json the report
     * @return the preview
     * @throws MigrationException with {@link CoreErrorCode#REPORT_INVALID} when it is not a preview report of a
     *                            supported version
     */
    public static PlanPreview parsePreview(String json) {
        return convert(body(json, "preview", "preview"), PlanPreview.class, "preview");
    }

    private static <T> T convert(JsonNode body, Class<T> type, String kind) {
        try {
            return Json.mapper().convertValue(body, type);
        } catch (IllegalArgumentException e) {
            // A missing field, or an enum value written by a newer version of this library.
            throw invalid("a report body that does not fit (" + e.getMessage() + ")", kind);
        }
    }

    /**
     * Reads a run's result from a file.
     *
     * @param file the report file
     * @return the result
     */
    public static MigrationResult readResult(Path file) {
        return parseResult(read(file));
    }

    /**
     * Reads a dry-run's preview from a file.
     *
     * @param file the report file
     * @return the preview
     */
    public static PlanPreview readPreview(Path file) {
        return parsePreview(read(file));
    }

    /**
     * A text summary of a run for people: status, then one line per step and one per change.
     *
     * @param result the result
     * @return the summary
     */
    public static String summary(MigrationResult result) {
        StringBuilder s = new StringBuilder();
        s.append(result.operation() == MigrationResult.Operation.VERIFY ? "Verify-only pass " : "Migration run ")
                .append(result.runId()).append(": ").append(result.status())
                .append(" in ").append(result.duration().toMillis()).append(" ms\n");
        for (StepResult step : result.steps()) {
            s.append(String.format("  %-20s %s%s%n", step.status(), step.stepId(),
                    step.message() == null ? "" : " - " + step.message()));
            for (Change c : step.changes()) {
                s.append("      ").append(c.describe()).append('\n');
            }
            if (step.problem() != null && !step.status().isDone()) {
                s.append("      fix: ").append(step.problem().fix()).append('\n');
            }
        }
        if (result.awaitingState() != null) {
            s.append("Waiting for the platform state ").append(result.awaitingState()).append(": move the platform ")
                    .append("there and run again.\n");
        }
        result.unproven().forEach(u -> s.append("Not proven: ").append(u).append('\n'));
        result.notes().forEach(n -> s.append("Note: ").append(n).append('\n'));
        return s.toString();
    }

    /**
     * A text summary of a dry-run for people: one line per step, then its changes or its problem.
     *
     * @param preview the preview
     * @return the summary
     */
    public static String summary(PlanPreview preview) {
        StringBuilder s = new StringBuilder();
        s.append("Dry-run ").append(preview.runId()).append(" (platform ").append(preview.platformState())
                .append("): ").append(preview.changes().size()).append(" changes")
                .append(preview.isBlocked() ? ", BLOCKED" : "").append('\n');
        for (Problem p : preview.problems()) {
            s.append("  PLAN         ").append(p.message()).append('\n');
        }
        for (StepPreview step : preview.steps()) {
            StepCheck check = step.check();
            String outcome;
            String detail;
            if (check instanceof StepCheck.UpToDate u) {
                outcome = "UP_TO_DATE";
                detail = u.detail();
            } else if (check instanceof StepCheck.Pending p) {
                outcome = "PENDING";
                detail = p.changes().stream().map(c -> "\n      " + c.describe()).collect(Collectors.joining())
                        + p.notes().stream().map(n -> "\n      NOTE " + n).collect(Collectors.joining());
            } else if (check instanceof StepCheck.Blocked b) {
                outcome = "BLOCKED";
                detail = b.problem().message();
            } else if (check instanceof StepCheck.Skipped k) {
                outcome = "SKIPPED";
                detail = k.reason();
            } else if (check instanceof StepCheck.Waiting w) {
                outcome = "WAITING";
                detail = "checked after " + String.join(", ", w.stepIds()) + " ran: " + w.reason();
            } else {
                StepCheck.Deferred d = (StepCheck.Deferred) check;
                outcome = "DEFERRED";
                detail = "checked in state " + d.state() + ": " + d.reason();
            }
            s.append(String.format("  %-12s %s%s%n", outcome, step.stepId(),
                    detail.startsWith("\n") ? detail : " - " + detail));
        }
        return s.toString();
    }

    private static String envelope(String kind, String field, Object body) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("format", FORMAT);
        root.put("formatVersion", FORMAT_VERSION);
        root.put("kind", kind);
        root.set(field, Json.mapper().valueToTree(body));
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (IOException e) {
            throw new MigrationException(CoreErrorCode.REPORT_INVALID, "Cannot write the report as JSON: " + e, e);
        }
    }

    private static JsonNode body(String json, String kind, String field) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (IOException e) {
            throw invalid("text that is not JSON (" + e.getMessage() + ")", kind);
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw invalid("JSON without \"format\": \"" + FORMAT + "\"", kind);
        }
        int version = root.path("formatVersion").asInt(-1);
        if (version != FORMAT_VERSION && version != 1) {
            throw invalid("format version " + version, kind);
        }
        if (!kind.equals(root.path("kind").asText()) || !root.hasNonNull(field)) {
            throw invalid("a report of kind '" + root.path("kind").asText() + "'", kind);
        }
        return root.get(field);
    }

    private static MigrationException invalid(String found, String kind) {
        return new MigrationException(Problem.of(CoreErrorCode.REPORT_INVALID, found,
                "a kaapana-migrate report of kind '" + kind + "', format version 1 or " + FORMAT_VERSION,
                "read it with the kaapana-migrate version that wrote it, or pass the right file"), null);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new MigrationException(CoreErrorCode.REPORT_INVALID, "Cannot read the report " + file + ": " + e, e);
        }
    }

    private static void writeAtomically(String json, Path file) {
        try {
            DurableFiles.writeAtomically(file, json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new MigrationException(CoreErrorCode.REPORT_INVALID, "Cannot write the report " + file + ": " + e, e);
        }
    }
}
