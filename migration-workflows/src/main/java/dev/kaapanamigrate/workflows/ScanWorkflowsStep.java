package dev.kaapanamigrate.workflows;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.ContextKey;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-only: scans the site's workflow code (by default while Kaapana 0.4 still runs, so there is time to fix what
 * 0.5 breaks) and reports every finding. A scan changes nothing, so the check is always up to date; its detail shows
 * the summary and the first findings, so a dry-run shows them too. The whole report goes into the context
 * ({@link #REPORT}) and the verification's facts (counts, the files that could not be scanned, the first findings).
 * Findings never fail the step: what to fix, and when, is the operator's call ({@link RewriteWorkflowsStep} fixes the
 * mechanical ones).
 *
 * <pre>{@code
 * MigrationPlan.builder()
 *         .step(new ScanWorkflowsStep(WorkflowScanner.forKaapana(fast).build()))
 *         ...;
 * ScanReport report = ctx.require(ScanWorkflowsStep.REPORT);
 * }</pre>
 */
public final class ScanWorkflowsStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "workflows.scan";

    /** The scan report (findings capped at the scanner's {@code maxFindingsKept}; every finding counted). */
    public static final ContextKey<ScanReport> REPORT = ContextKey.of("workflows.scan-report", ScanReport.class);

    /** How many findings the check's detail lists; the rest are counted. */
    static final int DETAIL_FINDINGS = 20;

    /** How many findings the verification lists as facts. */
    static final int FACT_FINDINGS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(ScanWorkflowsStep.class);

    private final WorkflowScanner scanner;
    private final PlatformState requiredState;

    /**
     * Creates the step for the state {@link PlatformState#SOURCE_RUNNING}.
     *
     * @param scanner what to scan, with which rules
     */
    public ScanWorkflowsStep(WorkflowScanner scanner) {
        this(scanner, PlatformState.SOURCE_RUNNING);
    }

    /**
     * Creates the step.
     *
     * @param scanner       what to scan, with which rules
     * @param requiredState the platform state to scan in (the scan reads files only, so any state works; give
     *                      {@link PlatformState#UNDEPLOYED} when the plan may start with the platform already down, as
     *                      a plan refuses a step of a state the platform has left)
     */
    public ScanWorkflowsStep(WorkflowScanner scanner, PlatformState requiredState) {
        this.scanner = Objects.requireNonNull(scanner, "scanner");
        this.requiredState = Objects.requireNonNull(requiredState, "requiredState");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Scan the custom DAGs and operators in " + scanner.roots() + (scanner.paths().isEmpty() ? "" : " and "
                + scanner.paths()) + " for what Kaapana 0.5 breaks (read-only)";
    }


    @Override
    public PlatformState requiredState() {
        return requiredState;
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        return StepCheck.upToDate(detail(scan(ctx)));
    }

    /**
     * Scans again and puts the report into the context; changes nothing.
     *
     * @param ctx the context
     * @return no changes
     */
    @Override
    public List<Change> apply(MigrationContext ctx) {
        scan(ctx);
        return List.of();
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        ScanReport r = ctx.get(REPORT).orElseGet(() -> scan(ctx));
        Verification.Builder v = Verification.builder();
        v.fact("workflow files scanned", "every file matching the include globs under " + r.roots(),
                r.filesScanned() + " scanned, " + r.filesIgnored() + " other files ignored", true);
        v.fact("findings that break on Kaapana 0.5", "fixed before 0.5 runs these DAGs (" + r.mechanicalCount()
                + " of all findings rewritable by " + RewriteWorkflowsStep.ID + ")", String.valueOf(r.count(Severity.BREAKS)),
                true);
        v.fact("deprecated uses", "replaced when convenient", String.valueOf(r.count(Severity.DEPRECATED)), true);
        v.fact("advice", "read by the operator", String.valueOf(r.count(Severity.ADVICE)), true);
        v.fact("files that could not be scanned", "none, or each one checked by hand", r.issueCount() == 0 ? "none"
                : r.issueCount() + ": " + String.join("; ", r.issues().stream().limit(FACT_FINDINGS)
                .map(FileIssue::describe).toList()), true);
        r.findings().stream().limit(FACT_FINDINGS).forEach(f -> v.fact("finding " + f.file() + ":" + f.line() + ":"
                + f.column() + " " + f.ruleId(), f.replacement() == null ? f.message() : f.replacement(), f.severity() + " "
                + f.text(), true));
        int listed = Math.min(FACT_FINDINGS, r.findings().size());
        if (r.findingCount() > listed) {
            v.fact("further findings", "listed in the context value " + REPORT.name() + " (up to the scanner's limit of "
                    + "findings kept)", String.valueOf(r.findingCount() - listed), true);
        }
        return v.build();
    }

    private ScanReport scan(MigrationContext ctx) {
        ScanReport report = scanner.scan((done, total, file) -> ctx.progress(done, total, "files", file));
        ctx.put(REPORT, report);
        if (report.count(Severity.BREAKS) > 0) {
            LOG.warn("Custom workflow code that Kaapana 0.5 breaks: {}", report.summary());
        }
        return report;
    }

    static String detail(ScanReport r) {
        StringBuilder b = new StringBuilder(r.summary());
        r.findings().stream().limit(DETAIL_FINDINGS).forEach(f -> b.append("\n  ").append(f.describe()));
        if (r.findingCount() > DETAIL_FINDINGS) {
            b.append("\n  … ").append(r.findingCount() - Math.min(DETAIL_FINDINGS, r.findings().size()))
                    .append(" more in the context value ").append(REPORT.name());
        }
        return b.toString();
    }
}
