package dev.kaapanamigrate.kaapana.internal;

import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepPreview;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.kaapana.KaapanaReport;
import dev.kaapanamigrate.kaapana.StoreCount;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the run report's views from the steps' facts: before/after counts per store and project, and the follow-ups.
 * The fact names are those of the database, MinIO and OpenSearch steps; a fact of another shape is simply not counted.
 */
public final class ReportFacts {

    private static final Pattern TABLE = Pattern.compile("^rows and digest of ([^.\\s]+)\\.(\\S+)$");
    private static final Pattern ROWS = Pattern.compile("^(\\d+) rows");
    private static final Pattern BUCKET_BASELINE = Pattern.compile("^baseline listing of bucket (\\S+) intact");
    private static final Pattern BUCKET_VERIFY = Pattern.compile("\\bbucket (\\S+) since the baseline of ");
    private static final Pattern OBJECTS = Pattern.compile("^(\\d+) objects");
    private static final Pattern EQUAL = Pattern.compile("^equal \\((\\d+) objects\\)");
    private static final Pattern WITH_ITS = Pattern.compile("^the bucket with its (\\d+) objects");
    private static final Pattern ADDED_BUCKET = Pattern.compile("^bucket added with (\\d+) objects");
    private static final Pattern MISSING = Pattern.compile("(\\d+) missing");
    private static final Pattern ADDED = Pattern.compile("(\\d+) added");
    private static final Pattern INDEX_BASELINE = Pattern.compile("^listing of (\\S+) intact$");
    private static final Pattern INDEX_VERIFY = Pattern.compile("^documents of (\\S+) kept \\(same id and content\\)$");
    private static final Pattern DOCUMENTS = Pattern.compile("^(\\d+) documents");
    private static final Pattern ALL_OF = Pattern.compile("^all (\\d+)");
    private static final Pattern BREAKING = Pattern.compile("^findings that break on Kaapana 0\\.5");
    private static final Pattern LEADING_COUNT = Pattern.compile("^(\\d+) ");

    private ReportFacts() {
    }

    /** A count being assembled. */
    private static final class Row {
        final String store;
        final String project;
        final String item;
        final String unit;
        Long before;
        Long after;
        boolean passed = true;
        String stepId;
        String beforeText = "";
        String afterText = "";

        Row(String store, String project, String item, String unit) {
            this.store = store;
            this.project = project;
            this.item = item;
            this.unit = unit;
        }
    }

    /**
     * The before/after counts of a run's steps.
     *
     * @param steps the steps
     * @return the counts, PostgreSQL, MinIO, OpenSearch, each by project and item
     */
    public static List<StoreCount> counts(List<StepResult> steps) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (StepResult s : steps) {
            if (s.verification() == null) {
                continue;
            }
            for (Verification.Fact f : s.verification().facts()) {
                Matcher m;
                if ((m = TABLE.matcher(f.name())).find()) {
                    Row r = row(rows, "PostgreSQL", m.group(1), m.group(1) + "." + m.group(2), "rows");
                    r.before = number(ROWS, f.expected());
                    r.beforeText = f.expected();
                    r.after = number(ROWS, f.actual());
                    r.afterText = f.actual();
                    touch(r, s, f);
                } else if ((m = BUCKET_BASELINE.matcher(f.name())).find()) {
                    Row r = row(rows, "MinIO", project(m.group(1), "project-"), m.group(1), "objects");
                    r.before = number(OBJECTS, f.expected());
                    r.beforeText = f.expected();
                    touch(r, s, f);
                } else if ((m = BUCKET_VERIFY.matcher(f.name())).find()) {
                    Row r = row(rows, "MinIO", project(m.group(1), "project-"), m.group(1), "objects");
                    Long with = number(WITH_ITS, f.expected());
                    if (with != null && r.before == null) {
                        r.before = with;
                        r.beforeText = f.expected();
                    }
                    r.afterText = f.actual();
                    Long equal = number(EQUAL, f.actual());
                    Long added = number(ADDED_BUCKET, f.actual());
                    if (equal != null) {
                        r.after = equal;
                        if (r.before == null) {
                            r.before = equal;
                            r.beforeText = f.expected();
                        }
                    } else if (added != null) {
                        r.after = added;
                        r.before = r.before == null ? 0L : r.before;
                    } else if (f.actual().startsWith("the bucket is missing")) {
                        r.after = 0L;
                    } else if (r.before != null) {
                        Long missing = find(MISSING, f.actual());
                        Long more = find(ADDED, f.actual());
                        r.after = r.before - (missing == null ? 0 : missing) + (more == null ? 0 : more);
                    }
                    touch(r, s, f);
                } else if ((m = INDEX_BASELINE.matcher(f.name())).find()) {
                    Row r = row(rows, "OpenSearch", project(m.group(1), "project_"), m.group(1), "documents");
                    r.before = number(DOCUMENTS, f.expected());
                    r.beforeText = f.expected();
                    touch(r, s, f);
                } else if ((m = INDEX_VERIFY.matcher(f.name())).find()) {
                    Row r = row(rows, "OpenSearch", project(m.group(1), "project_"), m.group(1), "documents");
                    if (r.before == null) {
                        r.before = number(ALL_OF, f.expected());
                        r.beforeText = f.expected();
                    }
                    r.afterText = f.actual();
                    Long all = number(ALL_OF, f.actual());
                    Long docs = number(DOCUMENTS, f.actual());
                    r.after = all != null ? all : docs != null ? docs
                            : f.actual().startsWith("the index is missing") ? Long.valueOf(0L) : null;
                    touch(r, s, f);
                }
            }
        }
        List<String> order = List.of("PostgreSQL", "MinIO", "OpenSearch");
        return rows.values().stream()
                .sorted(Comparator.comparing((Row r) -> order.indexOf(r.store)).thenComparing(r -> r.project)
                        .thenComparing(r -> r.item))
                .map(r -> new StoreCount(r.store, r.project, r.item, r.unit, r.before, r.after, r.passed, r.stepId,
                        r.beforeText, r.afterText))
                .toList();
    }

    private static Row row(Map<String, Row> rows, String store, String project, String item, String unit) {
        return rows.computeIfAbsent(store + "\u0000" + item, k -> new Row(store, project, item, unit));
    }

    private static void touch(Row r, StepResult s, Verification.Fact f) {
        r.passed &= f.passed();
        r.stepId = s.stepId();
    }

    private static String project(String name, String prefix) {
        return name.startsWith(prefix) ? name.substring(prefix.length()) : "(global)";
    }

    private static Long number(Pattern p, String text) {
        Matcher m = p.matcher(text == null ? "" : text);
        return m.find() ? Long.valueOf(m.group(1)) : null;
    }

    private static Long find(Pattern p, String text) {
        return number(p, text);
    }

    /**
     * What is still to do after a run.
     *
     * @param result the result
     * @return the follow-ups
     */
    public static List<String> followUps(MigrationResult result) {
        List<String> out = new ArrayList<>();
        if (result.status() == PlanStatus.PAUSED && result.awaitingState() != null) {
            out.add("move the platform to \"" + KaapanaReport.stateName(result.awaitingState())
                    + "\" yourself, then run again: the journal resumes the plan");
        }
        for (String u : result.unproven()) {
            out.add(u + " (not proven: give the store's client to prove it)");
        }
        for (StepResult s : result.steps()) {
            String message = s.message() == null ? "" : s.message();
            switch (s.stepId()) {
                case "postgres.report-extension-dags" -> {
                    Matcher m = LEADING_COUNT.matcher(message);
                    if (s.status().isDone() && m.find() && !"0".equals(m.group(1))) {
                        out.add(s.stepId() + ": " + message);
                    }
                }
                case "workflows.scan" -> {
                    if (s.verification() != null && s.verification().facts().stream().anyMatch(f ->
                            BREAKING.matcher(f.name()).find() && !"0".equals(f.actual()))) {
                        out.add(s.stepId() + ": " + message + " (fix these files before 0.5 runs the DAGs)");
                    }
                }
                case "kaapana.orphaned-folders" -> {
                    if (message.startsWith("left in place")) {
                        out.add(s.stepId() + ": " + message + " (archive or remove them once 0.5 runs well)");
                    }
                }
                default -> {
                }
            }
        }
        long notRun = result.steps().stream().filter(s -> s.status() == StepStatus.NOT_RUN).count();
        if (notRun > 0 && result.status() != PlanStatus.SUCCEEDED && result.status() != PlanStatus.INCOMPLETE) {
            out.add(notRun + " steps not run yet: fix what stopped the run, then run again");
        }
        return out;
    }

    /**
     * What a dry-run could not check yet.
     *
     * @param preview the preview
     * @return the follow-ups
     */
    public static List<String> followUps(PlanPreview preview) {
        List<String> out = new ArrayList<>();
        for (StepPreview s : preview.steps()) {
            if (s.check() instanceof StepCheck.Deferred d) {
                out.add(s.stepId() + ": checked once the platform is " + KaapanaReport.stateName(d.state()) + " ("
                        + d.reason() + ")");
            } else if (s.check() instanceof StepCheck.Waiting w) {
                out.add(s.stepId() + ": checked after " + String.join(", ", w.stepIds()) + " ran (" + w.reason() + ")");
            }
        }
        return out;
    }
}
