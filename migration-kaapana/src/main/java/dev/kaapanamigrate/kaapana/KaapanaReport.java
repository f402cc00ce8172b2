package dev.kaapanamigrate.kaapana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.MigrationReport;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepPreview;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.kaapana.internal.Durable;
import dev.kaapanamigrate.kaapana.internal.ReportFacts;
import dev.kaapanamigrate.kaapana.internal.ReportHtml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The report of a whole Kaapana migration, for people and programs: the run's (or a dry-run's) result together with the
 * commands the {@link KaapanaPlatformControl} ran. Written as the versioned JSON report of {@link MigrationReport} with
 * the platform commands added ({@code platformCommands}, see {@code docs/report-format.md}), as one self-contained HTML
 * page (no script, no font, nothing loaded from the network: a timeline of the steps by platform state with their
 * durations, each step's changes and decisions, before/after counts per store and project, follow-ups, problems with
 * their fixes, the platform commands), and as a short summary an installer prints ({@link #brief()}).
 *
 * <pre>{@code
 * MigrationResult result = plan.run();
 * KaapanaReport report = KaapanaReport.of(result).withCommands(control.commands());
 * Path html = report.write(Path.of("migration-report.json"));      // the JSON, and the HTML page beside it
 * log.info("{}", report.brief());
 * KaapanaReport again = KaapanaReport.read(Path.of("migration-report.json"));
 * }</pre>
 */
public final class KaapanaReport {

    /** The envelope field holding the platform commands (added within report format version 2). */
    public static final String COMMANDS_FIELD = "platformCommands";
    /** The envelope field holding what {@link KaapanaMigration#run()} judged of the installation. */
    public static final String INSTALLATION_FIELD = "installation";
    /** The envelope field holding the options the run was configured with (no secrets: see {@link #withOptions}). */
    public static final String OPTIONS_FIELD = "options";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MigrationResult result;
    private final PlanPreview preview;
    private final List<PlatformCommand> commands;
    private final Installation installation;
    private final Map<String, String> options;

    /**
     * A problem of the report: the step it belongs to (empty for a problem of the plan) and what was found, expected
     * and the fix.
     *
     * @param stepId  the step, or the empty string
     * @param problem the problem
     */
    public record Issue(String stepId, Problem problem) {
        /**
         * Validates the components.
         *
         * @param stepId  the step
         * @param problem the problem
         */
        public Issue {
            stepId = stepId == null ? "" : stepId;
            Objects.requireNonNull(problem, "problem");
        }
    }

    private KaapanaReport(MigrationResult result, PlanPreview preview, List<PlatformCommand> commands) {
        this(result, preview, commands, null);
    }

    private KaapanaReport(MigrationResult result, PlanPreview preview, List<PlatformCommand> commands,
            Installation installation) {
        this(result, preview, commands, installation, Map.of());
    }

    private KaapanaReport(MigrationResult result, PlanPreview preview, List<PlatformCommand> commands,
            Installation installation, Map<String, String> options) {
        this.result = result;
        this.preview = preview;
        this.commands = List.copyOf(commands);
        this.installation = installation;
        this.options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /**
     * What a {@link KaapanaRun} judged: the state the installation is left in, the next steps, and the automatic
     * restore's summary when one ran.
     *
     * @param state     the installation's state
     * @param nextSteps what to do next, in order
     * @param restore   the restore's summary, or the empty string
     */
    public record Installation(InstallationState state, List<String> nextSteps, String restore) {
        /**
         * Validates the components and copies the list.
         *
         * @param state     the state
         * @param nextSteps the next steps
         * @param restore   the restore's summary
         */
        public Installation {
            Objects.requireNonNull(state, "state");
            nextSteps = List.copyOf(nextSteps);
            restore = restore == null ? "" : restore;
        }
    }

    /**
     * The report of {@link KaapanaMigration#run()}: the run's result with the state the installation is left in, the
     * next steps and the automatic restore.
     *
     * @param run the run
     * @return the report, without platform commands
     */
    public static KaapanaReport of(KaapanaRun run) {
        Objects.requireNonNull(run, "run");
        String restore = run.restore().map(RestoreResult::summary).orElse("");
        if (run.restoreProblem() != null) {
            restore += "Automatic restore not done (" + run.restoreProblem().code().code() + "): "
                    + run.restoreProblem().found() + ". " + run.restoreProblem().fix() + ".";
        }
        return new KaapanaReport(run.result(), null, List.of(), new Installation(run.installation(), run.nextSteps(),
                restore));
    }

    /**
     * What {@link KaapanaMigration#run()} judged of the installation, when this is the report of such a run.
     *
     * @return the installation's state and next steps
     */
    public Optional<Installation> installation() {
        return Optional.ofNullable(installation);
    }

    /**
     * The report of a run or a verify-only pass.
     *
     * @param result the result
     * @return the report, without platform commands
     */
    public static KaapanaReport of(MigrationResult result) {
        return new KaapanaReport(Objects.requireNonNull(result, "result"), null, List.of());
    }

    /**
     * The report of a dry-run.
     *
     * @param preview the preview
     * @return the report, without platform commands
     */
    public static KaapanaReport of(PlanPreview preview) {
        return new KaapanaReport(null, Objects.requireNonNull(preview, "preview"), List.of());
    }

    /**
     * The same report with the commands the platform control ran ({@link KaapanaPlatformControl#commands()}).
     *
     * @param platformCommands the commands, secrets already masked
     * @return a new report
     */
    public KaapanaReport withCommands(List<PlatformCommand> platformCommands) {
        return new KaapanaReport(result, preview, Objects.requireNonNull(platformCommands, "platformCommands"),
                installation, options);
    }

    /**
     * The same report with the options the run was configured with, in the given order: how an installer chose to
     * reach things (for example {@code "tls" -> "not verified (--insecure)"}, {@code "databases" -> "servers"}).
     * Names and values are written as given: never pass a secret.
     *
     * @param configured option names and their values, no secrets
     * @return a new report
     */
    public KaapanaReport withOptions(Map<String, String> configured) {
        Objects.requireNonNull(configured, "configured");
        return new KaapanaReport(result, preview, commands, installation, configured);
    }

    /**
     * The options the run was configured with ({@link #withOptions}).
     *
     * @return names and values in their order, possibly empty
     */
    public Map<String, String> options() {
        return options;
    }

    /**
     * The run's result, when this is the report of a run or a verify-only pass.
     *
     * @return the result, or empty for a dry-run
     */
    public Optional<MigrationResult> result() {
        return Optional.ofNullable(result);
    }

    /**
     * The dry-run's preview, when this is the report of a dry-run.
     *
     * @return the preview, or empty for a run
     */
    public Optional<PlanPreview> preview() {
        return Optional.ofNullable(preview);
    }

    /**
     * The commands the platform control ran.
     *
     * @return the commands, possibly empty
     */
    public List<PlatformCommand> commands() {
        return commands;
    }

    // ------------------------------------------------------------------------------------------------- views

    /**
     * Before/after counts per store and project, read from the facts the steps verified: rows per table (the database
     * migrations' baselines), objects per bucket (the MinIO baseline and verification) and documents per index (the
     * OpenSearch baseline and verification). Empty for a dry-run.
     *
     * @return the counts: PostgreSQL, then MinIO, then OpenSearch, each by project and item
     */
    public List<StoreCount> counts() {
        return result == null ? List.of() : ReportFacts.counts(result.steps());
    }

    /**
     * What is still to do after this run, one sentence each: the platform state a paused run waits for, guarantees not
     * proven, extension DAGs to map, workflow code to fix, folders left in place, steps not run; for a dry-run the
     * steps that can only be checked later.
     *
     * @return the follow-ups, each starting with its step id and a colon where it belongs to a step
     */
    public List<String> followUps() {
        return result != null ? ReportFacts.followUps(result) : ReportFacts.followUps(preview);
    }

    /**
     * The problems with their fixes: blocked and failed steps, failed facts of a failed verification, and for a dry-run
     * the blocked steps and the plan's own problems.
     *
     * @return the problems, in step order
     */
    public List<Issue> problems() {
        List<Issue> out = new ArrayList<>();
        if (result != null) {
            for (StepResult s : result.steps()) {
                if (s.status() == StepStatus.VERIFICATION_FAILED && s.verification() != null) {
                    for (Verification.Fact f : s.verification().failures()) {
                        out.add(new Issue(s.stepId(), Problem.of(CoreErrorCode.VERIFICATION_FAILED, f.name() + ": "
                                + f.actual(), f.expected(), s.problem() != null ? s.problem().fix()
                                : "look at what the step names; fix it, then run verify again")));
                    }
                } else if (s.problem() != null && !s.status().isDone() && s.status() != StepStatus.NOT_RUN
                        && s.status() != StepStatus.SKIPPED) {
                    out.add(new Issue(s.stepId(), s.problem()));
                } else if ((s.status() == StepStatus.FAILED || s.status() == StepStatus.BLOCKED) && s.problem() == null) {
                    out.add(new Issue(s.stepId(), Problem.of(s.errorCode() != null ? s.errorCode()
                            : CoreErrorCode.STEP_FAILED, String.valueOf(s.message()), "the step to succeed",
                            s.errorCode() != null ? s.errorCode().remedy() : "see the message")));
                }
            }
            if (out.isEmpty() && (result.status() == PlanStatus.FAILED || result.status() == PlanStatus.BLOCKED)) {
                out.add(new Issue("", Problem.of(result.errorCode() != null ? result.errorCode()
                        : CoreErrorCode.STEP_FAILED, String.valueOf(result.message()), "a run that completes",
                        result.errorCode() != null ? result.errorCode().remedy() : "see the message")));
            }
        } else {
            preview.problems().forEach(p -> out.add(new Issue("", p)));
            for (StepPreview s : preview.steps()) {
                if (s.check() instanceof StepCheck.Blocked b) {
                    out.add(new Issue(s.stepId(), b.problem()));
                }
            }
        }
        return out;
    }

    /**
     * Where the platform was when the run ended: the state of the last step that ran (for a dry-run, the state the
     * platform was in).
     *
     * @return the state
     */
    public PlatformState platformState() {
        if (preview != null) {
            return preview.platformState();
        }
        PlatformState last = null;
        for (StepResult s : result.steps()) {
            if (s.status() != StepStatus.NOT_RUN && s.status() != StepStatus.SKIPPED && s.state() != null) {
                last = s.state();
            }
        }
        return last != null ? last : PlatformState.SOURCE_RUNNING;
    }

    /**
     * A short summary for people, a few lines: the outcome with counts and duration, where the platform is, the
     * problems with their fixes, what was not proven and what is still to do. The full story is in the HTML page.
     *
     * @return the summary, ending with a line break
     */
    public String brief() {
        StringBuilder s = new StringBuilder();
        if (result != null) {
            long applied = count(StepStatus.APPLIED);
            long done = result.steps().stream().filter(x -> x.status().isDone()).count();
            long changes = result.steps().stream().mapToLong(x -> x.changes().size()).sum();
            s.append(result.operation() == MigrationResult.Operation.VERIFY ? "Verification " : "Migration ")
                    .append(result.status()).append(" in ").append(human(result.duration())).append(": ")
                    .append(result.steps().size()).append(" steps, ").append(done).append(" done (")
                    .append(applied).append(" applied, ").append(done - applied).append(" already done)");
            long skipped = count(StepStatus.SKIPPED);
            long notRun = count(StepStatus.NOT_RUN);
            if (skipped > 0) {
                s.append(", ").append(skipped).append(" skipped");
            }
            if (notRun > 0) {
                s.append(", ").append(notRun).append(" not run");
            }
            s.append(", ").append(changes).append(" changes.\n");
            if (installation == null) {
                s.append("Platform: ").append(describe(platformState(), result.status())).append('\n');
            } else {
                s.append("Platform: ").append(stateName(platformState())).append(". Installation: ")
                        .append(installation.state().description()).append(".\n").append(installation.restore());
                for (int i = 0; i < installation.nextSteps().size(); i++) {
                    s.append("Next ").append(i + 1).append(": ").append(installation.nextSteps().get(i)).append('\n');
                }
            }
        } else {
            long pending = preview.steps().stream().filter(x -> x.check() instanceof StepCheck.Pending).count();
            s.append("Dry-run: ").append(preview.isBlocked() ? "BLOCKED" : "nothing blocks").append(": ")
                    .append(preview.steps().size()).append(" steps, ").append(pending).append(" with changes (")
                    .append(preview.changes().size()).append(" changes); platform ")
                    .append(stateName(preview.platformState())).append(".\n");
        }
        for (Issue i : problems()) {
            s.append("Problem").append(i.stepId().isEmpty() ? "" : " in " + i.stepId()).append(": ")
                    .append(i.problem().found()).append("; expected ").append(i.problem().expected())
                    .append(". Fix: ").append(i.problem().fix()).append('\n');
        }
        for (String f : followUps()) {
            s.append("To do: ").append(f).append('\n');
        }
        return s.toString();
    }

    private long count(StepStatus status) {
        return result.steps().stream().filter(x -> x.status() == status).count();
    }

    private static String describe(PlatformState state, PlanStatus status) {
        boolean ended = status == PlanStatus.SUCCEEDED || status == PlanStatus.INCOMPLETE;
        return switch (state) {
            case SOURCE_RUNNING -> "Kaapana 0.4 runs; nothing was changed while it ran.";
            case UNDEPLOYED -> ended ? "undeployed; the installation is migrated, 0.5 is to be deployed."
                    : "undeployed; the installation may be partly migrated: run again to finish, or restore the backup.";
            case TARGET_RUNNING -> ended ? "Kaapana 0.5 runs on the migrated installation."
                    : "Kaapana 0.5 runs; it has written to the installation: undeploy it before any restore.";
        };
    }

    /**
     * A platform state in words.
     *
     * @param state the state
     * @return {@code "0.4 running"}, {@code "undeployed"} or {@code "0.5 running"}
     */
    public static String stateName(PlatformState state) {
        return switch (state) {
            case SOURCE_RUNNING -> "0.4 running";
            case UNDEPLOYED -> "undeployed";
            case TARGET_RUNNING -> "0.5 running";
        };
    }

    /**
     * A duration for people: {@code 850 ms}, {@code 12.3 s}, {@code 4 min 05 s}.
     *
     * @param d the duration
     * @return the text
     */
    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return String.format(Locale.ROOT, "%d min %02d s", ms / 60_000, (ms / 1000) % 60);
    }

    // ------------------------------------------------------------------------------------------------- formats

    /**
     * The JSON report: {@link MigrationReport}'s versioned envelope with the platform commands added.
     *
     * @return the JSON text
     */
    public String toJson() {
        String core = result != null ? MigrationReport.toJson(result) : MigrationReport.toJson(preview);
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(core);
            if (installation != null) {
                ObjectNode n = root.putObject(INSTALLATION_FIELD);
                n.put("state", installation.state().name());
                n.put("description", installation.state().description());
                ArrayNode next = n.putArray("nextSteps");
                installation.nextSteps().forEach(next::add);
                n.put("restore", installation.restore());
            }
            if (!options.isEmpty()) {
                ObjectNode o = root.putObject(OPTIONS_FIELD);
                options.forEach(o::put);
            }
            if (!commands.isEmpty()) {
                ArrayNode list = root.putArray(COMMANDS_FIELD);
                for (PlatformCommand c : commands) {
                    ObjectNode n = list.addObject();
                    n.put("purpose", c.purpose());
                    ArrayNode line = n.putArray("commandLine");
                    c.commandLine().forEach(line::add);
                    n.put("startedAt", c.startedAt().toString());
                    n.put("duration", c.duration().toString());
                    n.put("exitCode", c.exitCode());
                    n.put("timedOut", c.timedOut());
                    n.put("output", c.output());
                }
            }
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (IOException e) {
            throw new MigrationException(CoreErrorCode.REPORT_INVALID, "Cannot write the report as JSON: " + e, e);
        }
    }

    /**
     * Reads a JSON report of a run, a verify-only pass or a dry-run (format versions 1 and 2, with or without platform
     * commands).
     *
     * @param file the report
     * @return the report
     * @throws MigrationException {@link CoreErrorCode#REPORT_INVALID} when the file is not such a report
     */
    public static KaapanaReport read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new MigrationException(Problem.of(CoreErrorCode.REPORT_INVALID, "cannot read " + file + ": "
                    + e.getMessage(), "a readable kaapana-migrate JSON report", "pass the path of a report file"), e);
        }
        return parse(text);
    }

    /**
     * Reads a JSON report from its text.
     *
     * @param json the report
     * @return the report
     * @throws MigrationException {@link CoreErrorCode#REPORT_INVALID} when the text is not such a report
     */
    public static KaapanaReport parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            root = null;
        }
        String kind = root == null ? "" : root.path("kind").asText();
        KaapanaReport report = "preview".equals(kind) ? of(MigrationReport.parsePreview(json))
                : of(MigrationReport.parseResult(json));
        List<PlatformCommand> list = new ArrayList<>();
        for (JsonNode n : root.path(COMMANDS_FIELD)) {
            List<String> line = new ArrayList<>();
            n.path("commandLine").forEach(a -> line.add(a.asText()));
            try {
                list.add(new PlatformCommand(n.path("purpose").asText(), line, Instant.parse(n.path("startedAt").asText()),
                        Duration.parse(n.path("duration").asText()), n.path("exitCode").asInt(),
                        n.path("timedOut").asBoolean(), n.path("output").asText()));
            } catch (RuntimeException e) {
                throw new MigrationException(Problem.of(CoreErrorCode.REPORT_INVALID, "a platform command that does "
                        + "not fit (" + e.getMessage() + ")", "purpose, commandLine, startedAt, duration, exitCode, "
                        + "timedOut, output", "read it with the kaapana-migrate version that wrote it"), e);
            }
        }
        JsonNode inst = root.path(INSTALLATION_FIELD);
        if (inst.isObject()) {
            InstallationState state;
            try {
                state = InstallationState.valueOf(inst.path("state").asText());
            } catch (IllegalArgumentException e) {
                throw new MigrationException(Problem.of(CoreErrorCode.REPORT_INVALID, "an installation state '"
                        + inst.path("state").asText() + "'", "one of " + java.util.Arrays.toString(
                        InstallationState.values()), "read it with the kaapana-migrate version that wrote it"), e);
            }
            List<String> next = new ArrayList<>();
            inst.path("nextSteps").forEach(n -> next.add(n.asText()));
            report = new KaapanaReport(report.result, report.preview, List.of(),
                    new Installation(state, next, inst.path("restore").asText("")));
        }
        Map<String, String> configured = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.path(OPTIONS_FIELD).properties()) {
            configured.put(e.getKey(), e.getValue().asText());
        }
        return report.withCommands(list).withOptions(configured);
    }

    /**
     * The HTML page: one self-contained file (inline style, no script, no font, nothing fetched; a content security
     * policy forbids loading anything).
     *
     * @return the page
     */
    public String toHtml() {
        return ReportHtml.render(this);
    }

    /**
     * Writes the JSON report to {@code jsonFile} and the HTML page beside it (same name, {@code .html}), each
     * atomically.
     *
     * @param jsonFile where the JSON report goes
     * @return the HTML page's path
     * @throws MigrationException {@link CoreErrorCode#REPORT_INVALID} when a file cannot be written
     */
    public Path write(Path jsonFile) {
        Path html = htmlBeside(jsonFile);
        writeFile(jsonFile, toJson());
        writeFile(html, toHtml());
        return html;
    }

    /**
     * Writes the HTML page only.
     *
     * @param htmlFile where it goes
     * @throws MigrationException {@link CoreErrorCode#REPORT_INVALID} when it cannot be written
     */
    public void writeHtml(Path htmlFile) {
        writeFile(htmlFile, toHtml());
    }

    /**
     * Where {@link #write(Path)} puts the HTML page for a JSON file: {@code report.json} → {@code report.html}.
     *
     * @param jsonFile the JSON report
     * @return the HTML path beside it
     */
    public static Path htmlBeside(Path jsonFile) {
        String name = jsonFile.getFileName().toString();
        String base = name.toLowerCase(Locale.ROOT).endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return jsonFile.resolveSibling(base + ".html");
    }

    private static void writeFile(Path file, String text) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Durable.writeAtomically(file.toAbsolutePath(), text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new MigrationException(Problem.of(CoreErrorCode.REPORT_INVALID, "cannot write " + file + ": "
                    + e.getMessage(), "a writable report folder", "choose a report folder this user may write"), e);
        }
    }

    @Override
    public String toString() {
        return "KaapanaReport[" + (result != null ? "run " + result.runId() + " " + result.status()
                : "dry-run " + preview.runId()) + ", " + commands.size() + " platform commands]";
    }
}
