package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.domain.Project;
import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.CrashPoints;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepFailedException;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.postgres.internal.BackendReferenceSql;
import dev.kaapanamigrate.postgres.internal.BackendReferenceSql.RenameCount;
import dev.kaapanamigrate.postgres.internal.BackendReferenceSql.Target;
import dev.kaapanamigrate.postgres.internal.JobTableRebuild;
import dev.kaapanamigrate.postgres.internal.KaapanaDags;
import dev.kaapanamigrate.postgres.internal.Privileges;
import dev.kaapanamigrate.postgres.internal.ReadFence;
import dev.kaapanamigrate.postgres.internal.Sql;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites references the kaapana-backend database stores and Kaapana 0.5.2 reads differently (migration
 * reference §8, §11), in one transaction, touching only rows that hold an old value:
 * <ul>
 *   <li><b>Renamed DAG ids in configuration</b> (on by default): the keys of {@code kaapana_instance.allowed_dags}
 *   (and a {@code dag_id} inside the entry's value) and of {@code settings.value} where the key is
 *   {@code workflows}, for {@code convert-nifitis-to-dicoms-and-import-to-pacs} →
 *   {@code import-niftis-from-data-upload} and {@code import-dicoms-in-zip-to-internal-pacs} →
 *   {@code import-dicoms-from-data-upload}. When an object already holds the new id as a key as well, the new
 *   entry wins and the old one is removed (reported as a {@code DELETE}): the new id is what 0.5 reads.</li>
 *   <li><b>Renamed DAG ids in history</b> (only on request, {@link BackendReferencesOptions#withHistory(boolean)}):
 *   {@code job.dag_id}, {@code workflow.dag_id} and a top-level {@code dag_id} in {@code job.conf_data}.</li>
 *   <li><b>Project ids of old jobs</b> (on by default): {@code job.conf_data.project_form.id}, an integer in 0.4, becomes
 *   the project's UUID from the {@link ProjectList} in the context, and {@code project_form.int_id} the old
 *   integer, as 0.5.2 writes it. A job whose integer id has no project in the list is left as it is and reported
 *   (log warning, up-to-date detail, verification fact).</li>
 * </ul>
 * The columns touched are the same in the 0.4.2 and 0.5.2 schemas, so the step runs before or after the backend
 * schema migration (the Kaapana plan runs it after {@code postgres.migrate-backend}). Every rewrite is counted per
 * table, field and value in the check and in the applied changes.
 *
 * <pre>{@code
 * MigrationPlan.builder()
 *         .step(new BackendReferencesStep(connections, BackendReferencesOptions.defaults()))
 *         ...
 * }</pre>
 */
public final class BackendReferencesStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "postgres.rewrite-backend-references";

    private static final Logger LOG = LoggerFactory.getLogger(BackendReferencesStep.class);
    private static final String DB = "kaapana-backend";
    private static final String PROJECT_ID_FIELD = "job.conf_data.project_form.id";

    private final DatabaseConnections connections;
    private final BackendReferencesOptions options;
    /** The last check's scan, for the apply of the same run (in memory only: never journaled). */
    private final AtomicReference<FencedScan> lastCheck = new AtomicReference<>();
    /** The last apply's scan after its last write, for the verification of the same run (in memory only). */
    private final AtomicReference<FencedScan> lastApply = new AtomicReference<>();

    /**
     * Creates the step.
     *
     * @param connections where the kaapana-backend database is reached
     * @param options     what to rewrite
     */
    public BackendReferencesStep(DatabaseConnections connections, BackendReferencesOptions options) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        List<String> what = new ArrayList<>();
        if (options.configuration()) {
            what.add("renamed DAG ids in allowed DAGs and saved workflow settings");
        }
        if (options.history()) {
            what.add("renamed DAG ids in job and workflow history");
        }
        if (options.projectIds()) {
            what.add("integer project ids of old jobs (to project UUIDs)");
        }
        return "Rewrite references stored in the kaapana-backend database: "
                + (what.isEmpty() ? "nothing (every rewrite is turned off)" : String.join("; ", what));
    }


    @Override
    public StepCheck check(MigrationContext ctx) {
        return Sql.blockedWhenUnreachable(() -> checkConnected(ctx));
    }

    private StepCheck checkConnected(MigrationContext ctx) {
        ProjectList projects = projects(ctx);
        if (ctx.provisional() && !ctx.dryRun()) {
            // A run's look-ahead while the backend is not migrated yet: only what can block the step is checked now
            // (the connection, the project list, the privileges); the counts are left to the step's own check, after
            // the backend migration, so a run scans the job table for them once, not twice. The scan never blocks, a
            // dry-run still shows every change, and a step the journal says is done is always checked in full (the
            // backend is migrated then).
            Early early = Sql.read(connections.jdbi(ServiceDatabase.BACKEND, ctx), DB, "privilege check",
                    h -> new Early(Privileges.ownerProblem(h, ServiceDatabase.BACKEND, "rewrites stored references")
                            .orElse(null), atRevision(h, ServiceDatabase.BACKEND.targetRevision())));
            if (early.denied() != null) {
                return new StepCheck.Blocked(early.denied());
            }
            if (!early.backendMigrated()) {
                return StepCheck.waitingFor(List.of(MigrateBackendStep.ID), "the references are counted by the "
                        + "step's own check, once the backend is migrated");
            }
        }
        // A run's check (not a dry-run's) takes a fence before it reads: when nothing has been written on the server
        // since, apply takes these counts instead of counting again.
        boolean forApply = !ctx.dryRun();
        Checked checked = Sql.read(connections.jdbi(ServiceDatabase.BACKEND, ctx), DB, "reference count", h -> {
            Optional<Problem> denied = Privileges.ownerProblem(h, ServiceDatabase.BACKEND, "rewrites stored references");
            if (denied.isPresent()) {
                return new Checked(null, denied.get());
            }
            ReadFence fence = forApply ? ReadFence.take(h, ctx.runId()).orElse(null) : null;
            Scan scan = scan(h, projects, false, false);
            lastCheck.set(fence == null ? null : new FencedScan(fence, projects, scan));
            return new Checked(scan, null);
        });
        if (checked.denied() != null) {
            return new StepCheck.Blocked(checked.denied());
        }
        Scan scan = checked.scan();
        List<Change> changes = scan.changes();
        if (changes.isEmpty()) {
            return StepCheck.upToDate("no stored reference left to rewrite in kaapana-backend (" + enabled() + ")"
                    + scan.unknownProjectsNote());
        }
        // The jobs left as they are: a note of the preview (apply warns once, when it leaves them), not a log line per check.
        return StepCheck.pending(changes, scan.unknownProjects.isEmpty() ? List.of()
                : List.of(scan.unknownProjectsNote().substring(2)));
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        ProjectList projects = projects(ctx);
        lastApply.set(null);
        Applied applied = Sql.write(connections.jdbi(ServiceDatabase.BACKEND, ctx), DB, "reference rewrite",
                h -> {
                    Optional<Problem> denied = Privileges.ownerProblem(h, ServiceDatabase.BACKEND,
                            "rewrites stored references");
                    if (denied.isPresent()) {
                        throw new PreconditionFailedException(denied.get());
                    }
                    BackendReferenceSql.lockTables(h);
                    // The digest a rebuild of the job table compares its copy with, taken in the same scan; with the
                    // history rewrite on, of dag_id as its renames below leave it (they run before the rebuild).
                    Scan before = checkedScan(h, ctx, projects).orElseGet(() -> scan(h, projects, projects != null, false));
                    before.warnAboutUnknownProjects();
                    List<Change> changes = before.changes();
                    // Rows, as the statements count them: the rebuild's own entry is not a row.
                    long total = changes.stream().filter(ch -> !ch.target().equals(JOB_TABLE)).mapToLong(Change::count).sum();
                    long done = 0;
                    ctx.progress(done, total, "rows");
                    for (Target target : Target.values()) {
                        if (enabled(target) && before.renames.stream().anyMatch(r -> r.target() == target)) {
                            long rows = BackendReferenceSql.rewrite(h, target, KaapanaDags.RENAMES);
                            done += rows;
                            LOG.info("Rewrote renamed DAG ids in {} rows of {}", rows, target.field());
                            CrashPoints.reach(ID + ":rewrote", target.field());
                            ctx.progress(Math.min(done, total), total, "rows");
                        }
                    }
                    // What the rebuild found in its scan of the new table: every fact verify reads of the job table.
                    BackendReferenceSql.JobCounts rebuilt = null;
                    if (!before.knownProjectIds.isEmpty()) {
                        Map<String, Map.Entry<Integer, UUID>> map = new LinkedHashMap<>();
                        before.knownProjectIds.forEach((text, p) -> map.put(text, Map.entry(p.oldId(), p.id())));
                        if (before.rebuildJobs) {
                            rebuilt = BackendReferenceSql.rebuildJobsWithProjectIds(h, map, before.jobDigest,
                                    KaapanaDags.RENAMES, uuidsByOldId(projects));
                            LOG.info("Replaced integer project ids by project UUIDs in {} of {} jobs by rebuilding the job "
                                    + "table", before.knownJobs(), before.jobs);
                            done += before.knownJobs();
                        } else {
                            done += rewriteProjectIds(h, map, before);
                        }
                        CrashPoints.reach(ID + ":rewrote-project-ids");
                        ctx.progress(Math.min(done, total), total, "rows");
                    }
                    // Proven inside the transaction: if anything is left, the rollback leaves the database as it was.
                    // After a rebuild its scan of the new table counted every fact of the jobs (every row the new table
                    // holds; nothing changes a row after it, under the exclusive lock): only the configuration tables
                    // are counted again. Otherwise one scan counts what verify counts.
                    Scan after = scanConfiguration(h);
                    if (rebuilt != null) {
                        after.addJobs(rebuilt, projects);
                        if (after.knownJobs() > 0) {
                            throw new StepFailedException(Problem.of(CoreErrorCode.STEP_FAILED, "after the rebuild of the "
                                    + "job table " + after.knownJobs() + " job(s) still held the integer id of a listed "
                                    + "project", "none",
                                    "report this as a bug; the transaction was rolled back and nothing was changed"));
                        }
                    } else {
                        after = scan(h, projects, false, true);
                    }
                    if (!after.changes().isEmpty()) {
                        throw new StepFailedException(Problem.of(CoreErrorCode.STEP_FAILED,
                                "after the rewrite these references were still there: " + describe(after.changes()),
                                "none", "report this as a bug; the transaction was rolled back and nothing was changed"));
                    }
                    // The last statement: what the verification of this run may take instead of reading again.
                    ReadFence fence = ReadFence.atCommit(h, ctx.runId()).orElse(null);
                    return new Applied(changes, fence == null ? null : new FencedScan(fence, projects, after));
                });
        lastApply.set(applied.forVerify()); // only once the transaction committed
        return applied.changes();
    }

    /**
     * The check's scan, when this run's check took it for the same project list and nothing has been written on the
     * server since it began to read ({@link ReadFence}); taken once.
     */
    private Optional<Scan> checkedScan(Handle h, MigrationContext ctx, ProjectList projects) {
        return handedOver(lastCheck, h, ctx, projects, "check", "apply").map(checked -> {
            Scan scan = checked.scan();
            if (scan.rebuildJobs) {
                // What the rebuild compares its copy with: the check counted, it did not digest (a dry-run never needs it)
                boolean renamed = enabled(Target.JOB_DAG_ID);
                scan.jobDigest = JobTableRebuild.unchangedDigest(h, renamed, KaapanaDags.RENAMES);
            }
            return scan;
        });
    }

    /**
     * Replaces the integer project ids in place, updating only the jobs that need it: fewer than a quarter of the jobs
     * need it, or the table is not exactly 0.5.2's (the scan decided; else the job table is rebuilt).
     */
    private static long rewriteProjectIds(Handle h, Map<String, Map.Entry<Integer, UUID>> map, Scan before) {
        if (!before.rebuildObstacles.isEmpty()) {
            LOG.info("The job table is updated in place, not rebuilt: it {}", String.join("; ", before.rebuildObstacles));
        }
        long updated = BackendReferenceSql.rewriteProjectIds(h, map);
        LOG.info("Replaced integer project ids by project UUIDs in {} of {} jobs", updated, before.jobs);
        return updated;
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        ProjectList projects = projects(ctx);
        return Sql.read(connections.jdbi(ServiceDatabase.BACKEND, ctx), DB, "reference verification",
                h -> {
                    Verification.Builder v = Verification.builder();
                    Scan scan = appliedScan(h, ctx, projects).map(applied -> {
                        v.fact("the counts below: taken from this run's rewrite, read after its last write",
                                "read from the database as it is now", "the same: no transaction has completed on the "
                                        + "server since the rewrite committed (transaction horizon "
                                        + applied.fence().xmax() + ")", true);
                        return applied.scan();
                    }).orElseGet(() -> scan(h, projects, false, true)); // one scan of the job table for every fact
                    for (Target target : Target.values()) {
                        for (Map.Entry<String, String> rename : KaapanaDags.RENAMES.entrySet()) {
                            long rows = scan.renames.stream()
                                    .filter(r -> r.target() == target && r.oldId().equals(rename.getKey()))
                                    .mapToLong(RenameCount::rows).sum();
                            String name = "rows of " + target.field() + " holding the renamed DAG id " + rename.getKey();
                            if (enabled(target)) {
                                v.expect(name, 0L, rows);
                            } else {
                                v.fact(name + " (not rewritten: " + (target.configuration() ? "configuration" : "history")
                                        + " is turned off)", "left as they are", String.valueOf(rows), true);
                            }
                        }
                    }
                    if (projects != null) {
                        v.expect("jobs whose project_form.id is still the integer id of a listed project", 0L,
                                scan.knownJobs());
                        v.expect("jobs whose project_form int_id and id name different projects", 0L,
                                scan.inconsistentForms);
                        v.fact("jobs whose integer project_form.id has no project in the project list (left as they are)",
                                "reported", scan.unknownProjects.isEmpty() ? "none" : describeUnknown(scan.unknownProjects),
                                true);
                    }
                    return v.build();
                });
    }

    /**
     * The scan this run's apply took after its last write, when it was taken for the same project list and no
     * transaction has completed on the server since the apply committed ({@link ReadFence#atCommit}); taken once. A
     * verification in another run, another process or a verify-only pass never has it and reads the database.
     */
    private Optional<FencedScan> appliedScan(Handle h, MigrationContext ctx, ProjectList projects) {
        return handedOver(lastApply, h, ctx, projects, "rewrite", "verification");
    }

    /**
     * What an earlier stage of this run ({@code from}) left in {@code slot} for this one ({@code to}), taken once: when
     * it was taken for the same project list and its fence still holds in this transaction.
     */
    private static Optional<FencedScan> handedOver(AtomicReference<FencedScan> slot, Handle h, MigrationContext ctx,
                                                   ProjectList projects, String from, String to) {
        FencedScan handed = slot.getAndSet(null);
        if (handed == null || !Objects.equals(handed.projects(), projects)) {
            return Optional.empty();
        }
        if (!handed.fence().holds(h, ctx.runId())) {
            LOG.info("The references are counted again for the {}: the {}'s counts cannot be proven current (another "
                    + "run, or a transaction completed on the server since)", to, from);
            return Optional.empty();
        }
        LOG.info("The references are taken from the {} for the {}: no transaction has completed on the server since "
                + "(transaction horizon {})", from, to, handed.fence().xmax());
        return Optional.of(handed);
    }

    private ProjectList projects(MigrationContext ctx) {
        return options.projectIds() ? MigrateAccessInformationStep.requireProjects(ctx, connections) : null;
    }

    private boolean enabled(Target target) {
        return target.configuration() ? options.configuration() : options.history();
    }

    private String enabled() {
        List<String> on = new ArrayList<>();
        if (options.configuration()) {
            on.add("configuration");
        }
        if (options.history()) {
            on.add("history");
        }
        if (options.projectIds()) {
            on.add("project ids");
        }
        return on.isEmpty() ? "every rewrite turned off" : "checked: " + String.join(", ", on);
    }

    /**
     * What the database holds now; rename counts of every target, so verify can report the disabled ones too. One scan
     * of the job table; with {@code digestJobs} it also digests what a rebuild must copy unchanged (with {@code dag_id}
     * renamed when the history rewrite is on: its renames run before the rebuild); with {@code consistency} (verify,
     * after the rewrite, where no listed integer id is left) it counts the jobs whose project form names two different
     * projects.
     */
    private Scan scan(Handle h, ProjectList projects, boolean digestJobs, boolean consistency) {
        Scan s = scanConfiguration(h);
        // The jobs a rebuild's foreign keys would refuse are counted in the same scan, where a rebuild may follow.
        BackendReferenceSql.JobCounts jobs = consistency
                ? BackendReferenceSql.countRewrittenJobs(h, "job", KaapanaDags.RENAMES, digestJobs, uuidsByOldId(projects))
                : BackendReferenceSql.countJobs(h, "job", KaapanaDags.RENAMES, digestJobs,
                        digestJobs && enabled(Target.JOB_DAG_ID), uuidsByOldId(projects), projects != null);
        s.addJobs(jobs, projects);
        if (projects != null) {
            long known = s.knownJobs();
            if (JobTableRebuild.worthIt(known, s.jobs)) {
                s.rebuildObstacles.addAll(JobTableRebuild.obstacles(h, jobs.orphans()));
                s.rebuildJobs = s.rebuildObstacles.isEmpty();
            }
        }
        return s;
    }

    /** The project UUIDs by old integer id, to count inconsistent project forms; empty without a project list. */
    private static Map<Integer, UUID> uuidsByOldId(ProjectList projects) {
        Map<Integer, UUID> uuids = new LinkedHashMap<>();
        if (projects != null) {
            projects.projects().forEach(p -> uuids.put(p.oldId(), p.id()));
        }
        return uuids;
    }

    /** The rename counts of the configuration tables (small), without the job table. */
    private Scan scanConfiguration(Handle h) {
        Scan s = new Scan();
        for (Target target : Target.values()) {
            if (!target.inJobTable()) {
                s.renames.addAll(BackendReferenceSql.count(h, target, KaapanaDags.RENAMES));
            }
        }
        return s;
    }

    /** What a run's look-ahead reads first: why the role may not rewrite ({@code null}: it may), and the backend's state. */
    private record Early(Problem denied, boolean backendMigrated) {
    }

    /** Whether {@code alembic_version} holds exactly the revision (no table, no row or another revision: no). */
    private static boolean atRevision(Handle h, String revision) {
        boolean table = h.createQuery("SELECT to_regclass('alembic_version') IS NOT NULL").mapTo(Boolean.class).one();
        return table && h.createQuery("SELECT count(*) = 1 AND bool_and(version_num = :revision) FROM alembic_version")
                .bind("revision", revision).mapTo(Boolean.class).one();
    }

    private static Optional<Integer> parseInt(String digits) {
        try {
            return Optional.of(Integer.parseInt(digits));
        } catch (NumberFormatException tooLarge) {
            return Optional.empty();
        }
    }

    private final class Scan {
        final List<RenameCount> renames = new ArrayList<>();
        final Map<String, Project> knownProjectIds = new LinkedHashMap<>();
        final Map<String, Long> knownCounts = new LinkedHashMap<>();
        final Map<String, Long> unknownProjects = new LinkedHashMap<>();
        final List<String> rebuildObstacles = new ArrayList<>();
        /** All jobs (counted by the job scan). */
        long jobs;
        /** Jobs whose project form's int_id and id name different listed projects, when the scan was asked for it. */
        long inconsistentForms;
        /** Rows and digest of the job columns a rebuild copies unchanged, when the scan was asked for it. */
        dev.kaapanamigrate.postgres.internal.TableDigests.TableDigest jobDigest;
        boolean rebuildJobs;

        long knownJobs() {
            return knownCounts.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Adds what a scan of the job table found; the integer project ids split by the project list, if any. */
        void addJobs(BackendReferenceSql.JobCounts counts, ProjectList projects) {
            inconsistentForms = counts.inconsistentForms();
            renames.addAll(counts.renames());
            jobs = counts.jobs();
            jobDigest = counts.unchangedDigest();
            if (projects != null) {
                counts.integerProjectIds().forEach((text, rows) -> {
                    Optional<Project> p = parseInt(text).flatMap(projects::byOldId);
                    if (p.isPresent()) {
                        knownProjectIds.put(text, p.get());
                        knownCounts.put(text, rows);
                    } else {
                        unknownProjects.put(text, rows);
                    }
                });
            }
        }

        List<Change> changes() {
            List<Change> changes = new ArrayList<>();
            for (RenameCount r : renames) {
                if (!enabled(r.target())) {
                    continue;
                }
                String field = DB + "." + r.target().field() + (r.target().configuration() ? " (key)" : "");
                if (r.rows() > r.conflicts()) {
                    changes.add(Change.of(Change.Kind.UPDATE, field, r.oldId(), r.newId(), r.rows() - r.conflicts()));
                }
                if (r.conflicts() > 0) {
                    changes.add(Change.of(Change.Kind.DELETE, field + ", where the new id is a key already: the old "
                            + "entry is dropped, the new one kept", r.oldId(), null, r.conflicts()));
                }
            }
            knownProjectIds.forEach((text, p) -> changes.add(Change.of(Change.Kind.UPDATE, DB + "." + PROJECT_ID_FIELD,
                    text, p.id() + " (" + p.name() + ", int_id " + p.oldId() + ")", knownCounts.get(text))));
            if (rebuildJobs) {
                changes.add(Change.of(Change.Kind.UPDATE, JOB_TABLE, knownJobs() + " of " + jobs
                        + " jobs need the project id rewrite", REBUILT, 1));
            }
            return changes;
        }

        void warnAboutUnknownProjects() {
            if (!unknownProjects.isEmpty()) {
                LOG.warn("Jobs whose integer project_form.id has no project in the project list are left as they are: {}",
                        describeUnknown(unknownProjects));
            }
        }

        String unknownProjectsNote() {
            return unknownProjects.isEmpty() ? ""
                    : "; left as they are, because the project list has no such project: " + describeUnknown(unknownProjects);
        }
    }

    /** What the check read: the scan, or why the connection may not rewrite anything. */
    private record Checked(Scan scan, Problem denied) {
    }

    /**
     * A scan handed to the next stage of the same run: a check's for its apply (the fence taken before it read), an
     * apply's after its last write for its verification (the fence its commit left), with the project list it was
     * taken with.
     */
    private record FencedScan(ReadFence fence, ProjectList projects, Scan scan) {
    }

    /** What the apply changed, and its scan after its last write for the verification ({@code null}: none). */
    private record Applied(List<Change> changes, FencedScan forVerify) {
    }

    /** The target of the rebuild's change entry. */
    static final String JOB_TABLE = DB + ".job (table)";

    /** What the rebuild of the job table does, as a change entry. */
    static final String REBUILT = "rebuilt with the same definition: every row copied once, the key, indexes and "
            + "foreign keys built anew";

    private static String describeUnknown(Map<String, Long> unknown) {
        long jobs = unknown.values().stream().mapToLong(Long::longValue).sum();
        return jobs + " job(s) with project id " + unknown.entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", "));
    }

    private static String describe(List<Change> changes) {
        return changes.stream().map(Change::describe).collect(Collectors.joining("; "));
    }
}
