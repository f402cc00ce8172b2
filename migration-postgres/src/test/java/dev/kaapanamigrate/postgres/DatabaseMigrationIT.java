package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.domain.ServiceDatabase;
import static dev.kaapanamigrate.postgres.SourceDatabases.ALL;
import static dev.kaapanamigrate.postgres.SourceDatabases.digest;
import static dev.kaapanamigrate.postgres.SourceDatabases.execute;
import static dev.kaapanamigrate.postgres.SourceDatabases.fingerprint;
import static dev.kaapanamigrate.postgres.SourceDatabases.kaapana;
import static dev.kaapanamigrate.postgres.SourceDatabases.string;
import static dev.kaapanamigrate.postgres.SourceDatabases.strings;
import static dev.kaapanamigrate.postgres.SourceDatabases.tableDigests;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.IdSource;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationEvent;
import dev.kaapanamigrate.core.MigrationListener;
import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.pgserver.PostgresServer;
import dev.kaapanamigrate.postgres.internal.QuietFence;
import dev.kaapanamigrate.postgres.internal.ReadFence;
import dev.kaapanamigrate.postgres.internal.ServerLauncher;
import dev.kaapanamigrate.postgres.internal.TableDigests;
import dev.kaapanamigrate.testkit.InstallationGenerator;
import dev.kaapanamigrate.testkit.InstallationModel;
import dev.kaapanamigrate.testkit.InstallationSize;
import dev.kaapanamigrate.testkit.InstallationSpec;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.Manifest;
import dev.kaapanamigrate.testkit.ReliabilityCounts;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import dev.kaapanamigrate.testkit.StandardError;
import dev.kaapanamigrate.testkit.postgres.ClusterSpec;
import dev.kaapanamigrate.testkit.postgres.PostgresCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three database migrations on copies of one generated 0.4.2 installation (a fresh copy per test): exact 0.5.2
 * schema, every row kept, the decisions (admin project, unknown mappings, dataset ids), re-runs, crashes, upstream's
 * half-migrated state, schema drift and the dry-run.
 */
@KaapanaInstallation(size = InstallationSize.SMALL)
@ExtendWith(ReliabilityCounts.class)
class DatabaseMigrationIT {

    static SourceDatabases sources;
    static Manifest manifest;
    static int copies;

    @BeforeAll
    static void start(SimulatedPlatform platform, Manifest generated) {
        platform.startSource();
        sources = new SourceDatabases(platform);
        manifest = generated;
    }

    static synchronized Map<ServiceDatabase, DataSource> freshCopy() throws Exception {
        return sources.copy("copy_" + (++copies));
    }

    static MigrationPlan plan(Map<ServiceDatabase, DataSource> dbs, DatabaseMigrationOptions options, Path state) {
        DatabaseConnections connections = DatabaseConnections.of(dbs);
        MigrationPlan.Builder b = MigrationPlan.builder()
                .step(new MigrateAccessInformationStep(connections, options))
                .step(new MigrateDicomWebFilterStep(connections, options), MigrateAccessInformationStep.ID)
                .step(new MigrateBackendStep(connections), MigrateAccessInformationStep.ID)
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED));
        return (state == null ? b.inMemoryState() : b.stateDirectory(state)).build();
    }

    static StepResult step(MigrationResult result, String id) {
        return result.step(id).orElseThrow();
    }

    static Map<String, Manifest.Content> manifestTables(ServiceDatabase db) {
        return manifest.databases().get(kaapana(db)).tables();
    }

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    void migratesAllThreeToExactlyThe052SchemaKeepingEveryRow() throws Exception {
        Map<ServiceDatabase, DataSource> dbs = freshCopy();
        assertReleasedSchema(dbs, "0.4.2");
        DatabaseConnections connections = DatabaseConnections.of(dbs);
        MigrationContext ctx = undeployed(7);
        var aii = new MigrateAccessInformationStep(connections, DatabaseMigrationOptions.defaults());
        var dwf = new MigrateDicomWebFilterStep(connections, DatabaseMigrationOptions.defaults());
        var backend = new MigrateBackendStep(connections);

        StepCheck check = aii.check(ctx);
        assertThat(check).isInstanceOf(StepCheck.Pending.class);
        assertThat(check.changes()).extracting(Change::describe).anySatisfy(d -> assertThat(d)
                .contains("admin_project").contains("project 'admin' (old id 1; by default"));
        List<Change> aiiChanges = aii.apply(ctx);
        assertThat(aiiChanges).isEqualTo(check.changes());
        assertThat(dwf.check(ctx)).isInstanceOf(StepCheck.Pending.class);
        StepCheck backendCheck = backend.check(ctx);
        assertThat(backendCheck.changes()).extracting(Change::describe).anySatisfy(d -> assertThat(d)
                .contains("dataset.id").contains(MigrateBackendStep.DATASET_ORDER));
        dwf.apply(ctx);
        backend.apply(ctx);
        for (var step : List.of(aii, dwf, backend)) {
            Verification v = step.verify(ctx);
            assertThat(v.passed()).as(step.id() + ": " + v.describeFailures()).isTrue();
            assertThat(v.facts()).extracting(Verification.Fact::name).anySatisfy(n -> assertThat(n).startsWith("rows and digest"));
        }

        // the project UUIDs come from the context's id source, in order of the old ids (the first id is the run id)
        IdSource seeded = IdSource.seeded(7);
        seeded.newId();
        List<String> expectedIds = new ArrayList<>();
        for (int i = 0; i < manifest.projects().size(); i++) {
            expectedIds.add(seeded.newId().toString());
        }
        DataSource aiiDb = dbs.get(ServiceDatabase.ACCESS_INFORMATION);
        assertThat(strings(aiiDb, "SELECT id FROM projects ORDER BY int_id")).isEqualTo(expectedIds);
        ProjectList list = ctx.require(ProjectList.KEY);
        assertThat(list.projects()).extracting(p -> p.id().toString()).isEqualTo(expectedIds);
        assertThat(list.admin().name()).isEqualTo("admin");

        for (ServiceDatabase db : ALL) {
            assertThat(fingerprint(dbs.get(db))).as(db + " schema").containsExactlyElementsOf(fingerprint(sources.reference052(db)));
            assertThat(string(dbs.get(db), "SELECT string_agg(version_num, ',') FROM alembic_version"))
                    .isEqualTo(db.targetRevision());
        }
        assertReleasedSchema(dbs, "0.5.2");
        assertEveryRowKept(dbs);

        // a second run (no journal: as after a lost state directory) finds everything done and changes nothing
        var digestsBefore = digestsOf(dbs);
        MigrationResult again = plan(dbs, DatabaseMigrationOptions.defaults(), null).run();
        assertThat(again.status()).as(again.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        for (StepResult r : again.steps()) {
            assertThat(r.status()).as(r.stepId()).isEqualTo(StepStatus.UP_TO_DATE);
        }
        assertThat(digestsOf(dbs)).isEqualTo(digestsBefore);
    }

    /** The public catalogue the library ships for a release equals what each database holds. */
    static void assertReleasedSchema(Map<ServiceDatabase, DataSource> dbs, String version) throws Exception {
        for (ServiceDatabase db : ALL) {
            try (java.sql.Connection c = dbs.get(db).getConnection()) {
                SchemaCatalogue now = SchemaCatalogue.read(c);
                assertThat(now.differencesFrom(SchemaCatalogue.released(db, version))).as(db + " " + version).isEmpty();
                assertThat(now.differencesFrom(SchemaCatalogue.released(db, version.equals("0.5.2") ? "0.4.2" : "0.5.2")))
                        .as(db + ": the other release differs").isNotEmpty();
            }
        }
    }

    /** Every row of the 0.4.2 manifest is there, read back through the documented rewrites. */
    static void assertEveryRowKept(Map<ServiceDatabase, DataSource> dbs) throws Exception {
        DataSource aii = dbs.get(ServiceDatabase.ACCESS_INFORMATION);
        var aiiTables = manifestTables(ServiceDatabase.ACCESS_INFORMATION);
        assertThat(digest(aii, "SELECT int_id, external_id, name, description, kubernetes_namespace, s3_bucket, "
                + "opensearch_index FROM projects")).isEqualTo(aiiTables.get("projects"));
        assertThat(digest(aii, "SELECT u.id, p.int_id, u.role_id, u.keycloak_id FROM users_projects_roles u "
                + "JOIN projects p ON p.id = u.project_id")).isEqualTo(aiiTables.get("users_projects_roles"));
        for (String t : List.of("rights", "roles", "roles_rights")) {
            assertThat(digest(aii, "SELECT * FROM " + t)).as(t).isEqualTo(aiiTables.get(t));
        }
        assertThat(string(aii, "SELECT p.int_id || ' ' || p.name FROM admin_project a JOIN projects p ON p.id = a.project_id"))
                .isEqualTo("1 admin");
        String adminUuid = string(aii, "SELECT project_id FROM admin_project");
        List<String> projectPairs = strings(aii, "SELECT int_id || '=' || id FROM projects ORDER BY 1");

        DataSource dwf = dbs.get(ServiceDatabase.DICOM_WEB_FILTER);
        var dwfTables = manifestTables(ServiceDatabase.DICOM_WEB_FILTER);
        assertThat(digest(dwf, "SELECT * FROM dicom_data")).isEqualTo(dwfTables.get("dicom_data"));
        assertThat(digest(dwf, "SELECT id, series_instance_uid, old_project_id FROM data_projects"))
                .isEqualTo(dwfTables.get("data_projects"));
        assertThat(projectPairs).containsAll(strings(dwf, "SELECT DISTINCT old_project_id || '=' || project_id FROM data_projects"));

        DataSource backend = dbs.get(ServiceDatabase.BACKEND);
        var backendTables = manifestTables(ServiceDatabase.BACKEND);
        for (String t : List.of("kaapana_instance", "identifiers", "settings", "job")) {
            assertThat(digest(backend, "SELECT * FROM " + t)).as(t).isEqualTo(backendTables.get(t));
        }
        assertThat(digest(backend, "SELECT name, username, time_created, time_updated, kaapana_id FROM dataset"))
                .isEqualTo(backendTables.get("dataset"));
        assertThat(digest(backend, "SELECT i.identifier, d.name FROM identifier2dataset i JOIN dataset d ON d.id = i.dataset"))
                .isEqualTo(backendTables.get("identifier2dataset"));
        assertThat(digest(backend, "SELECT workflow_id, workflow_name, dag_id, username, time_created, time_updated, "
                + "automatic_execution, service_workflow, federated, kaapana_id, involved_kaapana_instances FROM workflow"))
                .isEqualTo(backendTables.get("workflow"));
        assertThat(strings(backend, "SELECT DISTINCT project_id::text FROM dataset UNION SELECT DISTINCT project_id::text "
                + "FROM workflow")).containsExactly(adminUuid);
        // ids 1..n in the documented order, the sequence continues after them
        long datasets = backendTables.get("dataset").count();
        assertThat(string(backend, "SELECT count(*) FROM (SELECT id, row_number() OVER (ORDER BY "
                + MigrateBackendStep.DATASET_ORDER + ") AS n FROM dataset) x WHERE id <> n")).isEqualTo("0");
        assertThat(string(backend, "SELECT nextval('dataset_id_seq')")).isEqualTo(Long.toString(datasets + 1));
    }

    static Map<ServiceDatabase, Object> digestsOf(Map<ServiceDatabase, DataSource> dbs) throws Exception {
        Map<ServiceDatabase, Object> out = new java.util.EnumMap<>(ServiceDatabase.class);
        for (ServiceDatabase db : ALL) {
            out.put(db, List.of(fingerprint(dbs.get(db)), tableDigests(dbs.get(db))));
        }
        return out;
    }

    /** A server with the temporary servers' settings (no autovacuum) and nothing else on it, the SMALL databases loaded. */
    private record QuietServer(PostgresServer server, Map<ServiceDatabase, DataSource> dbs, DataSource admin,
                               InstallationModel model) implements AutoCloseable {

        static QuietServer start(Path root) throws Exception {
            Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            PostgresBinaries binaries = PostgresBinaries.resolve();
            PostgresCluster.create(root.resolve("pg"), ClusterSpec.of(QUIET_USER, QUIET_PASSWORD, QUIET_USER), binaries);
            PostgresServer.Builder builder = PostgresServer.on(root.resolve("pg")).binaries(binaries)
                    .listen(PostgresServer.Listen.TCP_LOOPBACK);
            for (Map.Entry<String, String> setting : ServerLauncher.settings(true, binaries.majorVersion()).entrySet()) {
                builder = builder.setting(setting.getKey(), setting.getValue());
            }
            PostgresServer server = builder.start();
            try {
                InstallationModel model = new InstallationModel(InstallationSpec.of(InstallationSize.SMALL));
                DataSource admin = server.dataSource(QUIET_USER, QUIET_USER, QUIET_PASSWORD);
                Map<ServiceDatabase, DataSource> dbs = new java.util.EnumMap<>(ServiceDatabase.class);
                for (ServiceDatabase db : ALL) {
                    String name = "quiet_" + db.name().toLowerCase(java.util.Locale.ROOT);
                    execute(admin, "CREATE DATABASE " + name);
                    dbs.put(db, server.dataSource(name, QUIET_USER, QUIET_PASSWORD));
                    try (java.sql.Connection c = dbs.get(db).getConnection()) {
                        InstallationGenerator.loadDatabase(model, kaapana(db), c);
                    }
                }
                return new QuietServer(server, dbs, admin, model);
            } catch (Exception | AssertionError e) {
                server.close();
                throw e;
            }
        }

        DataSource database(String name) {
            return server.dataSource(name, QUIET_USER, QUIET_PASSWORD);
        }

        @Override
        public void close() {
            server.close();
        }
    }

    private static final String QUIET_USER = "kaapanauser";
    private static final String QUIET_PASSWORD = "kaapanapassword";

    @Test
    void onAQuietServerAPlanAppliesWhatItsChecksReadThoughTheOtherDatabasesWereMigratedMeanwhile(@TempDir Path root)
            throws Exception {
        // The plan checks all three steps, then applies them one by one: the backend's check and apply come after the
        // access-information and dicom-web-filter migrations committed. Those are the run's own transactions in other
        // databases, so the backend's (and the dicom-web-filter's) reads still hold and are not taken again.
        try (QuietServer quiet = QuietServer.start(root)) {
            DataSource backend = quiet.dbs().get(ServiceDatabase.BACKEND);
            String memberships = string(backend, "SELECT count(*) FROM identifier2dataset");
            MigrationResult[] result = new MigrationResult[1];
            String log = StandardError.capturing(() -> result[0] = plan(quiet.dbs(), DatabaseMigrationOptions.defaults(),
                    null).run());

            assertThat(result[0].status()).as(result[0].toString()).isEqualTo(PlanStatus.SUCCEEDED);
            // Each apply takes the schema state and the step's reads from its database's check.
            for (String db : List.of("access-information", "dicom-web-filter", "backend")) {
                assertThat(log).contains("The " + db + " database's schema state is taken from the check for the apply",
                        "The " + db + " database's reads are taken from the check for the apply");
            }
            assertReleasedSchema(quiet.dbs(), "0.5.2");
            // The count the apply took from the check is the one its copy was held to: every membership is there.
            assertThat(string(backend, "SELECT count(*) FROM identifier2dataset")).isEqualTo(memberships);
        }
    }

    @Test
    void onAQuietServerVerifyTakesTheUntouchedTablesFromTheFenceUntilAWriteEndsIt(@TempDir Path root) throws Exception {
        // A server with the temporary servers' settings (no autovacuum) and nothing else on it: nothing completes a
        // transaction between the backend migration's commit and its verify, so the fence its apply took holds.
        try (QuietServer quiet = QuietServer.start(root)) {
            InstallationModel model = quiet.model();
            Map<ServiceDatabase, DataSource> dbs = quiet.dbs();
            DatabaseConnections connections = DatabaseConnections.of(dbs);
            MigrationContext ctx = undeployed(13);
            MigrateBackendStep backend = applyThroughBackend(connections, ctx);

            Verification held = backend.verify(ctx);

            assertThat(held.passed()).as(held.describeFailures()).isTrue();
            assertThat(held.facts()).extracting(Verification.Fact::name)
                    .anySatisfy(n -> assertThat(n).contains("the migration did not write").contains("job"));
            // The rebuilt membership table too: its digest after the copy is its digest now, not read again.
            assertThat(held.facts()).extracting(Verification.Fact::name)
                    .anySatisfy(n -> assertThat(n).contains("the migration rebuilt").contains("identifier2dataset"))
                    .contains("dataset memberships without a dataset (counted by this run's migration with the table's "
                            + "digest, nothing written since)");

            // The same step instance, after a write by another session: the fence no longer holds, job is read again.
            execute(dbs.get(ServiceDatabase.BACKEND),
                    "UPDATE job SET status = 'changed behind the migration' WHERE id = (SELECT min(id) FROM job)");

            Verification caught = backend.verify(ctx);

            assertThat(caught.passed()).isFalse();
            assertThat(caught.failures()).extracting(Verification.Fact::name)
                    .containsExactly("rows and digest of backend.job");
            assertThat(caught.facts()).extracting(Verification.Fact::name)
                    .noneSatisfy(n -> assertThat(n).contains("did not write"));
            // Without the fence, the memberships without a dataset are counted again: one set to NULL is found.
            execute(dbs.get(ServiceDatabase.BACKEND), "UPDATE identifier2dataset SET dataset = NULL "
                    + "WHERE ctid = (SELECT min(ctid) FROM identifier2dataset)");
            assertThat(backend.verify(ctx).failures()).extracting(Verification.Fact::name)
                    .contains("dataset memberships without a dataset", "rows and digest of backend.identifier2dataset");

            // A step's checks in one run: the second is the first handed out again while nothing was written on the
            // server; after a write anywhere on it (here another database) the database is read again.
            MigrateDicomWebFilterStep dwf = new MigrateDicomWebFilterStep(connections, DatabaseMigrationOptions.defaults());
            StepCheck first = dwf.check(ctx);
            assertThat(first).isInstanceOf(StepCheck.Pending.class);
            String handedOut = "The dicom-web-filter database's check reads are handed out again";
            assertThat(StandardError.capturing(() -> assertThat(dwf.check(ctx)).isEqualTo(first)))
                    .as("nothing written since").contains(handedOut);
            execute(dbs.get(ServiceDatabase.ACCESS_INFORMATION), "CREATE TABLE written_between_checks (i integer)");
            assertThat(StandardError.capturing(() -> assertThat(dwf.check(ctx)).isEqualTo(first)))
                    .as("after a write").doesNotContain(handedOut);
            assertThat(StandardError.capturing(() -> dwf.check(ctx))).as("nothing written since the last")
                    .contains(handedOut);
            // A schema change after the check ends the fence: the apply judges the schema again, refuses the drift and
            // changes nothing; once the drift is gone, it migrates.
            DataSource dwfDb = dbs.get(ServiceDatabase.DICOM_WEB_FILTER);
            List<String> schemaBefore = fingerprint(dwfDb);
            execute(dwfDb, "ALTER TABLE dicom_data ADD COLUMN drift integer");
            var drifted = List.of(fingerprint(dwfDb), tableDigests(dwfDb));
            String apply = StandardError.capturing(() -> org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> dwf.apply(ctx)).isInstanceOf(dev.kaapanamigrate.core.PreconditionFailedException.class)
                    .hasMessageContaining("unexpected column dicom_data").hasMessageContaining("drift"));
            assertThat(apply).doesNotContain("schema state is taken from the check");
            assertThat(List.of(fingerprint(dwfDb), tableDigests(dwfDb))).as("nothing changed").isEqualTo(drifted);
            execute(dwfDb, "ALTER TABLE dicom_data DROP COLUMN drift");
            assertThat(fingerprint(dwfDb)).isEqualTo(schemaBefore);
            // The same between the apply's first look and its locks: the apply takes the check's state (the fence held)
            // and waits for a table another session holds; that session creates a table and commits. Under its locks the
            // apply finds the fence ended, judges the schema again and refuses the drift.
            assertThat(StandardError.capturing(() -> dwf.check(ctx))).doesNotContain(handedOut); // kept again
            String raced;
            try (java.sql.Connection holder = dwfDb.getConnection(); java.sql.Statement st = holder.createStatement()) {
                holder.setAutoCommit(false);
                st.execute("LOCK TABLE dicom_data IN ACCESS SHARE MODE");
                java.util.concurrent.CompletableFuture<Throwable> applying = new java.util.concurrent.CompletableFuture<>();
                raced = StandardError.capturing(() -> {
                    Thread t = new Thread(() -> {
                        try {
                            dwf.apply(ctx);
                            applying.complete(null);
                        } catch (Throwable e) {
                            applying.complete(e);
                        }
                    });
                    t.start();
                    long deadline = System.nanoTime() + 30_000_000_000L;
                    while (!applying.isDone() && !"1".equals(string(dwfDb, "SELECT count(*) FROM pg_locks WHERE NOT "
                            + "granted AND relation = 'dicom_data'::regclass"))) {
                        assertThat(System.nanoTime()).as("the apply waits for dicom_data").isLessThan(deadline);
                        Thread.sleep(20);
                    }
                    st.execute("CREATE TABLE drift_between (i integer)");
                    holder.commit();
                    assertThat(applying.get(30, java.util.concurrent.TimeUnit.SECONDS))
                            .isInstanceOf(dev.kaapanamigrate.core.PreconditionFailedException.class)
                            .hasMessageContaining("drift_between");
                    t.join(30_000);
                    return null;
                });
            }
            assertThat(raced).as("the first look took the check's state, the second found the fence ended").contains(
                    "The dicom-web-filter database's schema state is taken from the check", "A transaction completed on the "
                            + "server before the dicom-web-filter database's tables were locked: its schema is read and "
                            + "judged again under the locks");
            execute(dwfDb, "DROP TABLE drift_between");
            assertThat(fingerprint(dwfDb)).isEqualTo(schemaBefore);
            // Its apply leaves a fence too: verify takes dicom_data (not written) and data_projects (rebuilt, digested
            // and counted after its last statement) from it; after another session's write it reads them again.
            dwf.apply(ctx);
            Verification dwfHeld = dwf.verify(ctx);
            assertThat(dwfHeld.passed()).as(dwfHeld.describeFailures()).isTrue();
            assertThat(dwfHeld.facts()).extracting(Verification.Fact::name)
                    .anySatisfy(n -> assertThat(n).contains("the migration did not write").contains("dicom_data"))
                    .anySatisfy(n -> assertThat(n).contains("the migration rebuilt").contains("data_projects"))
                    .contains("data_projects rows whose project is not in the project list (counted by this run's "
                            + "migration with the table's digest, nothing written since)");
            execute(dbs.get(ServiceDatabase.DICOM_WEB_FILTER), "UPDATE data_projects SET series_instance_uid = NULL "
                    + "WHERE id = (SELECT min(id) FROM data_projects)");
            assertThat(dwf.verify(ctx).failures()).extracting(Verification.Fact::name)
                    .containsExactly("rows and digest of dicom-web-filter.data_projects");

            // The access-information check, handed out again, puts again what it put: a dry-run (or a look-ahead) of
            // the same run gets the provisional project list of a database still to migrate, a run's own context none.
            execute(quiet.admin(), "CREATE DATABASE quiet_aii_to_migrate");
            DataSource toMigrate = quiet.database("quiet_aii_to_migrate");
            try (java.sql.Connection c = toMigrate.getConnection()) {
                InstallationGenerator.loadDatabase(model, kaapana(ServiceDatabase.ACCESS_INFORMATION), c);
            }
            MigrateAccessInformationStep aii = new MigrateAccessInformationStep(DatabaseConnections.of(
                    Map.of(ServiceDatabase.ACCESS_INFORMATION, toMigrate)), DatabaseMigrationOptions.defaults());
            MigrationContext dryRun = MigrationContext.standalone(Clock.systemUTC(), IdSource.seeded(21),
                    PlatformState.UNDEPLOYED, true);
            StepCheck aiiFirst = aii.check(dryRun);
            assertThat(aiiFirst).isInstanceOf(StepCheck.Pending.class);
            ProjectList provisional = dryRun.get(ProjectList.KEY).orElseThrow();
            MigrationContext sameRunDry = MigrationContext.standalone(Clock.systemUTC(), IdSource.seeded(21),
                    PlatformState.UNDEPLOYED, true); // the same run id: the seeded source's first id
            assertThat(aii.check(sameRunDry)).isSameAs(aiiFirst);
            assertThat(sameRunDry.get(ProjectList.KEY)).contains(provisional);
            MigrationContext sameRun = MigrationContext.standalone(Clock.systemUTC(), IdSource.seeded(21),
                    PlatformState.UNDEPLOYED, false);
            assertThat(aii.check(sameRun)).isSameAs(aiiFirst);
            assertThat(sameRun.get(ProjectList.KEY)).isEmpty();

            // What the fence refuses at the end of a transaction that wrote no row of the table (each rolled back):
            // a column change without a row write, or counters that prove nothing (track_counts off).
            org.jdbi.v3.core.Jdbi jdbi = org.jdbi.v3.core.Jdbi.create(dbs.get(ServiceDatabase.BACKEND));
            UUID run = UUID.randomUUID();
            for (String statement : List.of("ALTER TABLE job ADD COLUMN extra integer DEFAULT 1",
                    "ALTER TABLE job DROP COLUMN description", "SET LOCAL track_counts = off",
                    "CREATE TEMPORARY TABLE scratch (i integer)")) {
                java.util.Optional<QuietFence> fence = jdbi.withHandle(h -> {
                    h.begin();
                    try {
                        Map<String, String> states = QuietFence.tableStates(h, List.of("job"));
                        h.execute(statement);
                        return QuietFence.take(h, run, states);
                    } finally {
                        h.rollback();
                    }
                });
                // The last one writes no user table and changes no column of job: the control, the fence is taken.
                assertThat(fence.isPresent()).as(statement).isEqualTo(statement.startsWith("CREATE TEMPORARY"));
            }
            // A table the transaction rebuilt is vouched for only while nothing wrote it after its digest: neither a
            // row (a TRUNCATE resets the counters) nor a column. (A TRUNCATE of a table created in the same
            // transaction keeps its file node; followed by as many inserted rows as before, the counters would not
            // tell, which is why the step digests after its last statement on the table.)
            for (String statement : List.of("ANALYZE rebuilt", "UPDATE rebuilt SET i = i WHERE i = 1",
                    "INSERT INTO rebuilt VALUES (11)", "DELETE FROM rebuilt WHERE i = 1", "TRUNCATE rebuilt",
                    "ALTER TABLE rebuilt ADD COLUMN extra integer DEFAULT 1")) {
                java.util.Optional<QuietFence> fence = jdbi.withHandle(h -> {
                    h.begin();
                    try {
                        h.execute("CREATE TABLE rebuilt (i integer)");
                        h.execute("INSERT INTO rebuilt SELECT generate_series(1, 10)");
                        QuietFence.Rebuilt digested = QuietFence.Rebuilt.now(h, "rebuilt");
                        h.createScript(statement).execute();
                        return QuietFence.take(h, run, Map.of(), Map.of("rebuilt", digested));
                    } finally {
                        h.rollback();
                    }
                });
                assertThat(fence.isPresent()).as(statement).isEqualTo(statement.startsWith("ANALYZE"));
                fence.ifPresent(f -> assertThat(f.rebuilt()).containsExactly("rebuilt"));
            }

            // The read fence a check takes before it counts: it holds through read-only transactions and ends with the
            // first transaction that completes after it, on any database of the server.
            // A transaction that holds an id and is still open: its id is not below the horizon, so the fence is taken,
            // and its end (a rollback too) moves the horizon, so the fence no longer holds.
            try (org.jdbi.v3.core.Handle open = jdbi.open()) {
                open.begin();
                open.execute("CREATE TEMPORARY TABLE pending (i integer)");
                ReadFence beside = jdbi.withHandle(h -> ReadFence.take(h, run)).orElseThrow();
                open.rollback();
                assertThat(jdbi.<Boolean, RuntimeException>withHandle(h -> beside.holds(h, run)))
                        .as("after the open transaction ended").isFalse();
                // Below the horizon (a later one completed meanwhile) the open transaction is listed: no fence.
                open.begin();
                open.execute("CREATE TEMPORARY TABLE pending (i integer)");
                execute(dbs.get(ServiceDatabase.DICOM_WEB_FILTER), "CREATE TABLE completed_meanwhile (i integer)");
                assertThat(jdbi.<java.util.Optional<ReadFence>, RuntimeException>withHandle(h -> ReadFence.take(h, run)))
                        .as("with an older transaction open").isEmpty();
                open.rollback();
            }
            ReadFence read = jdbi.withHandle(h -> ReadFence.take(h, run)).orElseThrow();
            jdbi.useHandle(h -> h.inTransaction(t -> t.createQuery("SELECT count(*) FROM job").mapTo(long.class).one()));
            assertThat(jdbi.<Boolean, RuntimeException>withHandle(h -> read.holds(h, run)))
                    .as("after a read-only transaction").isTrue();
            assertThat(jdbi.<Boolean, RuntimeException>withHandle(h -> read.holds(h, UUID.randomUUID()))).as("in another run").isFalse();
            execute(dbs.get(ServiceDatabase.DICOM_WEB_FILTER), "CREATE TABLE written_elsewhere (i integer)");
            assertThat(jdbi.<Boolean, RuntimeException>withHandle(h -> read.holds(h, run))).as("after a write in another database").isFalse();

            // The reference rewrite: its check counts once, its apply takes those counts (the fence holds here) and
            // digests what the rebuild must copy unchanged, dag_id as the history rewrite leaves it.
            BackendReferencesStep references = new BackendReferencesStep(connections,
                    BackendReferencesOptions.defaults().withHistory(true));
            assertThat(references.check(ctx)).isInstanceOf(StepCheck.Pending.class);
            assertThat(StandardError.capturing(() -> references.apply(ctx))).contains("The references are taken from the check for the apply");
            Verification rewritten = references.verify(ctx);
            assertThat(rewritten.passed()).as(rewritten.describeFailures()).isTrue();
            // Verify took the counts the rewrite read after its last write (nothing completed since its commit), and
            // they are what a verification that reads the database finds.
            String fromApply = "the counts below: taken from this run's rewrite, read after its last write";
            assertThat(rewritten.facts()).extracting(Verification.Fact::name).contains(fromApply);
            Verification reread = new BackendReferencesStep(connections, BackendReferencesOptions.defaults()
                    .withHistory(true)).verify(ctx);
            assertThat(reread.facts()).extracting(Verification.Fact::name).doesNotContain(fromApply);
            assertThat(rewritten.facts()).filteredOn(f -> !f.name().equals(fromApply))
                    .containsExactlyElementsOf(reread.facts());

            // An apply with nothing left to rewrite (no rebuild) still leaves its scan, the same as a fresh read's.
            references.apply(ctx);
            Verification again = references.verify(ctx);
            assertThat(again.facts()).extracting(Verification.Fact::name).contains(fromApply);
            assertThat(again.facts()).filteredOn(f -> !f.name().equals(fromApply))
                    .containsExactlyElementsOf(reread.facts());

            // A write after the rewrite's commit ends its fence: verify reads again and finds the job put back.
            references.apply(ctx);
            execute(dbs.get(ServiceDatabase.BACKEND), "UPDATE job SET conf_data = jsonb_set(conf_data, "
                    + "'{project_form,id}', to_jsonb(1)) WHERE id = (SELECT min(id) FROM job)");
            Verification putBack = references.verify(ctx);
            assertThat(putBack.failures()).extracting(Verification.Fact::name)
                    .contains("jobs whose project_form.id is still the integer id of a listed project");
            assertThat(putBack.facts()).extracting(Verification.Fact::name).doesNotContain(fromApply);
            // The fence a writing transaction's commit leaves: taken beside nothing else; it holds until the next
            // transaction completes; refused while an older transaction with an id is open (its end after this commit
            // would not move the horizon).
            ReadFence committed = jdbi.inTransaction(h -> {
                h.execute("CREATE TABLE written_here (i integer)");
                return ReadFence.atCommit(h, run);
            }).orElseThrow();
            assertThat(jdbi.<Boolean, RuntimeException>withHandle(h -> committed.holds(h, run))).as("after its commit")
                    .isTrue();
            execute(dbs.get(ServiceDatabase.DICOM_WEB_FILTER), "CREATE TABLE written_later (i integer)");
            assertThat(jdbi.<Boolean, RuntimeException>withHandle(h -> committed.holds(h, run)))
                    .as("after a later write").isFalse();
            try (org.jdbi.v3.core.Handle older = jdbi.open()) {
                older.begin();
                older.execute("CREATE TEMPORARY TABLE older (i integer)");
                assertThat(jdbi.<java.util.Optional<ReadFence>, RuntimeException>inTransaction(h -> {
                    h.execute("CREATE TABLE written_beside (i integer)");
                    return ReadFence.atCommit(h, run);
                })).as("with an older transaction open").isEmpty();
                older.rollback();
            }
            assertThat(string(dbs.get(ServiceDatabase.BACKEND), "SELECT count(*) FROM job WHERE dag_id IN ("
                    + InstallationModel.RENAMED_DAGS.stream().map(d -> "'" + d + "'").collect(
                            java.util.stream.Collectors.joining(", ")) + ")")).as("renamed by the history rewrite")
                    .isEqualTo("0");
        }
    }

    @Test
    void aWriteBetweenApplyAndVerifyIsFoundBecauseVerifyReadsTheTablesAgain() throws Exception {
        Map<ServiceDatabase, DataSource> dbs = freshCopy();
        DatabaseConnections connections = DatabaseConnections.of(dbs);
        MigrationContext ctx = undeployed(11);
        MigrateBackendStep backend = applyThroughBackend(connections, ctx);
        // Another session changes a job the migration did not touch, after its commit: the fence its apply took no
        // longer holds (a transaction completed since), so verify digests the job table again and finds the change.
        DataSource db = dbs.get(ServiceDatabase.BACKEND);
        execute(db, "UPDATE job SET status = 'changed behind the migration' WHERE id = (SELECT min(id) FROM job)");
        // and a membership the migration rebuilt, whose digest it took after the copy
        execute(db, "UPDATE identifier2dataset SET dataset = (SELECT max(id) FROM dataset) WHERE identifier = "
                + "(SELECT min(identifier) FROM identifier2dataset) AND dataset <> (SELECT max(id) FROM dataset)");

        Verification v = backend.verify(ctx);

        assertThat(v.passed()).isFalse();
        assertThat(v.failures()).extracting(Verification.Fact::name).containsExactly(
                "rows and digest of backend.identifier2dataset", "rows and digest of backend.job");
        assertThat(v.facts()).extracting(Verification.Fact::name).noneSatisfy(n -> assertThat(n).contains("did not write"));
        assertThat(v.facts()).extracting(Verification.Fact::name).noneSatisfy(n -> assertThat(n).contains("rebuilt"));
        // A verify by another instance (as in a new process, or a verify-only run) never has the fence: it reads again.
        Verification fresh = new MigrateBackendStep(connections).verify(ctx);
        assertThat(fresh.failures()).extracting(Verification.Fact::name).containsExactly(
                "rows and digest of backend.identifier2dataset", "rows and digest of backend.job");
    }

    @Test
    void theJobTableIsComparedByItsRowVersionsWhichMaintenanceKeepsAndAnyWriteChanges() throws Exception {
        Map<ServiceDatabase, DataSource> dbs = freshCopy();
        DatabaseConnections connections = DatabaseConnections.of(dbs);
        MigrationContext ctx = undeployed(12);
        applyThroughBackend(connections, ctx);
        DataSource db = dbs.get(ServiceDatabase.BACKEND);
        // What autovacuum does between apply and verify moves no row version (a fresh instance reads job again).
        String frozenBefore = string(db, "SELECT relfrozenxid::text FROM pg_class WHERE relname = 'job'");
        execute(db, "VACUUM (FREEZE, ANALYZE) job");
        assertThat(string(db, "SELECT relfrozenxid::text FROM pg_class WHERE relname = 'job'")).as("frozen")
                .isNotEqualTo(frozenBefore);

        Verification maintained = new MigrateBackendStep(connections).verify(ctx);

        assertThat(maintained.passed()).as(maintained.describeFailures()).isTrue();
        // A write of the same values is a write: another session was at work while the migration ran.
        execute(db, "UPDATE job SET status = status WHERE id = (SELECT max(id) FROM job)");

        Verification rewritten = new MigrateBackendStep(connections).verify(ctx);

        assertThat(rewritten.failures()).extracting(Verification.Fact::name)
                .containsExactly("rows and digest of backend.job");
        // xmin is hashed as an xid: the digest a baseline took by way of xmin::text::bigint, also for ids of 2^31 and
        // above, so that a journaled baseline still compares.
        org.jdbi.v3.core.Jdbi jdbi = org.jdbi.v3.core.Jdbi.create(db);
        TableDigests asXid = jdbi.withHandle(h -> TableDigests.compute(h, Map.of("job", TableDigests.rowVersions("job")),
                t -> { }));
        TableDigests asBigint = jdbi.withHandle(h -> TableDigests.compute(h, Map.of("job",
                "SELECT ctid, xmin::text::bigint AS xmin FROM job"), t -> { }));
        assertThat(asXid).isEqualTo(asBigint);
        assertThat(string(db, "SELECT bool_and(hash_record_extended(ROW(x::text::xid), 0) "
                + "= hash_record_extended(ROW(x), 0)) FROM unnest(ARRAY[3, 2147483647, 2147483648, 4294967295]::bigint[]) x"))
                .isEqualTo("t");
    }

    private static MigrationContext undeployed(long seed) {
        return MigrationContext.standalone(Clock.systemUTC(), IdSource.seeded(seed), PlatformState.UNDEPLOYED, false);
    }

    /** Migrates access information (the project list) and the backend; returns the backend step, which keeps its fence. */
    private static MigrateBackendStep applyThroughBackend(DatabaseConnections connections, MigrationContext ctx) {
        new MigrateAccessInformationStep(connections, DatabaseMigrationOptions.defaults()).apply(ctx);
        MigrateBackendStep backend = new MigrateBackendStep(connections);
        backend.apply(ctx);
        return backend;
    }

    @Test
    void aDryRunChangesNothingAndSaysWhatItWouldDo() throws Exception {
        Map<ServiceDatabase, DataSource> dbs = freshCopy();
        var before = digestsOf(dbs);

        PlanPreview preview = plan(dbs, DatabaseMigrationOptions.defaults(), null).check();

        assertThat(digestsOf(dbs)).isEqualTo(before);
        assertThat(preview.steps().get(0).check()).isInstanceOf(StepCheck.Pending.class);
        assertThat(preview.steps().get(0).check().changes()).extracting(Change::describe)
                .anySatisfy(d -> assertThat(d).contains("projects.id").contains("(" + manifest.projects().size() + ")"));
        // the other two are previewed with the provisional project UUIDs of the first one's dry-run check
        assertThat(preview.steps().get(1).check()).isInstanceOf(StepCheck.Pending.class);
        assertThat(preview.steps().get(1).check().changes()).extracting(Change::describe)
                .anySatisfy(d -> assertThat(d).contains("data_projects.project_id"));
        assertThat(preview.steps().get(2).check()).isInstanceOf(StepCheck.Pending.class);
        assertThat(preview.steps().get(2).check().changes()).extracting(Change::describe)
                .anySatisfy(d -> assertThat(d).contains("dataset.id").contains("(" + manifest.datasets().size() + ")"));
    }

    @Test
    void anAdminProjectOtherThanId1IsBlockedUntilNamedExplicitly() throws Exception {
        Map<ServiceDatabase, DataSource> dbs = freshCopy();
        DataSource aii = dbs.get(ServiceDatabase.ACCESS_INFORMATION);
        String secondName = string(aii, "SELECT name FROM projects WHERE id = 2");
        execute(aii, "UPDATE projects SET name = 'admin-legacy' WHERE id = 1",
                "UPDATE projects SET name = 'admin' WHERE id = 2");
        var before = digestsOf(dbs);

        MigrationResult blocked = plan(dbs, DatabaseMigrationOptions.defaults(), null).run();

        assertThat(blocked.status()).isEqualTo(PlanStatus.BLOCKED);
        assertThat(step(blocked, MigrateAccessInformationStep.ID).message())
                .contains("project id 1 is named 'admin-legacy'", "the project named 'admin' has id 2", "withAdminProjectName");
        assertThat(digestsOf(dbs)).isEqualTo(before);

        List<MigrationEvent.StepProgress> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        MigrationResult done = plan(dbs, DatabaseMigrationOptions.defaults().withAdminProjectName("admin"), null).toBuilder()
                .listener(new MigrationListener() {
                    @Override
                    public void stepProgress(MigrationEvent.StepProgress event) {
                        progress.add(event);
                    }
                }).build().run();

        assertThat(done.status()).as(done.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(step(done, MigrateAccessInformationStep.ID).changes()).extracting(Change::describe)
                .anySatisfy(d -> assertThat(d).contains("project 'admin' (old id 2; named by the option adminProjectName)"));
        String admin = string(aii, "SELECT id FROM projects WHERE int_id = 2");
        assertThat(string(aii, "SELECT string_agg(project_id::text, ',') FROM admin_project")).isEqualTo(admin);
        assertThat(strings(dbs.get(ServiceDatabase.BACKEND), "SELECT DISTINCT project_id::text FROM dataset UNION "
                + "SELECT DISTINCT project_id::text FROM workflow")).containsExactly(admin);
        assertThat(secondName).isNotEqualTo("admin");
        for (String id : List.of(MigrateAccessInformationStep.ID, MigrateDicomWebFilterStep.ID, MigrateBackendStep.ID)) {
            assertThat(progress).filteredOn(e -> e.stepId().equals(id)).extracting(MigrationEvent.StepProgress::unit)
                    .contains("tables in the baseline", "tables migrated");
        }
        // Per table, in order, each naming its table.
        assertThat(progress).filteredOn(e -> e.stepId().equals(MigrateBackendStep.ID) && e.unit().equals("tables migrated"))
                .extracting(e -> e.done() + "/" + e.total() + " " + e.item())
                .containsExactly("1/4 workflow", "2/4 dataset", "3/4 identifier2dataset", "4/4 alembic_version");
        assertThat(progress).filteredOn(e -> e.stepId().equals(MigrateDicomWebFilterStep.ID)
                        && e.unit().equals("tables in the baseline")).extracting(MigrationEvent.StepProgress::item)
                .containsExactly("dicom_data"); // data_projects is digested after its rebuild
    }

    /** Series mapped to unknown projects 99 and 77: one collides with its admin mapping, two map a new series. */
    static Map<ServiceDatabase, DataSource> copyWithUnknownProjects() throws Exception {
        Map<ServiceDatabase, DataSource> dbs = freshCopy();
        execute(dbs.get(ServiceDatabase.DICOM_WEB_FILTER),
                "INSERT INTO dicom_data VALUES ('1.2.3.new', '1.2.3', 'Dicom data')",
                "INSERT INTO data_projects (series_instance_uid, project_id) SELECT series_instance_uid, 99 FROM data_projects "
                        + "WHERE project_id = 1 ORDER BY id LIMIT 1",
                "INSERT INTO data_projects (series_instance_uid, project_id) VALUES ('1.2.3.new', 99), ('1.2.3.new', 77)");
        return dbs;
    }

    @Test
    void mappingsToUnknownProjectsAreBlockedByDefaultBeforeAnyDatabaseChanges() throws Exception {
        Map<ServiceDatabase, DataSource> dbs = copyWithUnknownProjects();
        var before = digestsOf(dbs);

        MigrationResult result = plan(dbs, DatabaseMigrationOptions.defaults(), null).run();

        assertThat(result.status()).isEqualTo(PlanStatus.BLOCKED);
        // The look-ahead checked dicom-web-filter with provisional project ids before access-information committed.
        assertThat(step(result, MigrateAccessInformationStep.ID).status()).isEqualTo(StepStatus.NOT_RUN);
        assertThat(step(result, MigrateDicomWebFilterStep.ID).message())
                .contains("3 data_projects row(s)", "project id 77: 1 row(s), project id 99: 2 row(s)", "REMAP_TO_ADMIN",
                        "every mapping's project in the access-information database");
        assertThat(step(result, MigrateDicomWebFilterStep.ID).problem().code())
                .isEqualTo(dev.kaapanamigrate.core.CoreErrorCode.PRECONDITION_FAILED);
        assertThat(digestsOf(dbs)).as("no database changed").isEqualTo(before);
        ReliabilityCounts.proved(DatabaseMigrationIT.class,
                "bad input: series mapped to unknown projects blocked, coded, every database's digest unchanged");
    }

    @Test
    void aMembershipNamingNoDatasetIsBlockedBeforeAnyDatabaseChanges() throws Exception {
        Map<ServiceDatabase, DataSource> dbs = freshCopy();
        // The 0.4 foreign key keeps such a row out, unless its trigger was off (a restore as replica, for example).
        execute(dbs.get(ServiceDatabase.BACKEND), "SET session_replication_role = replica; "
                + "INSERT INTO identifier2dataset (identifier, dataset) SELECT min(identifier), 'no such dataset' "
                + "FROM identifier2dataset; RESET session_replication_role");
        var before = digestsOf(dbs);

        MigrationResult result = plan(dbs, DatabaseMigrationOptions.defaults(), null).run();

        assertThat(result.status()).isEqualTo(PlanStatus.BLOCKED);
        assertThat(step(result, MigrateAccessInformationStep.ID).status()).isEqualTo(StepStatus.NOT_RUN);
        assertThat(step(result, MigrateBackendStep.ID).message())
                .contains("1 identifier2dataset row(s) name no existing dataset", "delete the orphan rows");
        assertThat(digestsOf(dbs)).as("no database changed").isEqualTo(before);
        ReliabilityCounts.proved(DatabaseMigrationIT.class,
                "bad input: a dataset membership naming no dataset blocked, every database's digest unchanged");
    }

    @Test
    void mappingsToUnknownProjectsAreDroppedRowByRowOnRequest() throws Exception {
        Map<ServiceDatabase, DataSource> dbs = copyWithUnknownProjects();
        MigrationResult result = plan(dbs, DatabaseMigrationOptions.defaults()
                .withUnknownProjectMappings(DatabaseMigrationOptions.UnknownProjectMappings.DROP), null).run();

        assertThat(result.status()).as(result.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        List<Change> dropped = step(result, MigrateDicomWebFilterStep.ID).changes().stream()
                .filter(c -> c.kind() == Change.Kind.DELETE).toList();
        assertThat(dropped).hasSize(3).allSatisfy(c -> assertThat(c.target()).contains("data_projects id"));
        assertThat(dropped).extracting(Change::before).anySatisfy(b -> assertThat(b).contains("unknown project id 77"));
        DataSource dwf = dbs.get(ServiceDatabase.DICOM_WEB_FILTER);
        assertThat(string(dwf, "SELECT count(*) FROM data_projects")).isEqualTo(
                Long.toString(manifestTables(ServiceDatabase.DICOM_WEB_FILTER).get("data_projects").count()));
        assertThat(string(dwf, "SELECT count(*) FROM data_projects WHERE old_project_id IN (77, 99)")).isEqualTo("0");
    }

    @Test
    void mappingsToUnknownProjectsAreRemappedToAdminWithoutDuplicates() throws Exception {
        Map<ServiceDatabase, DataSource> dbs = copyWithUnknownProjects();
        MigrationResult result = plan(dbs, DatabaseMigrationOptions.defaults()
                .withUnknownProjectMappings(DatabaseMigrationOptions.UnknownProjectMappings.REMAP_TO_ADMIN), null).run();

        assertThat(result.status()).as(result.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        List<Change> changes = step(result, MigrateDicomWebFilterStep.ID).changes();
        assertThat(changes.stream().filter(c -> c.target().contains("data_projects id"))).extracting(Change::kind)
                .containsExactly(Change.Kind.DELETE, Change.Kind.UPDATE, Change.Kind.DELETE);
        DataSource dwf = dbs.get(ServiceDatabase.DICOM_WEB_FILTER);
        String admin = string(dbs.get(ServiceDatabase.ACCESS_INFORMATION), "SELECT project_id FROM admin_project");
        assertThat(strings(dwf, "SELECT project_id::text FROM data_projects WHERE series_instance_uid = '1.2.3.new'"))
                .containsExactly(admin);
        assertThat(string(dwf, "SELECT count(*) FROM data_projects")).isEqualTo(
                Long.toString(manifestTables(ServiceDatabase.DICOM_WEB_FILTER).get("data_projects").count() + 1));
    }

    @Test
    void aCrashInsideEachStepLeavesItsDatabaseAt04AndARerunCompletes(@TempDir Path state) throws Exception {
        Map<ServiceDatabase, DataSource> dbs = freshCopy();
        var before = digestsOf(dbs);
        for (ServiceDatabase db : ALL) {
            // fails the last statement of the step's transaction: re-creating alembic_version
            execute(dbs.get(db), "CREATE FUNCTION fail_late() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands() WHERE object_identity = 'public.alembic_version') "
                    + "THEN RAISE EXCEPTION 'injected failure'; END IF; END $$",
                    "CREATE EVENT TRIGGER fail_late ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION fail_late()");
        }
        for (ServiceDatabase failing : ALL) {
            MigrationResult crashed = plan(dbs, DatabaseMigrationOptions.defaults(), state).run();

            assertThat(crashed.status()).isEqualTo(PlanStatus.FAILED);
            StepResult failed = crashed.steps().stream().filter(r -> r.status() == StepStatus.FAILED).findFirst().orElseThrow();
            assertThat(failed.message()).contains("injected failure", "rolled back");
            assertThat(List.of(fingerprint(dbs.get(failing)), tableDigests(dbs.get(failing)))).as(failing + " untouched")
                    .isEqualTo(before.get(failing));
            execute(dbs.get(failing), "DROP EVENT TRIGGER fail_late", "DROP FUNCTION fail_late()");
        }
        MigrationResult done = plan(dbs, DatabaseMigrationOptions.defaults(), state).run();

        assertThat(done.status()).as(done.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(step(done, MigrateAccessInformationStep.ID).status()).isEqualTo(StepStatus.VERIFIED_EARLIER);
        assertThat(step(done, MigrateBackendStep.ID).status()).isEqualTo(StepStatus.APPLIED);
        for (ServiceDatabase db : ALL) {
            assertThat(fingerprint(dbs.get(db))).as(db + " schema").containsExactlyElementsOf(fingerprint(sources.reference052(db)));
        }
        assertEveryRowKept(dbs);
    }

    @Test
    void aRunWithoutJournalTakesTheProjectsFromAnAccessInformationDatabaseAlreadyAtHead() throws Exception {
        Map<ServiceDatabase, DataSource> dbs = freshCopy();
        MigrationResult first = MigrationPlan.builder()
                .step(new MigrateAccessInformationStep(DatabaseConnections.of(dbs), DatabaseMigrationOptions.defaults()))
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED)).inMemoryState().build().run();
        assertThat(first.status()).as(first.toString()).isEqualTo(PlanStatus.SUCCEEDED);

        MigrationResult rest = plan(dbs, DatabaseMigrationOptions.defaults(), null).run();

        assertThat(rest.status()).as(rest.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(step(rest, MigrateAccessInformationStep.ID).status()).isEqualTo(StepStatus.UP_TO_DATE);
        assertThat(step(rest, MigrateDicomWebFilterStep.ID).status()).isEqualTo(StepStatus.APPLIED);
        assertThat(step(rest, MigrateBackendStep.ID).status()).isEqualTo(StepStatus.APPLIED);
        assertEveryRowKept(dbs);
    }

    @Test
    void databasesUpstreamLeftHalfMigratedAreCompleted() throws Exception {
        Map<ServiceDatabase, DataSource> dbs = freshCopy();
        String alembic = "CREATE TABLE alembic_version (version_num varchar(32) NOT NULL, "
                + "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))";
        execute(dbs.get(ServiceDatabase.ACCESS_INFORMATION), alembic,
                "INSERT INTO alembic_version VALUES ('" + MigrateAccessInformationStep.INITIAL_REVISION + "')");
        execute(dbs.get(ServiceDatabase.DICOM_WEB_FILTER), alembic,
                "INSERT INTO alembic_version VALUES ('" + MigrateDicomWebFilterStep.INITIAL_REVISION + "')");
        execute(dbs.get(ServiceDatabase.BACKEND),
                "UPDATE alembic_version SET version_num = '" + MigrateBackendStep.INITIAL_REVISION + "'");

        PlanPreview preview = plan(dbs, DatabaseMigrationOptions.defaults(), null).check();
        assertThat(preview.steps().get(0).check().changes().get(0).before()).contains("initial revision 100ab450e292");
        MigrationResult result = plan(dbs, DatabaseMigrationOptions.defaults(), null).run();

        assertThat(result.status()).as(result.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        for (ServiceDatabase db : ALL) {
            assertThat(fingerprint(dbs.get(db))).as(db + " schema").containsExactlyElementsOf(fingerprint(sources.reference052(db)));
        }
        assertEveryRowKept(dbs);
    }

    @Test
    void schemaDriftAndUnknownRevisionsAreRefusedWithNothingChanged() throws Exception {
        Map<ServiceDatabase, DataSource> dbs = freshCopy();
        DataSource backend = dbs.get(ServiceDatabase.BACKEND);
        execute(backend, "ALTER TABLE dataset ADD COLUMN description varchar", "ALTER TABLE job DROP COLUMN service_job");
        var backendBefore = List.of(fingerprint(backend), tableDigests(backend));

        MigrationResult result = plan(dbs, DatabaseMigrationOptions.defaults(), null).run();

        assertThat(result.status()).isEqualTo(PlanStatus.BLOCKED);
        assertThat(step(result, MigrateBackendStep.ID).status()).isEqualTo(StepStatus.BLOCKED);
        assertThat(step(result, MigrateBackendStep.ID).message()).contains("differ from 0.4.2",
                "unexpected column dataset #6 description character varying",
                "missing column job #13 service_job boolean", "schema drift", "the 0.4.2 schema");
        assertThat(step(result, MigrateBackendStep.ID).problem().code())
                .isEqualTo(dev.kaapanamigrate.core.CoreErrorCode.PRECONDITION_FAILED);
        assertThat(List.of(fingerprint(backend), tableDigests(backend))).isEqualTo(backendBefore);

        Map<ServiceDatabase, DataSource> other = freshCopy();
        DataSource aii = other.get(ServiceDatabase.ACCESS_INFORMATION);
        execute(aii, "CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY)",
                "INSERT INTO alembic_version VALUES ('0123456789ab')");
        var aiiBefore = List.of(fingerprint(aii), tableDigests(aii));
        StepCheck check = new MigrateAccessInformationStep(DatabaseConnections.of(other), DatabaseMigrationOptions.defaults())
                .check(MigrationContext.standalone());
        assertThat(check).isInstanceOf(StepCheck.Blocked.class);
        assertThat(((StepCheck.Blocked) check).problem().found()).contains("unknown revision '0123456789ab'");
        assertThat(((StepCheck.Blocked) check).problem().code())
                .isEqualTo(dev.kaapanamigrate.core.CoreErrorCode.PRECONDITION_FAILED);
        assertThat(((StepCheck.Blocked) check).problem().fix()).isNotBlank();
        assertThat(List.of(fingerprint(aii), tableDigests(aii))).isEqualTo(aiiBefore);
        ReliabilityCounts.proved(DatabaseMigrationIT.class,
                "bad input: schema drift and an unknown revision refused, coded, the databases' digests unchanged");
    }

    @Test
    void anUnknownRevisionNamesTheRevisionToWriteOrTheTableToDropWithNothingChanged() throws Exception {
        Map<ServiceDatabase, DataSource> dbs = freshCopy();
        DataSource aii = dbs.get(ServiceDatabase.ACCESS_INFORMATION);
        DataSource backend = dbs.get(ServiceDatabase.BACKEND);
        execute(aii, "CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY)",
                "INSERT INTO alembic_version VALUES ('feature_x')");
        execute(backend, "UPDATE alembic_version SET version_num = 'not-a-revision'");
        var before = digestsOf(dbs);
        DatabaseConnections connections = DatabaseConnections.of(dbs);

        StepCheck aiiCheck = new MigrateAccessInformationStep(connections, DatabaseMigrationOptions.defaults())
                .check(MigrationContext.standalone());
        StepCheck backendCheck = new MigrateBackendStep(connections).check(MigrationContext.standalone());

        assertThat(aiiCheck).isInstanceOfSatisfying(StepCheck.Blocked.class, b -> {
            assertThat(b.problem().code()).isEqualTo(dev.kaapanamigrate.core.CoreErrorCode.PRECONDITION_FAILED);
            assertThat(b.problem().found()).startsWith("the access-information database has the unknown revision "
                    + "'feature_x' in alembic_version (the tables are 0.4.2's)").contains("nothing was changed");
            assertThat(b.problem().expected()).contains("the 0.4.2 schema");
            assertThat(b.problem().fix()).contains("0.4 had no alembic_version in this database",
                    "DROP TABLE alembic_version;");
        });
        assertThat(backendCheck).isInstanceOfSatisfying(StepCheck.Blocked.class, b -> {
            assertThat(b.problem().found()).startsWith("the backend database has the unknown revision "
                    + "'not-a-revision' in alembic_version (the tables are 0.4.2's)");
            assertThat(b.problem().fix()).contains("INSERT INTO alembic_version (version_num) VALUES ('"
                    + MigrateBackendStep.INITIAL_REVISION + "')");
        });
        assertThat(digestsOf(dbs)).as("no database changed").isEqualTo(before);
        ReliabilityCounts.proved(DatabaseMigrationIT.class,
                "bad input: unknown alembic revisions refused naming the revision to write, coded, digests unchanged");
    }

    /** A data source of the same database as another role (created here, NOSUPERUSER, if it does not exist yet). */
    private static DataSource as(DataSource ds, String role) throws Exception {
        execute(ds, "DO $$ BEGIN CREATE ROLE " + role + " NOSUPERUSER LOGIN PASSWORD '" + role + "-pw'; "
                + "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        org.postgresql.ds.PGSimpleDataSource original = (org.postgresql.ds.PGSimpleDataSource) ds;
        org.postgresql.ds.PGSimpleDataSource other = new org.postgresql.ds.PGSimpleDataSource();
        other.setServerNames(original.getServerNames());
        other.setPortNumbers(original.getPortNumbers());
        other.setDatabaseName(original.getDatabaseName());
        other.setUser(role);
        other.setPassword(role + "-pw");
        return other;
    }

    @Test
    void aConnectionThatIsNeitherOwnerNorSuperuserIsRefusedUpFrontWithNothingChanged() throws Exception {
        Map<ServiceDatabase, DataSource> dbs = freshCopy();
        DataSource aii = dbs.get(ServiceDatabase.ACCESS_INFORMATION);
        execute(aii, "DO $$ BEGIN CREATE ROLE kaapana_migrate_reader NOSUPERUSER LOGIN PASSWORD 'kaapana_migrate_reader-pw'; "
                + "EXCEPTION WHEN duplicate_object THEN NULL; END $$",
                "GRANT SELECT ON ALL TABLES IN SCHEMA public TO kaapana_migrate_reader");
        Map<ServiceDatabase, DataSource> reading = new java.util.EnumMap<>(dbs);
        reading.put(ServiceDatabase.ACCESS_INFORMATION, as(aii, "kaapana_migrate_reader"));
        var before = digestsOf(dbs);

        StepCheck check = new MigrateAccessInformationStep(DatabaseConnections.of(reading),
                DatabaseMigrationOptions.defaults()).check(MigrationContext.standalone());
        MigrationResult run = plan(reading, DatabaseMigrationOptions.defaults(), null).run();

        assertThat(check).isInstanceOfSatisfying(StepCheck.Blocked.class, b -> {
            assertThat(b.problem().code()).isEqualTo(PostgresErrorCode.INSUFFICIENT_PRIVILEGES);
            assertThat(b.problem().code().code()).isEqualTo("POSTGRES_INSUFFICIENT_PRIVILEGES");
            assertThat(b.problem().found()).contains("the connection to the access-information database logs in as role "
                    + "'kaapana_migrate_reader', which is no superuser and does not own", "projects (owner kaapanauser)",
                    "has no CREATE privilege on schema public", "nothing was changed");
            assertThat(b.problem().expected()).contains("the owner of the tables (Kaapana's kaapanauser) or as a superuser");
            assertThat(b.problem().fix()).contains("logs in as kaapanauser");
        });
        assertThat(run.status()).isEqualTo(PlanStatus.BLOCKED);
        assertThat(run.errorCode()).isEqualTo(PostgresErrorCode.INSUFFICIENT_PRIVILEGES);
        assertThat(digestsOf(dbs)).as("no database changed").isEqualTo(before);
        ReliabilityCounts.proved(DatabaseMigrationIT.class,
                "bad input: a role neither owner nor superuser refused, coded INSUFFICIENT_PRIVILEGES, digests unchanged");
    }

    @Test
    void theOwnerOfTheTablesMigratesWithoutBeingASuperuser() throws Exception {
        Map<ServiceDatabase, DataSource> dbs = freshCopy();
        DataSource aii = dbs.get(ServiceDatabase.ACCESS_INFORMATION);
        DataSource owner = as(aii, "kaapana_migrate_owner");
        // tables first (their sequences follow them), then any sequence no column owns
        execute(aii, "DO $$ DECLARE r record; BEGIN FOR r IN SELECT c.relname FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' LOOP "
                + "EXECUTE format('ALTER TABLE %I OWNER TO kaapana_migrate_owner', r.relname); END LOOP; "
                + "FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = 'public' AND c.relkind = 'S' AND pg_get_userbyid(c.relowner) <> 'kaapana_migrate_owner' "
                + "LOOP EXECUTE format('ALTER SEQUENCE %I OWNER TO kaapana_migrate_owner', r.relname); END LOOP; END $$",
                "GRANT CREATE ON SCHEMA public TO kaapana_migrate_owner");

        MigrationResult result = MigrationPlan.builder()
                .step(new MigrateAccessInformationStep(DatabaseConnections.of(Map.of(ServiceDatabase.ACCESS_INFORMATION,
                        owner)), DatabaseMigrationOptions.defaults()))
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED)).inMemoryState().build().run();

        assertThat(result.status()).as(result.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(string(aii, "SELECT string_agg(version_num, ',') FROM alembic_version"))
                .isEqualTo(ServiceDatabase.ACCESS_INFORMATION.targetRevision());
    }

    @Test
    void aBackendWhoseAlembicVersionHoldsNoRowIsMigratedLikeOneWithoutTheTable() throws Exception {
        Map<ServiceDatabase, DataSource> dbs = freshCopy();
        execute(dbs.get(ServiceDatabase.BACKEND), "DELETE FROM alembic_version");

        PlanPreview preview = plan(dbs, DatabaseMigrationOptions.defaults(), null).check();
        MigrationResult result = plan(dbs, DatabaseMigrationOptions.defaults(), null).run();

        assertThat(preview.isBlocked()).as(preview.toString()).isFalse();
        assertThat(result.status()).as(result.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(step(result, MigrateBackendStep.ID).changes().get(0).before())
                .contains("alembic_version table holding no row", "like a database without the table", "upstream 0.5.2");
        for (ServiceDatabase db : ALL) {
            assertThat(fingerprint(dbs.get(db))).as(db + " schema").containsExactlyElementsOf(fingerprint(sources.reference052(db)));
        }
        assertThat(string(dbs.get(ServiceDatabase.BACKEND), "SELECT string_agg(version_num, ',') FROM alembic_version"))
                .isEqualTo(ServiceDatabase.BACKEND.targetRevision());
        assertEveryRowKept(dbs);
    }
}
