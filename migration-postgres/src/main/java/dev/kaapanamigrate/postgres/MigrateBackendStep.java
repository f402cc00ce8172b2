package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.domain.Project;
import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.ContextKey;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepFailedException;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.postgres.internal.CheckMemo;
import dev.kaapanamigrate.postgres.internal.DatabaseSteps;
import dev.kaapanamigrate.postgres.internal.Finding;
import dev.kaapanamigrate.postgres.internal.QuietFence;
import dev.kaapanamigrate.postgres.internal.SchemaMigration;
import dev.kaapanamigrate.postgres.internal.SchemaState;
import dev.kaapanamigrate.postgres.internal.Sql;
import dev.kaapanamigrate.postgres.internal.TableDigests;
import dev.kaapanamigrate.postgres.internal.TableProgress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Migrates the kaapana-backend database from 0.4.2 to revision {@code e689ab05516a} (reference §7) in one
 * transaction: datasets get an integer id and the admin project's UUID, workflows the admin project's UUID,
 * dataset memberships ({@code identifier2dataset}) point at the dataset id instead of its name; {@code alembic_version}
 * holds the head instead of the 0.4 backend's random revision. The admin project comes from the {@link ProjectList}
 * the access-information step put into the context (never over HTTP).
 *
 * <p>Dataset ids are assigned in a documented, deterministic order: {@value #DATASET_ORDER} (upstream numbers them in
 * whatever order the server returns the rows). The sequence {@code dataset_id_seq} continues after the highest id.
 *
 * <p>{@code identifier2dataset} (the largest table, one row per series and dataset) is rebuilt, not updated in place:
 * a new table is filled by one {@code INSERT … SELECT … JOIN dataset}, the old one (with its composite primary key,
 * whose maintenance made an in-place update ten times slower) is dropped, and the foreign keys are created under their
 * 0.5.2 names. The new {@code project_id} columns are added with a constant default that PostgreSQL stores once
 * instead of writing every row.
 */
public final class MigrateBackendStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "postgres.migrate-backend";

    /** The revision upstream's 0.5.2 service records before it upgrades a 0.4 database. */
    public static final String INITIAL_REVISION = "5d694eb1a7b1";

    /** The order dataset ids are assigned in (1, 2, …), as SQL. */
    public static final String DATASET_ORDER = "time_created NULLS LAST, name COLLATE \"C\"";

    // v3: the tables of LATER_STEPS the migration does not write are digested by their row versions
    static final ContextKey<TableDigests> BASELINE = ContextKey.of("postgres.baseline-backend.v3", TableDigests.class);

    private static final Logger LOG = LoggerFactory.getLogger(MigrateBackendStep.class);
    private static final ServiceDatabase DB = ServiceDatabase.BACKEND;
    private static final String ADMIN_SETTING = "kaapana_migrate.admin_project";
    private static final String ADMIN = "current_setting('" + ADMIN_SETTING + "')::uuid";
    /** The admin UUID in a query: read and parsed once (a subquery), not for every row as the plain expression is. */
    private static final String ADMIN_ONCE = "(SELECT " + ADMIN + ")";
    private static final SchemaMigration MIGRATION = new SchemaMigration(DB, "backend", INITIAL_REVISION, true,
            "dataset, identifier2dataset, workflow, identifiers, job, kaapana_instance, settings");

    /** The tables the migration locks but never writes: what a {@link QuietFence} may vouch for. */
    private static final List<String> UNTOUCHED = List.of("kaapana_instance", "identifiers", "job", "settings");
    /**
     * The tables later steps of a plan rewrite in their documented way (the reference rewrites; the workflow's only on
     * request): their digests are compared only in the run that took the baseline, a later verify counts their rows.
     */
    private static final java.util.Set<String> LATER_STEPS = java.util.Set.of("job", "settings", "kaapana_instance",
            "workflow");

    private final DatabaseConnections connections;
    /** This step's last check in this process, handed out again while nothing was written (never journaled). */
    private final CheckMemo<SchemaMigration.Reading<Source>> checks = new CheckMemo<>();
    /** What this step's last apply in this process proved and counted (never journaled). */
    private final AtomicReference<Applied> applied = new AtomicReference<>();

    /**
     * What an apply leaves for the verification of the same run.
     *
     * @param fence          what it proved about the tables it did not write and the one it rebuilt
     * @param withoutDataset the memberships without a dataset, counted in the digest of the rebuilt table
     */
    private record Applied(QuietFence fence, long withoutDataset) {
    }

    /**
     * Creates the step.
     *
     * @param connections where the backend database is reached
     */
    public MigrateBackendStep(DatabaseConnections connections) {
        this.connections = Objects.requireNonNull(connections, "connections");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Migrate the kaapana-backend database to revision " + DB.targetRevision()
                + " (dataset ids, admin project of datasets and workflows)";
    }


    @Override
    public StepCheck check(MigrationContext ctx) {
        // The reads take nothing from the context: the admin project only names the changes.
        return MIGRATION.check(connections.jdbi(DB, ctx), checks, ctx, READ_INPUTS, (h, state) -> readSource(h, true),
                (state, source) -> SchemaMigration.pendingUnless(source.findings, () -> changes(state, source,
                        MigrateAccessInformationStep.requireProjects(ctx, connections).admin())));
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        ProjectList projects = MigrateAccessInformationStep.requireProjects(ctx, connections);
        applied.set(null);
        AtomicReference<Applied> taken = new AtomicReference<>();
        List<Change> made = MIGRATION.apply(connections.jdbi(DB, ctx), ctx, new SchemaMigration.Checked<>(checks,
                READ_INPUTS, SchemaMigration.Reading::state), (h, state) -> List.of(), (h, state, kept) -> {
            // The check's counts when nothing was written since it read them; else counted again, the membership
            // check left to the rebuild (it counts what it copied): one scan of the table, not two.
            Source source = MIGRATION.readsFrom(kept, SchemaMigration.Reading::source)
                    .orElseGet(() -> readSource(h, false));
            List<Change> changes = changes(state, source, projects.admin());
            Map<String, String> tableStates = QuietFence.tableStates(h, UNTOUCHED);
            QuietFence.Digested memberships = migrate(h, ctx, projects.admin().id(), source.memberships);
            QuietFence.take(h, ctx.runId(), tableStates, Map.of(MEMBERSHIPS, memberships.rebuilt()))
                    .ifPresent(f -> taken.set(new Applied(f, memberships.counted().matching())));
            LOG.info("kaapana-backend migrated: {} dataset(s), {} workflow(s), {} membership(s)", source.datasets,
                    source.workflows, source.memberships);
            return changes;
        });
        applied.set(taken.get()); // only once the transaction committed
        return made;
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        return MIGRATION.verify(connections.jdbi(DB, ctx), (h, v) -> {
            DatabaseSteps.expectListedProjects(h, ctx.get(ProjectList.KEY), v, "dataset", "datasets");
            DatabaseSteps.expectListedProjects(h, ctx.get(ProjectList.KEY), v, "workflow", "workflows");
            Applied a = applied.get();
            QuietFence fence = DatabaseSteps.holding(h, a == null ? null : a.fence(), ctx);
            // Counted with the rebuilt table's digest, after the apply's last statement on it, when nothing was
            // written since (the digest is vouched for the same way).
            if (fence != null) {
                v.expect("dataset memberships without a dataset" + DatabaseSteps.COUNTED_WITH_DIGEST, 0L,
                        a.withoutDataset());
            } else {
                v.expect("dataset memberships without a dataset", 0L, h.createQuery("SELECT count(*) FROM "
                        + "identifier2dataset WHERE dataset IS NULL").mapTo(long.class).one());
            }
            DatabaseSteps.verifyDigests(h, ctx.get(BASELINE), afterQueries(), DB, v, ctx, LATER_STEPS, fence);
        });
    }

    private record Source(long datasets, long workflows, long memberships, List<Finding> findings) {
    }

    /** What the check's reads take from the context or the options: nothing. */
    private static final String READ_INPUTS = "none";

    private static Source readSource(Handle h, boolean checkMemberships) {
        long datasets = h.createQuery("SELECT count(*) FROM dataset").mapTo(long.class).one();
        long workflows = h.createQuery("SELECT count(*) FROM workflow").mapTo(long.class).one();
        List<Finding> findings = new ArrayList<>();
        long memberships;
        if (checkMemberships) {
            // One scan counts the memberships and those naming no dataset (dataset.name is the 0.4 key: the join
            // finds at most one dataset per membership).
            long[] counted = h.createQuery("SELECT count(*), count(*) FILTER (WHERE d.name IS NULL) FROM identifier2dataset i "
                    + "LEFT JOIN dataset d ON d.name = i.dataset")
                    .map((rs, sc) -> new long[] {rs.getLong(1), rs.getLong(2)}).one();
            memberships = counted[0];
            long orphans = counted[1];
            if (orphans > 0) {
                findings.add(new Finding(orphans + " identifier2dataset row(s) name no existing dataset",
                        "every membership names a dataset (the 0.4 foreign key guarantees it)",
                        "delete the orphan rows or restore the database from the backup, then run again"));
            }
        } else {
            memberships = h.createQuery("SELECT count(*) FROM identifier2dataset").mapTo(long.class).one();
        }
        return new Source(datasets, workflows, memberships, findings);
    }

    private static List<Change> changes(SchemaState state, Source source, Project admin) {
        String db = DB.stableName();
        String adminText = "admin project '" + admin.name() + "' (" + admin.id() + ")";
        List<Change> changes = new ArrayList<>();
        changes.add(Change.of(Change.Kind.SCHEMA, db, state.description(), "revision " + DB.targetRevision() + " (0.5.2)", 1));
        changes.add(Change.of(Change.Kind.CREATE, db + ".dataset.id", null, "1.." + source.datasets + " in the order "
                + DATASET_ORDER + "; primary key moves from name to id", Math.max(1, source.datasets)));
        changes.add(Change.of(Change.Kind.UPDATE, db + ".dataset.project_id", null, adminText, Math.max(1, source.datasets)));
        changes.add(Change.of(Change.Kind.UPDATE, db + ".workflow.project_id", null, adminText, Math.max(1, source.workflows)));
        changes.add(Change.of(Change.Kind.UPDATE, db + ".identifier2dataset.dataset", "dataset name, primary key "
                + "(identifier, dataset)", "dataset id, no primary key (as 0.5.2)", Math.max(1, source.memberships)));
        return changes;
    }

    /**
     * The baseline's queries of the old tables, {@code identifier2dataset} excepted: its digest is taken from the rebuilt
     * table after the migration's last statement on it ({@link #MEMBERSHIPS_AFTER}).
     */
    private static Map<String, String> beforeQueries() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("dataset", "SELECT d.name, d.username, d.time_created, d.time_updated, d.kaapana_id, n.id, " + ADMIN_ONCE
                + " AS project_id FROM dataset d LEFT JOIN dataset_numbering n ON n.name = d.name");
        q.put("workflow", "SELECT " + WORKFLOW_COLUMNS + ", " + ADMIN_ONCE + " AS project_id FROM workflow");
        q.putAll(unchangedQueries());
        return q;
    }

    private static final String MEMBERSHIPS = "identifier2dataset";
    private static final String MEMBERSHIPS_AFTER = "SELECT identifier, dataset FROM identifier2dataset";

    private static final String WORKFLOW_COLUMNS = "workflow_id, workflow_name, dag_id, username, time_created, "
            + "time_updated, automatic_execution, service_workflow, federated, kaapana_id, involved_kaapana_instances";

    private static Map<String, String> afterQueries() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("dataset", "SELECT name, username, time_created, time_updated, kaapana_id, id, project_id FROM dataset");
        q.put(MEMBERSHIPS, MEMBERSHIPS_AFTER);
        q.put("workflow", "SELECT " + WORKFLOW_COLUMNS + ", project_id FROM workflow");
        q.putAll(unchangedQueries());
        return q;
    }

    /**
     * The tables the migration does not write. Those a later step rewrites are compared only within the baseline's run,
     * so their row versions suffice there, and cost a fraction of hashing every value (the job table: 0.3–0.4 s
     * against 1.1–2 s per million rows); the others keep a digest of their content, which a later run compares.
     */
    private static Map<String, String> unchangedQueries() {
        Map<String, String> q = new LinkedHashMap<>();
        for (String table : UNTOUCHED) {
            q.put(table, LATER_STEPS.contains(table) ? TableDigests.rowVersions(table) : "SELECT * FROM " + table);
        }
        return q;
    }

    /**
     * Migrates; returns the rebuilt membership table as it was when digested after the copy, with its rows without a
     * dataset then.
     */
    private static QuietFence.Digested migrate(Handle h, MigrationContext ctx, UUID admin, long memberships) {
        TableProgress progress = new TableProgress(ctx, "tables migrated", List.of("workflow", "dataset",
                "identifier2dataset", "alembic_version"));
        // The admin UUID as a transaction-local setting: bound once, then usable in DDL defaults, which take no parameters.
        h.createQuery("SELECT set_config(?, ?, true)").bind(0, ADMIN_SETTING).bind(1, admin.toString())
                .mapTo(String.class).one();
        Sql.executeAll(h, "CREATE TEMP TABLE dataset_numbering ON COMMIT DROP AS SELECT name, "
                        + "(row_number() OVER (ORDER BY " + DATASET_ORDER + "))::integer AS id FROM dataset",
                "ALTER TABLE dataset_numbering ADD PRIMARY KEY (name)",
                "ANALYZE dataset_numbering");
        Map<String, String> before = beforeQueries();
        TableDigests baseline = DatabaseSteps.baseline(h, ctx, before);
        // A non-volatile default is evaluated once and stored in the catalogue: no row is rewritten.
        Sql.executeAll(h,
                "ALTER TABLE workflow ADD COLUMN project_id uuid NOT NULL DEFAULT " + ADMIN,
                "ALTER TABLE workflow ALTER COLUMN project_id DROP DEFAULT");
        progress.finished("workflow");
        Sql.executeAll(h,
                "ALTER TABLE dataset ADD COLUMN id integer",
                "ALTER TABLE dataset ADD COLUMN project_id uuid NOT NULL DEFAULT " + ADMIN,
                "ALTER TABLE dataset ALTER COLUMN project_id DROP DEFAULT",
                "ALTER TABLE dataset ADD CONSTRAINT dataset_project_id_name_key UNIQUE (project_id, name)",
                "CREATE SEQUENCE dataset_id_seq OWNED BY dataset.id",
                "UPDATE dataset d SET id = n.id FROM dataset_numbering n WHERE n.name = d.name");
        long datasets = baseline.tables().get("dataset").rows();
        if (datasets > 0) {
            h.createQuery("SELECT setval('dataset_id_seq', ?)").bind(0, datasets).mapTo(long.class).one();
        }
        Sql.executeAll(h,
                "ALTER TABLE dataset ALTER COLUMN id SET DEFAULT nextval('dataset_id_seq'::regclass)",
                "ALTER TABLE dataset ALTER COLUMN id SET NOT NULL");
        Sql.executeAll(h, "CREATE TABLE identifier2dataset_05 (identifier character varying NOT NULL, dataset integer)");
        long copied = h.createUpdate("INSERT INTO identifier2dataset_05 (identifier, dataset) SELECT i.identifier, n.id "
                + "FROM identifier2dataset i JOIN dataset_numbering n ON n.name = i.dataset").executeLarge();
        if (copied != memberships) {
            throw new StepFailedException(Problem.of(CoreErrorCode.STEP_FAILED, "only " + copied + " of " + memberships
                    + " identifier2dataset rows name an existing dataset", "every membership names a dataset",
                    "nothing was changed (the transaction was rolled back); delete the orphan rows or restore the database "
                    + "from the backup, then run again"));
        }
        Sql.executeAll(h,
                "DROP TABLE identifier2dataset",
                "ALTER TABLE identifier2dataset_05 RENAME TO identifier2dataset",
                "ALTER TABLE dataset DROP CONSTRAINT dataset_pkey",
                "ALTER TABLE dataset ALTER COLUMN name SET NOT NULL",
                "ALTER TABLE dataset ADD CONSTRAINT dataset_pkey PRIMARY KEY (id)");
        progress.finished("dataset");
        Sql.executeAll(h,
                "ALTER TABLE identifier2dataset ADD CONSTRAINT identifier2dataset_dataset_fkey FOREIGN KEY (dataset) "
                        + "REFERENCES dataset(id) ON DELETE CASCADE",
                "ALTER TABLE identifier2dataset ADD CONSTRAINT identifier2dataset_identifier_fkey FOREIGN KEY (identifier) "
                        + "REFERENCES identifiers(id)");
        // The copy holds every old row mapped by the numbering (its count is the old table's, and a dataset name has
        // one number), so its digest is what the same join over the old table gives: one read of the narrow new table
        // instead of a second join of the old one. Taken after the migration's last statement on the table, so the
        // fence can vouch for it at the commit.
        QuietFence.Digested digested = QuietFence.Digested.after(h, MEMBERSHIPS, MEMBERSHIPS_AFTER, "r.dataset IS NULL");
        ctx.put(BASELINE, baseline.with(new TableDigests(Map.of(MEMBERSHIPS, digested.counted().digest()), null)));
        progress.finished("identifier2dataset");
        DatabaseSteps.recordHead(h, DB);
        progress.finished("alembic_version");
        return digested;
    }
}
