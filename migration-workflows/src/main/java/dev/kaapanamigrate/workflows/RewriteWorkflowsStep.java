package dev.kaapanamigrate.workflows;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.ContextKey;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.workflows.internal.FileWrites;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Opt-in: rewrites the mechanical findings of the site's workflow code (the {@code form_data} key, the network-access
 * label, the thumbnail environment variable and keyword, the renamed DAG ids, and {@code HelperMinio} where the
 * replacement is mechanical), while the platform is undeployed: Airflow reloads a changed DAG file at once, so live
 * DAGs are never rewritten. The plan runs it after the backup of the installation.
 *
 * <ul>
 *   <li>check: one {@link Change} per file; {@link Change#before()} says what is rewritten, with the original's digest
 *       and the backup's name, {@link Change#after()} holds the whole unified diff, so a dry-run shows exactly what a
 *       run writes. Blocked, with nothing written, when a backup beside a file differs from the file (it may hold an
 *       earlier original).</li>
 *   <li>apply: per file, the original is written atomically to {@code <file>}{@value WorkflowRewriter#BACKUP_SUFFIX}
 *       (unless an identical copy is left from an interrupted run), then the new content atomically over the file.
 *       A second apply finds nothing to do.</li>
 *   <li>verify: every file rewritten (also by an interrupted earlier run whose check was journaled) has its original in
 *       the backup (same SHA-256) and no mechanical finding left; the folders have none left either.</li>
 * </ul>
 *
 * <pre>{@code
 * WorkflowScanner scanner = WorkflowScanner.forKaapana(fast).build();
 * MigrationPlan.builder()
 *         .step(new ScanWorkflowsStep(scanner))                                    // while 0.4 runs
 *         .step(new RewriteWorkflowsStep(scanner), "kaapana.backup")               // undeployed, after the backup
 *         ...;
 * }</pre>
 */
public final class RewriteWorkflowsStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "workflows.rewrite";

    /** The files this step rewrites or rewrote, with digests; put by check and apply. */
    public static final ContextKey<RewrittenFiles> REWRITTEN = ContextKey.of("workflows.rewritten-files", RewrittenFiles.class);

    /** How many failed per-file facts a verification lists one by one. */
    static final int FACT_FILES = 50;

    private final WorkflowRewriter rewriter;

    /**
     * Creates the step.
     *
     * @param scanner the folders and rules
     */
    public RewriteWorkflowsStep(WorkflowScanner scanner) {
        this.rewriter = WorkflowRewriter.of(Objects.requireNonNull(scanner, "scanner"));
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        WorkflowScanner s = rewriter.scanner();
        return "Rewrite what Kaapana 0.5 breaks mechanically in the custom DAGs and operators in " + s.roots()
                + (s.paths().isEmpty() ? "" : " and " + s.paths()) + " (originals kept as *" + WorkflowRewriter.BACKUP_SUFFIX
                + ")";
    }


    @Override
    public PlatformState requiredState() {
        return PlatformState.UNDEPLOYED;
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        RewritePlan plan = rewriter.plan(progress(ctx));
        if (!plan.refused().isEmpty()) {
            return new StepCheck.Blocked(WorkflowRewriter.refusal(plan.refused()));
        }
        if (plan.files().isEmpty()) {
            return StepCheck.upToDate("no mechanical rewrite left in " + plan.scan().filesScanned() + " workflow files; "
                    + (plan.scan().findingCount() - plan.scan().mechanicalCount()) + " finding(s) need a person (see "
                    + ScanWorkflowsStep.ID + ")");
        }
        record(ctx, plan);
        return StepCheck.pending(changes(plan));
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        if (ctx.platformState() != PlatformState.UNDEPLOYED) {
            throw new PreconditionFailedException(Problem.of(CoreErrorCode.PLATFORM_STATE, "the platform is in state "
                    + ctx.platformState() + "; nothing was rewritten", "the platform undeployed: Airflow reloads a "
                    + "changed DAG file at once, so rewriting live DAGs would change running workflows",
                    "undeploy Kaapana and back the installation up, then run this step"));
        }
        RewritePlan done = rewriter.apply(progress(ctx));
        record(ctx, done);
        return changes(done);
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        RewrittenFiles files = ctx.get(REWRITTEN).orElse(new RewrittenFiles(List.of()));
        WorkflowScanner scanner = rewriter.scanner();
        int backupsOk = 0;
        int clean = 0;
        List<String[]> failures = new ArrayList<>(); // name, expected, actual
        for (RewrittenFiles.Entry e : files.files()) {
            Path root = Path.of(e.root());
            String backupDigest = digest(root.resolve(e.backup()));
            if (e.sha256Before().equals(backupDigest)) {
                backupsOk++;
            } else {
                failures.add(new String[] {e.file() + ": backup " + e.backup(), "the original, sha256 " + e.sha256Before(),
                        backupDigest == null ? "missing or unreadable" : "sha256 " + backupDigest});
            }
            long left = mechanicalLeft(scanner, root.resolve(e.file()));
            if (left == 0) {
                clean++;
            } else {
                failures.add(new String[] {e.file() + ": mechanical findings left", "0",
                        left < 0 ? "the file cannot be read or tokenized" : String.valueOf(left)});
            }
        }
        ScanReport now = scanner.scan(progress(ctx));
        Verification.Builder v = Verification.builder()
                .expect("backups holding the originals (same SHA-256)", files.files().size(), backupsOk)
                .expect("rewritten files without mechanical findings", files.files().size(), clean)
                .expect("mechanical findings left in the workflow folders", 0L, now.mechanicalCount())
                .fact("findings that need a person", "handled by the operator (see " + ScanWorkflowsStep.ID + ")",
                        String.valueOf(now.findingCount() - now.mechanicalCount()), true);
        failures.stream().limit(FACT_FILES).forEach(f -> v.fact(f[0], f[1], f[2], false));
        return v.build();
    }

    private static long mechanicalLeft(WorkflowScanner scanner, Path file) {
        ScanReport r = scanner.scanFile(file);
        return r.issueCount() > 0 ? -1 : r.mechanicalCount();
    }

    private static String digest(Path file) {
        try {
            return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? FileWrites.sha256(Files.readAllBytes(file)) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void record(MigrationContext ctx, RewritePlan plan) {
        RewrittenFiles before = ctx.get(REWRITTEN).orElse(new RewrittenFiles(List.of()));
        ctx.put(REWRITTEN, before.with(plan.files()));
    }

    private static List<Change> changes(RewritePlan plan) {
        return plan.files().stream().map(f -> Change.of(Change.Kind.UPDATE, f.root() + "/" + f.file(), f.summary()
                + "; original sha256 " + f.sha256Before().substring(0, 12) + " kept as " + f.backup(), f.diff(),
                Math.max(1, f.rewrites().values().stream().mapToInt(Integer::intValue).sum()))).toList();
    }

    private static ScanProgress progress(MigrationContext ctx) {
        return (done, total, file) -> ctx.progress(done, total, "files", file);
    }
}
