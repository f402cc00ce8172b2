package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.domain.Project;
import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.ContextKey;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.postgres.DatabaseMigrationOptions.UnknownProjectMappings;
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
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Migrates the dicom-web-filter database from 0.4.2 to revision {@code 6defb625827a} (reference §6) in one
 * transaction: each series→project mapping gets the project's UUID from the {@link ProjectList} the
 * access-information step put into the context (never over HTTP); the old integer id stays in
 * {@code old_project_id}, as upstream leaves it; {@code alembic_version} holds the head.
 *
 * <p>Mappings to project ids the access-information database does not know (upstream's migration fails on them and
 * the service crash-loops) follow {@link DatabaseMigrationOptions#unknownProjectMappings()}: blocked by default,
 * listing the ids and their row counts; remapped to the admin project or dropped on request, every row reported
 * as a change.
 *
 * <p>{@code data_projects} is rebuilt (new table filled by one {@code INSERT … SELECT}, then swapped in and its
 * constraints recreated under their 0.5.2 names) rather than updated in place: one write of each row instead of an
 * update that rewrites every row and its index entries.
 */
public final class MigrateDicomWebFilterStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "postgres.migrate-dicom-web-filter";

    /** The revision upstream's 0.5.2 service records before it upgrades a 0.4 database. */
    public static final String INITIAL_REVISION = "b2c8d2f8b682";

    static final ContextKey<TableDigests> BASELINE = ContextKey.of("postgres.baseline-dicom-web-filter.v2", TableDigests.class);

    private static final Logger LOG = LoggerFactory.getLogger(MigrateDicomWebFilterStep.class);
    private static final ServiceDatabase DB = ServiceDatabase.DICOM_WEB_FILTER;
    private static final SchemaMigration MIGRATION = new SchemaMigration(DB, "dwf", INITIAL_REVISION, false,
            "data_projects, dicom_data");

    private final DatabaseConnections connections;
    /** This step's last check in this process, handed out again while nothing was written (never journaled). */
    private final CheckMemo<SchemaMigration.Reading<Source>> checks = new CheckMemo<>();
    private final DatabaseMigrationOptions options;
    /** What this step's last apply in this process proved and counted (never journaled). */
    private final AtomicReference<Applied> applied = new AtomicReference<>();

    /**
     * What an apply leaves for the verification of the same run.
     *
     * @param fence    what it proved about {@code dicom_data} (not written) and {@code data_projects} (rebuilt)
     * @param projects the project list it mapped with
     * @param unlisted the rebuilt rows whose project is not in that list, counted with the table's digest
     */
    private record Applied(QuietFence fence, ProjectList projects, long unlisted) {
    }

    /**
     * Creates the step.
     *
     * @param connections where the dicom-web-filter database is reached
     * @param options     the policy for mappings to unknown projects (the other options concern other steps)
     */
    public MigrateDicomWebFilterStep(DatabaseConnections connections, DatabaseMigrationOptions options) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Migrate the dicom-web-filter database to revision " + DB.targetRevision() + " (series mappings to project "
                + "UUIDs; unknown projects: " + options.unknownProjectMappings() + ")";
    }


    @Override
    public StepCheck check(MigrationContext ctx) {
        // Without a project list in the context, the reads take it from the migrated access-information database:
        // then they are not kept.
        return MIGRATION.check(connections.jdbi(DB, ctx), checks, ctx, ctx.get(ProjectList.KEY).map(this::readInputs)
                        .orElse(null),
                (h, state) -> readSource(h, MigrateAccessInformationStep.requireProjects(ctx, connections)),
                (state, source) -> SchemaMigration.pendingUnless(source.findings, () -> changes(state, source,
                        MigrateAccessInformationStep.requireProjects(ctx, connections))));
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        ProjectList projects = MigrateAccessInformationStep.requireProjects(ctx, connections);
        applied.set(null);
        AtomicReference<Applied> taken = new AtomicReference<>();
        List<Change> made = MIGRATION.apply(connections.jdbi(DB, ctx), ctx, new SchemaMigration.Checked<>(checks,
                readInputs(projects), SchemaMigration.Reading::state), (h, state) -> List.of(), (h, state, kept) -> {
            Source source = MIGRATION.readsFrom(kept, SchemaMigration.Reading::source)
                    .orElseGet(() -> readSource(h, projects));
            SchemaMigration.refuseIf(source.findings);
            List<Change> changes = changes(state, source, projects);
            Map<String, String> tableStates = QuietFence.tableStates(h, List.of(UNTOUCHED));
            QuietFence.Digested copied = migrate(h, ctx, projects, source);
            QuietFence.take(h, ctx.runId(), tableStates, Map.of(REBUILT, copied.rebuilt()))
                    .ifPresent(f -> taken.set(new Applied(f, projects, copied.counted().matching())));
            LOG.info("dicom-web-filter migrated: {} mapping(s); {} mapping(s) to unknown projects handled ({})",
                    source.mappings, source.unknown.size(), options.unknownProjectMappings());
            return changes;
        });
        applied.set(taken.get()); // only once the transaction committed
        return made;
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        return MIGRATION.verify(connections.jdbi(DB, ctx), (h, v) -> {
            Applied a = applied.get();
            QuietFence fence = DatabaseSteps.holding(h, a == null ? null : a.fence(), ctx);
            // Counted with the rebuilt table's digest, after the apply's last statement on it, when nothing was
            // written since and the context's project list is the one the apply mapped with.
            if (fence != null && ctx.get(ProjectList.KEY).equals(Optional.of(a.projects()))) {
                v.expect("data_projects rows whose project is not in the project list" + DatabaseSteps.COUNTED_WITH_DIGEST,
                        0L, a.unlisted());
            } else {
                DatabaseSteps.expectListedProjects(h, ctx.get(ProjectList.KEY), v, "data_projects", "data_projects rows");
            }
            DatabaseSteps.verifyDigests(h, ctx.get(BASELINE), afterQueries(), DB, v, ctx, Set.of(), fence);
        });
    }

    /** A mapping to a project id the access-information database does not know, and what happens to it. */
    private record UnknownMapping(int id, String series, int projectId, boolean collidesWithAdmin) {
    }

    private record Source(long mappings, List<UnknownMapping> unknown, List<Finding> findings) {
    }

    /** What {@link #readSource} takes from the project list and the options: the old ids and the admin's, the policy. */
    private List<Object> readInputs(ProjectList projects) {
        return List.of(projects.projects().stream().map(Project::oldId).toList(), projects.adminOldId(),
                options.unknownProjectMappings());
    }

    private Source readSource(Handle h, ProjectList projects) {
        List<Integer> known = projects.projects().stream().map(Project::oldId).toList();
        // Rows that would collide with UNIQUE(project_id, series_instance_uid) once remapped to the admin project:
        // the series is mapped to the admin project already, or by an earlier (lower id) unknown row. NULL series
        // never collide (NULLs are distinct in a unique constraint).
        List<UnknownMapping> unknown = h.createQuery("WITH u AS (SELECT id, series_instance_uid, project_id FROM data_projects "
                + "WHERE project_id <> ALL (?::integer[])) SELECT u.id, u.series_instance_uid, u.project_id, "
                + "CASE WHEN u.series_instance_uid IS NULL THEN false WHEN EXISTS (SELECT 1 FROM data_projects a "
                + "WHERE a.project_id = ? AND a.series_instance_uid = u.series_instance_uid) THEN true "
                + "ELSE row_number() OVER (PARTITION BY u.series_instance_uid ORDER BY u.id) > 1 END "
                + "FROM u ORDER BY u.id").bindArray(0, Integer.class, known).bind(1, projects.adminOldId())
                .map((rs, sc) -> new UnknownMapping(rs.getInt(1), rs.getString(2), rs.getInt(3), rs.getBoolean(4))).list();
        long mappings = h.createQuery("SELECT count(*) FROM data_projects").mapTo(long.class).one();
        List<Finding> findings = new ArrayList<>();
        if (!unknown.isEmpty() && options.unknownProjectMappings() == UnknownProjectMappings.BLOCK) {
            Map<Integer, Integer> rowsPerProject = new TreeMap<>();
            unknown.forEach(u -> rowsPerProject.merge(u.projectId, 1, Integer::sum));
            StringBuilder list = new StringBuilder();
            rowsPerProject.forEach((id, rows) -> list.append(list.length() == 0 ? "" : ", ").append("project id ").append(id)
                    .append(": ").append(rows).append(" row(s)"));
            findings.add(new Finding(unknown.size() + " data_projects row(s) map series to project ids the access-information "
                    + "database does not know (" + list + ")",
                    "every mapping's project in the access-information database (upstream's migration fails on the "
                    + "others and the 0.5 service crash-loops)",
                    "choose DatabaseMigrationOptions.withUnknownProjectMappings(REMAP_TO_ADMIN) (series already mapped to "
                    + "the admin project lose only the duplicate) or DROP; every row is reported"));
        }
        return new Source(mappings, unknown, findings);
    }

    private List<Change> changes(SchemaState state, Source source, ProjectList projects) {
        String db = DB.stableName();
        List<Change> changes = new ArrayList<>();
        changes.add(Change.of(Change.Kind.SCHEMA, db, state.description(), "revision " + DB.targetRevision() + " (0.5.2)", 1));
        Project admin = projects.admin();
        long dropped = 0;
        for (UnknownMapping u : source.unknown) {
            String row = db + ".data_projects id " + u.id;
            String was = "series " + u.series + " -> unknown project id " + u.projectId;
            if (drops(u)) {
                changes.add(Change.of(Change.Kind.DELETE, row, was, u.collidesWithAdmin
                        && options.unknownProjectMappings() != UnknownProjectMappings.DROP
                        ? "dropped: the series is already mapped to the admin project (option REMAP_TO_ADMIN)"
                        : "dropped (option DROP)", 1));
                dropped++;
            } else {
                changes.add(Change.of(Change.Kind.UPDATE, row, was, "admin project '" + admin.name() + "' (old id "
                        + admin.oldId() + ", option REMAP_TO_ADMIN)", 1));
            }
        }
        long converted = source.mappings - dropped;
        if (converted > 0) {
            changes.add(Change.of(Change.Kind.UPDATE, db + ".data_projects.project_id", "integer project id (kept as "
                    + "old_project_id)", "the project's UUID", converted));
        }
        return changes;
    }

    /** Whether an unknown mapping is dropped, by the option or because remapping it would duplicate an admin mapping. */
    private boolean drops(UnknownMapping u) {
        return options.unknownProjectMappings() == UnknownProjectMappings.DROP || u.collidesWithAdmin;
    }

    /** The table the migration locks and never writes. */
    private static final String UNTOUCHED = "dicom_data";
    /** The table it rebuilds by one {@code INSERT … SELECT}. */
    private static final String REBUILT = "data_projects";
    private static final String UNTOUCHED_QUERY = "SELECT series_instance_uid, study_instance_uid, description FROM "
            + UNTOUCHED;
    private static final String REBUILT_AFTER = "SELECT id, series_instance_uid, old_project_id, project_id FROM " + REBUILT;

    private static Map<String, String> afterQueries() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put(UNTOUCHED, UNTOUCHED_QUERY);
        q.put(REBUILT, REBUILT_AFTER);
        return q;
    }

    /**
     * Migrates; returns the rebuilt {@code data_projects} as it was when digested after the transaction's last
     * statement on it, with its rows whose project is not in the project list then.
     */
    private QuietFence.Digested migrate(Handle h, MigrationContext ctx, ProjectList projects, Source source) {
        TableProgress progress = new TableProgress(ctx, "tables migrated", List.of("data_projects", "alembic_version"));
        List<Integer> drop = new ArrayList<>();
        List<Integer> remap = new ArrayList<>();
        for (UnknownMapping u : source.unknown) {
            if (drops(u)) {
                drop.add(u.id);
            } else {
                remap.add(u.id);
            }
        }
        if (!drop.isEmpty()) {
            h.createUpdate("DELETE FROM data_projects WHERE id = ANY (?::integer[])").bindArray(0, Integer.class, drop)
                    .execute();
        }
        if (!remap.isEmpty()) {
            h.createUpdate("UPDATE data_projects SET project_id = ? WHERE id = ANY (?::integer[])")
                    .bind(0, projects.adminOldId()).bindArray(1, Integer.class, remap).execute();
        }
        DatabaseSteps.createProjectMap(h, projects);
        h.execute("ANALYZE project_map");
        // dicom_data's digest before any change; data_projects' is taken from the new table after its last statement
        // (below): every row of the old one, after the unknown mappings were handled (each reported as a change), is
        // copied by a left join, so its digest is what the same join over the old table gives, in one read of the
        // narrow new table.
        TableDigests baseline = DatabaseSteps.baseline(h, ctx, Map.of(UNTOUCHED, UNTOUCHED_QUERY));
        Sql.executeAll(h,
                "CREATE TABLE data_projects_05 (id integer NOT NULL, series_instance_uid character varying, "
                        + "old_project_id integer, project_id uuid NOT NULL)",
                // A project without UUID leaves project_id NULL and fails the NOT NULL: the whole transaction rolls back.
                "INSERT INTO data_projects_05 (id, series_instance_uid, old_project_id, project_id) "
                        + "SELECT d.id, d.series_instance_uid, d.project_id, m.new_id FROM data_projects d "
                        + "LEFT JOIN project_map m ON m.old_id = d.project_id");
        Sql.executeAll(h,
                "ALTER SEQUENCE data_projects_id_seq OWNED BY NONE", // else dropping the old table drops the sequence
                "DROP TABLE data_projects",
                "ALTER TABLE data_projects_05 RENAME TO data_projects",
                "ALTER SEQUENCE data_projects_id_seq OWNED BY data_projects.id",
                "ALTER TABLE data_projects ALTER COLUMN id SET DEFAULT nextval('data_projects_id_seq'::regclass)",
                "ALTER TABLE data_projects ADD CONSTRAINT data_projects_pkey PRIMARY KEY (id)",
                "ALTER TABLE data_projects ADD CONSTRAINT data_projects_project_id_series_instance_uid_key "
                        + "UNIQUE (project_id, series_instance_uid)",
                "ALTER TABLE data_projects ADD CONSTRAINT data_projects_series_instance_uid_fkey "
                        + "FOREIGN KEY (series_instance_uid) REFERENCES dicom_data(series_instance_uid)");
        QuietFence.Digested copied = QuietFence.Digested.after(h, REBUILT, REBUILT_AFTER,
                // A hashed subplan, built once: NOT EXISTS in an aggregate's filter is not made an anti-join and scans
                // project_map for every row (the digest with it 0.2–0.5 s on 50k rows, against 46 ms with NOT IN, 40 ms
                // without a filter). The same rows here: neither side can be NULL.
                "r.project_id NOT IN (SELECT new_id FROM project_map)");
        ctx.put(BASELINE, baseline.with(new TableDigests(Map.of(REBUILT, copied.counted().digest()), null)));
        progress.finished("data_projects");
        DatabaseSteps.recordHead(h, DB);
        progress.finished("alembic_version");
        return copied;
    }
}
