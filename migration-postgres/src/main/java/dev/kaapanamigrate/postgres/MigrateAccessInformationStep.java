package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.domain.Project;
import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.ContextKey;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.postgres.internal.CheckMemo;
import dev.kaapanamigrate.postgres.internal.DatabaseSteps;
import dev.kaapanamigrate.postgres.internal.Finding;
import dev.kaapanamigrate.postgres.internal.SchemaMigration;
import dev.kaapanamigrate.postgres.internal.SchemaState;
import dev.kaapanamigrate.postgres.internal.Sql;
import dev.kaapanamigrate.postgres.internal.TableDigests;
import dev.kaapanamigrate.postgres.internal.TableProgress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Migrates the access-information database from 0.4.2 to revision {@code 6e751c62ecfa} (reference §5) in one
 * transaction, producing exactly the 0.5.2 schema: projects get a UUID primary key {@code id} (generated here,
 * once, from {@link MigrationContext#ids()}) and keep their old id as {@code int_id}; user–project–role mappings
 * point at the UUID (upstream's three-column unique disappears); {@code admin_project} points at the admin project;
 * {@code software_mappings} is created empty; the unused {@code data} and {@code data_projects} are dropped;
 * {@code alembic_version} holds the head.
 *
 * <p>The admin project is the project with old id 1, which must be named {@code admin} (0.4 hard-codes id 1);
 * otherwise the step is blocked unless {@link DatabaseMigrationOptions#withAdminProjectName(String)} names it.
 *
 * <p>It puts the {@link ProjectList} (old id → UUID, admin project) into the context for the later steps, after
 * its transaction committed, and again from the 0.5 tables whenever it finds the database already at head
 * (a resumed or repeated run). Before changing anything it journals counts and digests of every table's rows
 * (with the new UUIDs already applied); verify compares the migrated tables with them.
 *
 * <pre>{@code
 * MigrationPlan.builder()
 *         .step(new MigrateAccessInformationStep(connections, DatabaseMigrationOptions.defaults()))
 *         .step(new MigrateDicomWebFilterStep(connections, DatabaseMigrationOptions.defaults()))
 *         .step(new MigrateBackendStep(connections))
 *         ...
 * }</pre>
 */
public final class MigrateAccessInformationStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "postgres.migrate-access-information";

    /** The revision upstream's 0.5.2 service records before it upgrades a 0.4 database. */
    public static final String INITIAL_REVISION = "100ab450e292";

    static final ContextKey<TableDigests> BASELINE = ContextKey.of("postgres.baseline-access-information.v2",
            TableDigests.class);

    private static final Logger LOG = LoggerFactory.getLogger(MigrateAccessInformationStep.class);
    private static final ServiceDatabase DB = ServiceDatabase.ACCESS_INFORMATION;
    private static final String UNIQUE_DROPPED = "users_projects_roles_project_id_role_id_keycloak_id_key";
    private static final SchemaMigration MIGRATION = new SchemaMigration(DB, "aii", INITIAL_REVISION, false,
            "projects, users_projects_roles, roles, rights, roles_rights, data, data_projects");

    private final DatabaseConnections connections;
    private final DatabaseMigrationOptions options;
    private final CheckMemo<Checked> checks = new CheckMemo<>();

    /**
     * Creates the step.
     *
     * @param connections where the access-information database is reached
     * @param options     the admin project decision (the other options concern other steps)
     */
    public MigrateAccessInformationStep(DatabaseConnections connections, DatabaseMigrationOptions options) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Migrate the access-information database to revision " + DB.targetRevision()
                + " (project UUIDs, admin_project, software_mappings)";
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        return Sql.blockedWhenUnreachable(() -> {
            Checked checked = MIGRATION.remembered(connections.jdbi(DB, ctx), checks, ctx.runId(), options, h -> {
                ProjectList[] lists = new ProjectList[2]; // migrated, provisional
                SchemaState[] toMigrate = new SchemaState[1];
                Source[] read = new Source[1];
                StepCheck check = MIGRATION.checkOn(h, (hh, state) -> {
                    Migrated migrated = readMigrated(hh);
                    if (migrated.problem != null) {
                        return new StepCheck.Blocked(migrated.problem);
                    }
                    lists[0] = migrated.list;
                    return StepCheck.upToDate(DB.stableName() + " is " + state.description() + "; admin project '"
                            + migrated.list.admin().name() + "' (old id " + migrated.list.adminOldId() + "), "
                            + migrated.list.projects().size() + " project(s)");
                }, (hh, state) -> {
                    toMigrate[0] = state;
                    Source source = readSource(hh);
                    read[0] = source;
                    return SchemaMigration.pendingUnless(source.findings, () -> {
                        // Provisional UUIDs, so that a dry-run or a run's look-ahead can check the two databases that
                        // need them; derived from the old ids rather than drawn from the id source, whose UUIDs apply
                        // gives the projects.
                        lists[1] = projectList(source, oldId -> UUID.nameUUIDFromBytes(
                                ("kaapana-migrate provisional project " + oldId).getBytes(StandardCharsets.UTF_8)));
                        return changes(state, source);
                    });
                });
                return new Checked(check, lists[0], lists[1], toMigrate[0], read[0]);
            });
            if (checked.migrated() != null) {
                ctx.put(ProjectList.KEY, checked.migrated());
            } else if (checked.provisional() != null && ctx.provisional()) {
                ctx.put(ProjectList.KEY, checked.provisional());
            }
            return checked.check();
        });
    }

    /**
     * A check and the project list it puts into the context: the migrated database's, or the provisional one a
     * dry-run or a look-ahead gets for a database still to migrate (both {@code null} when there is none); and the
     * state of a database it found to migrate and what it read there, for the apply (else {@code null}).
     */
    private record Checked(StepCheck check, ProjectList migrated, ProjectList provisional, SchemaState toMigrate,
                           Source source) {
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        Applied applied = MIGRATION.apply(connections.jdbi(DB, ctx), ctx, new SchemaMigration.Checked<>(checks, options,
                Checked::toMigrate), (h, state) -> {
            Migrated migrated = readMigrated(h);
            if (migrated.problem != null) {
                throw new PreconditionFailedException(migrated.problem);
            }
            return new Applied(List.of(), migrated.list);
        }, (h, state, kept) -> {
            Source source = MIGRATION.readsFrom(kept, Checked::source).orElseGet(() -> readSource(h));
            SchemaMigration.refuseIf(source.findings);
            ProjectList list = projectList(source, oldId -> ctx.ids().newId());
            migrate(h, ctx, list, state);
            return new Applied(changes(state, source), list);
        });
        ctx.put(ProjectList.KEY, applied.list);
        LOG.info("access-information migrated: {} project(s), admin project '{}' = {}", applied.list.projects().size(),
                applied.list.admin().name(), applied.list.admin().id());
        return applied.changes;
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        return MIGRATION.verify(connections.jdbi(DB, ctx), (h, v) -> {
            Migrated migrated = readMigrated(h);
            if (migrated.problem != null) {
                v.fact("admin project of " + DB.stableName(), "one admin_project row pointing at a project",
                        migrated.problem.found(), false);
                return;
            }
            Optional<ProjectList> shared = ctx.get(ProjectList.KEY);
            if (shared.isEmpty()) {
                ctx.put(ProjectList.KEY, migrated.list);
            } else {
                v.expect("project list in the context = projects of " + DB.stableName(), shared.get(), migrated.list);
            }
            v.expect("admin_project rows", 1L, h.createQuery("SELECT count(*) FROM admin_project").mapTo(long.class).one());
            DatabaseSteps.verifyDigests(h, ctx.get(BASELINE), afterQueries(), DB, v);
        });
    }

    /** One new UUID per project, in order of the old ids. */
    private static ProjectList projectList(Source source, java.util.function.IntFunction<UUID> uuids) {
        List<Project> projects = new ArrayList<>();
        for (SourceProject p : source.projects) {
            projects.add(new Project(p.id, uuids.apply(p.id), p.name, p.bucket, p.index, p.namespace));
        }
        return new ProjectList(projects, source.adminOldId);
    }

    // ------------------------------------------------------------------------------------------- reading


    private record SourceProject(int id, String name, String bucket, String index, String namespace) {
    }

    private record Source(List<SourceProject> projects, int adminOldId, String adminReason, long mappings, long data,
                          long dataProjects, List<Finding> findings) {
    }

    private record Applied(List<Change> changes, ProjectList list) {
    }

    private record Migrated(ProjectList list, Problem problem) {
    }

    private Source readSource(Handle h) {
        List<SourceProject> projects = h.createQuery("SELECT id, name, s3_bucket, opensearch_index, kubernetes_namespace "
                + "FROM projects ORDER BY id").map((rs, sc) -> new SourceProject(rs.getInt(1), rs.getString(2),
                rs.getString(3), rs.getString(4), rs.getString(5))).list();
        List<Finding> findings = new ArrayList<>();
        List<Integer> unnamed = projects.stream().filter(p -> p.name == null).map(SourceProject::id).toList();
        if (!unnamed.isEmpty()) {
            findings.add(new Finding("projects without a name (ids " + unnamed + ")", "every project named",
                    "give these projects a unique name in the access-information database, then run again"));
        }
        long nullMappings = h.createQuery("SELECT count(*) FROM users_projects_roles WHERE project_id IS NULL").mapTo(long.class).one();
        if (nullMappings > 0) {
            findings.add(new Finding(nullMappings + " users_projects_roles row(s) without a project", "every user–project–role "
                    + "mapping names a project (0.5.2 makes users_projects_roles.project_id NOT NULL)",
                    "delete these rows (they grant nothing), then run again"));
        }
        int adminOldId = -1;
        String adminReason = null;
        Optional<String> named = options.explicitAdminProject();
        if (named.isPresent()) {
            Optional<SourceProject> admin = projects.stream().filter(p -> named.get().equals(p.name)).findFirst();
            if (admin.isPresent()) {
                adminOldId = admin.get().id;
                adminReason = "named by the option adminProjectName";
            } else {
                findings.add(new Finding("no project named '" + named.get() + "' (the option adminProjectName); projects: "
                        + names(projects), "the project the option names", "name an existing project in "
                        + "DatabaseMigrationOptions.withAdminProjectName"));
            }
        } else {
            Optional<SourceProject> first = projects.stream().filter(p -> p.id == 1).findFirst();
            if (first.isPresent() && DatabaseMigrationOptions.DEFAULT_ADMIN_PROJECT.equals(first.get().name)) {
                adminOldId = 1;
                adminReason = "by default: old id 1, named admin";
            } else {
                Optional<SourceProject> byName = projects.stream()
                        .filter(p -> DatabaseMigrationOptions.DEFAULT_ADMIN_PROJECT.equals(p.name)).findFirst();
                findings.add(new Finding((first.isEmpty() ? "no project with id 1" : "project id 1 is named '" + first.get().name
                        + "'") + (byName.isPresent() ? "; the project named 'admin' has id " + byName.get().id : "; no project "
                        + "is named 'admin'") + "; projects: " + names(projects),
                        "the admin project at id 1, named 'admin' (0.4 hard-codes id 1; upstream's migration links id 1 "
                        + "without looking at its name and 0.5 cannot start without an admin project)",
                        "name the admin project explicitly: DatabaseMigrationOptions.defaults().withAdminProjectName(\"<name>\")"));
            }
        }
        long mappings = h.createQuery("SELECT count(*) FROM users_projects_roles").mapTo(long.class).one();
        long data = h.createQuery("SELECT count(*) FROM data").mapTo(long.class).one();
        long dataProjects = h.createQuery("SELECT count(*) FROM data_projects").mapTo(long.class).one();
        return new Source(projects, adminOldId, adminReason, mappings, data, dataProjects, findings);
    }

    private static String names(List<SourceProject> projects) {
        StringBuilder s = new StringBuilder();
        for (SourceProject p : projects.subList(0, Math.min(20, projects.size()))) {
            s.append(s.length() == 0 ? "" : ", ").append(p.id).append('=').append(p.name);
        }
        return projects.size() > 20 ? s + ", ... (" + projects.size() + " in all)" : s.toString();
    }

    /** The project list of a database at head: old id = int_id; the admin project from admin_project. */
    /**
     * The project list the later database steps need: from the context (put by this step, or given by the caller),
     * else read from the access-information database when it is already migrated (a tool that runs those steps
     * without this one), else the context's "missing value" error with its fix.
     *
     * @param ctx         the context
     * @param connections where the access-information database is reached, if the caller configured it
     * @return the project list
     * @throws dev.kaapanamigrate.core.PreconditionFailedException with {@code CONTEXT_VALUE_MISSING} when it is nowhere
     */
    static ProjectList requireProjects(MigrationContext ctx, DatabaseConnections connections) {
        Optional<ProjectList> known = ctx.get(ProjectList.KEY);
        if (known.isPresent()) {
            return known.get();
        }
        org.jdbi.v3.core.Jdbi aii;
        try {
            aii = connections.jdbi(DB, ctx);
        } catch (dev.kaapanamigrate.core.ConfigurationException e) {
            return ctx.require(ProjectList.KEY); // the caller gave no access-information database: say what is missing
        }
        Optional<ProjectList> migrated = Sql.read(aii, DB.stableName(), "project list", h ->
                MIGRATION.inspect(h).kind() == SchemaState.Kind.UP_TO_DATE ? Optional.ofNullable(readMigrated(h).list)
                        : Optional.<ProjectList>empty());
        if (migrated.isEmpty()) {
            return ctx.require(ProjectList.KEY);
        }
        LOG.info("Read the project list from the migrated {} database: {} project(s)", DB.stableName(),
                migrated.get().projects().size());
        ctx.put(ProjectList.KEY, migrated.get());
        return migrated.get();
    }

    private static Migrated readMigrated(Handle h) {
        List<Project> projects = h.createQuery("SELECT int_id, id, name, s3_bucket, opensearch_index, "
                + "kubernetes_namespace FROM projects WHERE int_id IS NOT NULL AND name IS NOT NULL ORDER BY int_id")
                .map((rs, sc) -> new Project(rs.getInt(1), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6))).list();
        List<Integer> admin = h.createQuery("SELECT p.int_id FROM admin_project a JOIN projects p ON p.id = a.project_id "
                + "WHERE p.int_id IS NOT NULL AND p.name IS NOT NULL ORDER BY a.id LIMIT 1").mapTo(int.class).list();
        if (admin.isEmpty()) {
            return new Migrated(null, Problem.of(CoreErrorCode.PRECONDITION_FAILED, DB.stableName() + " is at revision "
                    + DB.targetRevision() + " but admin_project names no project with an old id",
                    "admin_project pointing at the admin project (0.5 cannot start without it)",
                    "insert the admin project's UUID into admin_project (INSERT INTO admin_project (project_id) SELECT id "
                    + "FROM projects WHERE name = '<admin project>'), then run again"));
        }
        return new Migrated(new ProjectList(projects, admin.get(0)), null);
    }

    private static List<Change> changes(SchemaState state, Source source) {
        String db = DB.stableName();
        List<Change> changes = new ArrayList<>();
        changes.add(Change.of(Change.Kind.SCHEMA, db, state.description(), "revision " + DB.targetRevision() + " (0.5.2)", 1));
        changes.add(Change.of(Change.Kind.DELETE, db + ".data", "table with " + source.data + " row(s), unused in 0.4",
                null, Math.max(1, source.data)));
        changes.add(Change.of(Change.Kind.DELETE, db + ".data_projects", "table with " + source.dataProjects
                + " row(s), unused in 0.4", null, Math.max(1, source.dataProjects)));
        changes.add(Change.of(Change.Kind.UPDATE, db + ".projects.id", "integer primary key (kept as int_id)",
                "new UUID primary key", source.projects.size()));
        changes.add(Change.of(Change.Kind.UPDATE, db + ".users_projects_roles.project_id", "integer project id",
                "the project's UUID", Math.max(1, source.mappings)));
        changes.add(Change.of(Change.Kind.DELETE, db + "." + UNIQUE_DROPPED, "unique (project_id, role_id, keycloak_id)",
                "dropped, as upstream's revision does", 1));
        SourceProject admin = source.projects.stream().filter(p -> p.id == source.adminOldId).findFirst().orElseThrow();
        changes.add(Change.of(Change.Kind.CREATE, db + ".admin_project", null, "project '" + admin.name + "' (old id "
                + admin.id + "; " + source.adminReason + ")", 1));
        changes.add(Change.of(Change.Kind.CREATE, db + ".software_mappings", null, "empty (0.5.2 fills in its defaults "
                + "at start)", 1));
        return changes;
    }

    // ------------------------------------------------------------------------------------------- migrating

    private static Map<String, String> beforeQueries() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("projects", "SELECT p.id AS int_id, p.external_id, p.name, p.description, p.kubernetes_namespace, p.s3_bucket, "
                + "p.opensearch_index, m.new_id AS id FROM projects p LEFT JOIN project_map m ON m.old_id = p.id");
        q.putAll(unchangedQueries());
        q.put("users_projects_roles", "SELECT u.id, u.role_id, u.keycloak_id, m.new_id AS project_id "
                + "FROM users_projects_roles u LEFT JOIN project_map m ON m.old_id = u.project_id");
        return q;
    }

    private static Map<String, String> afterQueries() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("projects", "SELECT int_id, external_id, name, description, kubernetes_namespace, s3_bucket, "
                + "opensearch_index, id FROM projects");
        q.putAll(unchangedQueries());
        q.put("users_projects_roles", "SELECT id, role_id, keycloak_id, project_id FROM users_projects_roles");
        return q;
    }

    private static Map<String, String> unchangedQueries() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("rights", "SELECT id, description, name, claim_key, claim_value FROM rights");
        q.put("roles", "SELECT id, description, name FROM roles");
        q.put("roles_rights", "SELECT id, role_id, right_id FROM roles_rights");
        return q;
    }

    private static void migrate(Handle h, MigrationContext ctx, ProjectList list, SchemaState state) {
        TableProgress progress = new TableProgress(ctx, "tables migrated", List.of("data_projects", "data", "projects",
                "users_projects_roles", "admin_project", "software_mappings", "alembic_version"));
        DatabaseSteps.createProjectMap(h, list);
        Map<String, String> before = beforeQueries();
        ctx.put(BASELINE, DatabaseSteps.baseline(h, ctx, before));
        // Upstream's revision, in its order (reference §5) but for one dead key, each statement set-based.
        Sql.executeAll(h, "DROP TABLE data_projects");
        progress.finished("data_projects");
        Sql.executeAll(h, "DROP TABLE data");
        progress.finished("data");
        Sql.executeAll(h,
                "ALTER TABLE projects ADD COLUMN project_uuid uuid",
                "UPDATE projects p SET project_uuid = m.new_id FROM project_map m WHERE m.old_id = p.id",
                // Upstream drops it with the column below; dropped first, the update does not maintain it (a new entry
                // for every row).
                "ALTER TABLE users_projects_roles DROP CONSTRAINT " + UNIQUE_DROPPED,
                "ALTER TABLE users_projects_roles ADD COLUMN project_uuid uuid",
                "UPDATE users_projects_roles u SET project_uuid = m.new_id FROM project_map m WHERE m.old_id = u.project_id",
                "ALTER TABLE projects ALTER COLUMN project_uuid SET NOT NULL",
                "ALTER TABLE users_projects_roles ALTER COLUMN project_uuid SET NOT NULL");
        Sql.executeAll(h,
                "ALTER TABLE users_projects_roles DROP CONSTRAINT users_projects_roles_project_id_fkey",
                "ALTER TABLE projects DROP CONSTRAINT projects_pkey",
                "ALTER TABLE projects RENAME COLUMN id TO int_id",
                "ALTER TABLE projects ALTER COLUMN int_id DROP NOT NULL",
                "ALTER TABLE projects RENAME COLUMN project_uuid TO id",
                "ALTER TABLE projects ADD CONSTRAINT projects_pkey PRIMARY KEY (id)");
        progress.finished("projects");
        Sql.executeAll(h,
                "ALTER TABLE users_projects_roles DROP COLUMN project_id",
                "ALTER TABLE users_projects_roles RENAME COLUMN project_uuid TO project_id",
                "ALTER TABLE users_projects_roles ADD CONSTRAINT users_projects_roles_project_id_fkey "
                        + "FOREIGN KEY (project_id) REFERENCES projects(id)");
        progress.finished("users_projects_roles");
        Sql.executeAll(h, "CREATE TABLE admin_project (id serial NOT NULL, project_id uuid NOT NULL, "
                + "CONSTRAINT admin_project_pkey PRIMARY KEY (id, project_id), "
                + "CONSTRAINT admin_project_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects(id))");
        h.execute("INSERT INTO admin_project (project_id) VALUES (?)", list.admin().id());
        progress.finished("admin_project");
        Sql.executeAll(h, "CREATE TABLE software_mappings (id serial NOT NULL, software_uuid character varying(72) NOT NULL, "
                + "project_id uuid NOT NULL, CONSTRAINT software_mappings_pkey PRIMARY KEY (id), "
                + "CONSTRAINT software_mappings_project_id_software_uuid_key UNIQUE (project_id, software_uuid), "
                + "CONSTRAINT software_mappings_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects(id))");
        progress.finished("software_mappings");
        DatabaseSteps.recordHead(h, DB);
        progress.finished("alembic_version");
        LOG.debug("access-information: {} -> {}", state.description(), DB.targetRevision());
    }
}
