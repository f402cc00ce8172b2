package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.domain.ServiceDatabase;
import static dev.kaapanamigrate.postgres.BackendDatabases.digest;
import static dev.kaapanamigrate.postgres.BackendDatabases.execute;
import static dev.kaapanamigrate.postgres.BackendDatabases.rowVersions;
import static dev.kaapanamigrate.postgres.BackendDatabases.string;
import static dev.kaapanamigrate.postgres.BackendDatabases.uuidOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.IdSource;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.postgres.internal.BackendReferenceSql;
import dev.kaapanamigrate.postgres.internal.KaapanaDags;
import dev.kaapanamigrate.testkit.InstallationModel;
import dev.kaapanamigrate.testkit.InstallationSize;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import dev.kaapanamigrate.testkit.StandardError;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code postgres.rewrite-backend-references} and {@code postgres.report-extension-dags} on a generated 0.4.2
 * kaapana-backend database; the tests build on each other (one installation per class), in order.
 */
@KaapanaInstallation(size = InstallationSize.SMALL)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackendReferencesIT {

    private static final String[] TABLES = {"job", "workflow", "kaapana_instance", "settings", "dataset", "identifiers"};
    private static final String OLD_NIFTI = InstallationModel.RENAMED_DAGS.get(0);
    private static final String OLD_ZIP = InstallationModel.RENAMED_DAGS.get(1);
    private static final String NEW_NIFTI = "import-niftis-from-data-upload";
    private static final String NEW_ZIP = "import-dicoms-from-data-upload";

    static DatabaseConnections connections;
    static DataSource backend;
    static ProjectList projects;

    @BeforeAll
    static void start(SimulatedPlatform platform) throws Exception {
        platform.startSource();
        connections = BackendDatabases.connections(platform);
        backend = platform.dataSource(KaapanaDatabase.BACKEND);
        projects = BackendDatabases.projectList(platform.dataSource(KaapanaDatabase.ACCESS_INFORMATION));
    }

    private static MigrationContext context(boolean dryRun) {
        MigrationContext ctx = MigrationContext.standalone(Clock.systemUTC(), IdSource.random(), PlatformState.UNDEPLOYED,
                dryRun);
        ctx.put(ProjectList.KEY, projects);
        return ctx;
    }

    private static List<String> schemaOf(DataSource ds) throws Exception {
        try (java.sql.Connection c = ds.getConnection()) {
            return dev.kaapanamigrate.testkit.SchemaFingerprint.of(c);
        }
    }

    private static BackendReferencesStep step(BackendReferencesOptions options) {
        return new BackendReferencesStep(connections, options);
    }

    @Test
    @Order(1)
    void theExtensionDagsAreExactlyWhatTheModelGenerated(InstallationModel model) {
        MigrationContext ctx = context(true);
        ReportExtensionDagsStep report = new ReportExtensionDagsStep(connections);

        StepCheck check = report.check(ctx);

        ExtensionDag expected = expectedExtensionDag(model);
        assertThat(ctx.get(ExtensionDags.KEY)).contains(new ExtensionDags(List.of(expected)));
        assertThat(check).isInstanceOf(StepCheck.UpToDate.class);
        assertThat(((StepCheck.UpToDate) check).detail()).contains("1 DAG id(s)", expected.describe());
        assertThat(report.apply(ctx)).isEmpty();
        Verification v = report.verify(ctx);
        assertThat(v.passed()).isTrue();
        assertThat(v.facts()).extracting(Verification.Fact::actual).contains(InstallationModel.EXTENSION_DAG,
                expected.describe());
    }

    @Test
    @Order(2)
    void aDryRunListsEveryRewriteWithTheModelsCountsAndChangesNothing(InstallationModel model) throws Exception {
        String before = digest(backend, TABLES);

        StepCheck defaults = step(BackendReferencesOptions.defaults()).check(context(true));
        StepCheck withHistory = step(BackendReferencesOptions.defaults().withHistory(true)).check(context(true));

        assertThat(defaults.changes()).containsExactlyInAnyOrderElementsOf(configurationChanges(model));
        List<Change> all = new ArrayList<>(configurationChanges(model));
        all.addAll(historyChanges(model));
        assertThat(withHistory.changes()).containsExactlyInAnyOrderElementsOf(all);
        assertThat(digest(backend, TABLES)).isEqualTo(before);
    }

    @Test
    @Order(0)
    void aJobTableItCannotReproduceExactlyIsUpdatedInPlace(InstallationModel model) throws Exception {
        DataSource copy = BackendDatabases.copyOf(backend, "backend_with_grant");
        execute(copy, "GRANT SELECT ON job TO PUBLIC");
        String jobFile = string(copy, "SELECT pg_relation_filenode('job')");
        BackendReferencesStep step = new BackendReferencesStep(DatabaseConnections.of(Map.of(ServiceDatabase.BACKEND, copy)),
                BackendReferencesOptions.defaults());
        MigrationContext ctx = context(false);

        List<Change> applied = step.apply(ctx);

        assertThat(applied).containsExactlyInAnyOrderElementsOf(inPlace(configurationChanges(model)));
        assertThat(step.verify(ctx).passed()).isTrue();
        assertThat(string(copy, "SELECT pg_relation_filenode('job')")).isEqualTo(jobFile);
        assertThat(string(copy, "SELECT relacl::text FROM pg_class WHERE oid = 'job'::regclass")).contains("=r/");
        assertThat(string(copy, "SELECT count(*) FROM job WHERE conf_data->'project_form'->>'id' ~ '^[0-9]+$'")).isEqualTo("0");

        // Whatever a new table would not carry over keeps the in-place path, each named.
        for (String sql : List.of("COMMENT ON TABLE job IS 'kept'", "ALTER TABLE job SET (fillfactor = 90)",
                "CREATE VIEW recent_jobs AS SELECT id FROM job", "ALTER TABLE job ALTER COLUMN status SET STATISTICS 500",
                "CREATE STATISTICS job_stats ON status, dag_id FROM job", "CREATE INDEX ix_extra ON job (username)",
                "CREATE FUNCTION all_jobs() RETURNS SETOF job LANGUAGE sql AS 'SELECT * FROM job'",
                "GRANT SELECT (description) ON job TO PUBLIC", "ALTER TABLE job REPLICA IDENTITY FULL",
                "COMMENT ON INDEX ix_job_status IS 'kept too'")) {
            execute(copy, sql);
        }
        try (org.jdbi.v3.core.Handle h = org.jdbi.v3.core.Jdbi.open(copy)) {
            List<String> obstacles = dev.kaapanamigrate.postgres.internal.JobTableRebuild.obstacles(h);
            assertThat(obstacles).anySatisfy(o -> assertThat(o).contains("the job table differs from 0.5.2", "ix_extra"))
                    .anySatisfy(o -> assertThat(o).contains("is used by", "view recent_jobs"))
                    .anySatisfy(o -> assertThat(o).contains("is used by", "function all_jobs()"))
                    .anySatisfy(o -> assertThat(o).contains("default replica identity"))
                    .contains("has grants", "has column grants on description", "has comments",
                            "has storage parameters fillfactor=90", "has column settings on status",
                            "has extended statistics job_stats");
        }
        // The comment on an index alone is enough.
        DataSource commented = BackendDatabases.copyOf(backend, "backend_index_comment");
        execute(commented, "COMMENT ON INDEX ix_job_status IS 'kept'");
        try (org.jdbi.v3.core.Handle h = org.jdbi.v3.core.Jdbi.open(commented)) {
            assertThat(dev.kaapanamigrate.postgres.internal.JobTableRebuild.obstacles(h)).containsExactly("has comments");
        }
    }

    @Test
    @Order(0)
    void aCrashInsideTheJobRebuildLeavesTheOldTableAndARerunCompletes(InstallationModel model) throws Exception {
        DataSource copy = BackendDatabases.copyOf(backend, "backend_crash");
        // Fails the rebuild's last statement: the foreign key that only the new job table gets.
        execute(copy, "CREATE FUNCTION fail_late() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "IF EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'job_workflow_id_fkey' "
                + "AND conrelid = 'job'::regclass) THEN RAISE EXCEPTION 'injected failure'; END IF; END $$");
        String jobFile = string(copy, "SELECT pg_relation_filenode('job')");
        String jobs = digest(copy, "job");
        List<String> schema = schemaOf(copy);
        execute(copy, "CREATE EVENT TRIGGER fail_late ON ddl_command_end WHEN TAG IN ('ALTER TABLE') "
                + "EXECUTE FUNCTION fail_late()");
        BackendReferencesStep step = new BackendReferencesStep(DatabaseConnections.of(Map.of(ServiceDatabase.BACKEND, copy)),
                BackendReferencesOptions.defaults());

        assertThatThrownBy(() -> step.apply(context(false))).hasMessageContaining("injected failure");

        assertThat(string(copy, "SELECT pg_relation_filenode('job')")).isEqualTo(jobFile);
        assertThat(digest(copy, "job")).isEqualTo(jobs);
        execute(copy, "DROP EVENT TRIGGER fail_late");
        assertThat(schemaOf(copy)).isEqualTo(schema);
        MigrationContext ctx = context(false);
        assertThat(step.apply(ctx)).containsExactlyInAnyOrderElementsOf(configurationChanges(model));
        assertThat(step.verify(ctx).passed()).isTrue();
        assertThat(string(copy, "SELECT pg_relation_filenode('job')")).isNotEqualTo(jobFile);
    }

    @Test
    @Order(0)
    void aCopyThatDiffersOutsideConfDataFailsTheRebuildAndLeavesTheOldTable() throws Exception {
        DataSource copy = BackendDatabases.copyOf(backend, "backend_altered_copy");
        // A trigger the rebuild's new table gets as it is created changes one job's status on the way in: the digest
        // the copy takes in its own RETURNING must differ from the one the scan took of the old table.
        execute(copy, "CREATE FUNCTION alter_status() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "IF NEW.id = (SELECT min(id) FROM job) THEN NEW.status := 'altered'; END IF; RETURN NEW; END $$");
        execute(copy, "CREATE FUNCTION arm_copy() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "IF to_regclass('job_05') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'alter_status') "
                + "THEN CREATE TRIGGER alter_status BEFORE INSERT ON job_05 FOR EACH ROW EXECUTE FUNCTION alter_status(); "
                + "END IF; END $$");
        String jobFile = string(copy, "SELECT pg_relation_filenode('job')");
        String jobs = digest(copy, "job");
        execute(copy, "CREATE EVENT TRIGGER arm_copy ON ddl_command_end WHEN TAG IN ('CREATE TABLE') "
                + "EXECUTE FUNCTION arm_copy()");
        BackendReferencesStep step = new BackendReferencesStep(DatabaseConnections.of(Map.of(ServiceDatabase.BACKEND, copy)),
                BackendReferencesOptions.defaults());

        MigrationContext ctx = context(false);
        // Checked first: the apply takes the check's counts when no transaction completed since, and digests alone.
        assertThat(step.check(ctx)).isInstanceOf(StepCheck.Pending.class);
        assertThatThrownBy(() -> step.apply(ctx)).hasMessageContaining("the rebuilt job table differs from "
                + "the old one outside conf_data");

        assertThat(string(copy, "SELECT pg_relation_filenode('job')")).isEqualTo(jobFile);
        assertThat(digest(copy, "job")).isEqualTo(jobs);
    }

    @Test
    @Order(0)
    void jobsWhoseWorkflowIsGoneKeepTheInPlacePathAndAreCountedInTheScan(InstallationModel model) throws Exception {
        // Left by a restore with the foreign keys' triggers off: a rebuild would fail on these jobs at its last
        // statement. The counting scan finds them (its own joins), and so does the obstacle query alone.
        DataSource copy = BackendDatabases.copyOf(backend, "backend_orphaned_jobs");
        String workflow = string(copy, "SELECT workflow_id::text FROM job WHERE workflow_id IS NOT NULL ORDER BY id LIMIT 1");
        String site = string(copy, "SELECT kaapana_id::text FROM job WHERE kaapana_id IS NOT NULL ORDER BY id DESC LIMIT 1");
        String orphans = string(copy, "SELECT count(*) FROM job WHERE workflow_id::text = '" + workflow + "' "
                + "OR kaapana_id::text = '" + site + "'");
        execute(copy, "SET session_replication_role = replica; DELETE FROM workflow WHERE workflow_id::text = '"
                + workflow + "'; DELETE FROM kaapana_instance WHERE id::text = '" + site + "'");
        String jobFile = string(copy, "SELECT pg_relation_filenode('job')");
        BackendReferencesStep step = new BackendReferencesStep(DatabaseConnections.of(Map.of(ServiceDatabase.BACKEND, copy)),
                BackendReferencesOptions.defaults());
        MigrationContext ctx = context(false);

        StepCheck check = step.check(ctx);

        assertThat(check.changes()).extracting(Change::target).doesNotContain("kaapana-backend.job (table)")
                .contains("kaapana-backend.job.conf_data.project_form.id");
        try (org.jdbi.v3.core.Handle h = org.jdbi.v3.core.Jdbi.open(copy)) {
            assertThat(dev.kaapanamigrate.postgres.internal.JobTableRebuild.obstacles(h))
                    .containsExactly("has " + orphans + " job(s) whose site or workflow no longer exists");
        }
        assertThat(Long.parseLong(orphans)).isPositive();
        String log = StandardError.capturing(() -> step.apply(ctx));
        // The scan's own count, as the apply explains why it keeps the in-place path.
        assertThat(log).contains("has " + orphans + " job(s) whose site or workflow no longer exists");
        assertThat(string(copy, "SELECT pg_relation_filenode('job')")).as("updated in place").isEqualTo(jobFile);
        Verification v = step.verify(ctx);
        assertThat(v.passed()).as(v.describeFailures()).isTrue();
    }

    @Test
    @Order(0)
    void aWriteBetweenTheCheckAndTheApplyIsReadByTheApply() throws Exception {
        // The check's counts (and so the rewrite's map of integer ids) may serve the apply only while no transaction
        // has completed since. The check sees no job of project P; then a job gets P's integer id: a rebuild on the
        // check's counts would leave that id behind and fail, so the apply must count again, and then succeed.
        DataSource copy = BackendDatabases.copyOf(backend, "backend_written_after_check");
        String p = string(copy, "SELECT conf_data->'project_form'->>'id' FROM job WHERE id = (SELECT min(id) FROM job)");
        int gone = Integer.parseInt(p);
        int other = projects.projects().stream().mapToInt(dev.kaapanamigrate.domain.Project::oldId)
                .filter(id -> id != gone).findFirst().orElseThrow();
        execute(copy, "UPDATE job SET conf_data = jsonb_set(conf_data, '{project_form,id}', '" + other + "') "
                + "WHERE conf_data->'project_form'->>'id' = '" + gone + "'");
        BackendReferencesStep step = new BackendReferencesStep(DatabaseConnections.of(Map.of(ServiceDatabase.BACKEND, copy)),
                BackendReferencesOptions.defaults());
        MigrationContext ctx = context(false);
        assertThat(step.check(ctx).changes()).extracting(Change::before).doesNotContain(String.valueOf(gone));
        execute(copy, "UPDATE job SET conf_data = jsonb_set(conf_data, '{project_form,id}', '" + gone + "') "
                + "WHERE id = (SELECT min(id) FROM job)");

        List<Change> applied = new ArrayList<>();
        String log = StandardError.capturing(() -> applied.addAll(step.apply(ctx)));

        assertThat(log).contains("The references are counted again");
        assertThat(applied).extracting(Change::target).contains("kaapana-backend.job (table)");
        Verification v = step.verify(ctx);
        assertThat(v.passed()).as(v.describeFailures()).isTrue();
        assertThat(string(copy, "SELECT conf_data->'project_form'->>'id' FROM job WHERE id = (SELECT min(id) FROM job)"))
                .isEqualTo(uuidOf(gone).toString());
    }

    @Test
    @Order(0)
    void withHistoryOnAFresh04CopyTheRebuildKeepsTheRenamedDagIdsAndRewritesTheProjectIds(InstallationModel model)
            throws Exception {
        // History and project ids together on an untouched 0.4 copy: every job needs its project id, so the job table
        // is rebuilt, after the same transaction renamed job.dag_id: the rebuild's digest must expect the new ids.
        DataSource copy = BackendDatabases.copyOf(backend, "backend_history_rebuild");
        long renamedJobs = jobsPerDag(model).get(OLD_ZIP);
        assertThat(renamedJobs).isPositive();
        assertThat(string(copy, "SELECT count(*) FROM job WHERE dag_id = ?", OLD_ZIP)).isEqualTo(String.valueOf(renamedJobs));
        String jobFile = string(copy, "SELECT pg_relation_filenode('job')");
        List<String> schema = schemaOf(copy);
        String outsideConfDataAndDagId = "SELECT md5(string_agg(j::text, '|' ORDER BY id)) FROM (SELECT id, "
                + "external_job_id, owner_kaapana_instance_name, status, run_id, description, username, time_created, "
                + "time_updated, automatic_execution, service_job, kaapana_id, workflow_id FROM job) j";
        String jobsBefore = string(copy, outsideConfDataAndDagId);
        BackendReferencesStep step = new BackendReferencesStep(DatabaseConnections.of(Map.of(ServiceDatabase.BACKEND, copy)),
                BackendReferencesOptions.defaults().withHistory(true));
        MigrationContext ctx = context(false);

        List<Change> applied = step.apply(ctx);

        assertThat(applied).containsAll(historyChanges(model));
        assertThat(applied).extracting(Change::target).contains("kaapana-backend.job (table)");
        assertThat(string(copy, "SELECT pg_relation_filenode('job')")).as("rebuilt").isNotEqualTo(jobFile);
        assertThat(schemaOf(copy)).isEqualTo(schema);
        Verification v = step.verify(ctx);
        assertThat(v.passed()).as(v.describeFailures()).isTrue();
        assertThat(string(copy, "SELECT count(*) FROM job WHERE dag_id = ?", OLD_ZIP)).isEqualTo("0");
        assertThat(string(copy, "SELECT count(*) FROM job WHERE dag_id = ?", NEW_ZIP)).isEqualTo(String.valueOf(renamedJobs));
        assertThat(string(copy, "SELECT count(*) FROM job WHERE conf_data->'project_form'->>'id' ~ '^[0-9]+$'")).isEqualTo("0");
        JsonNode form = json(string(copy, "SELECT conf_data->'project_form' FROM job WHERE id = 1"));
        assertThat(form.get("id").asText()).isEqualTo(uuidOf(model.job(1).projectId()).toString());
        assertThat(form.get("int_id").asInt()).isEqualTo(model.job(1).projectId());
        assertThat(string(copy, outsideConfDataAndDagId)).isEqualTo(jobsBefore);
    }

    @Test
    @Order(3)
    void byDefaultConfigurationAndProjectIdsAreRewrittenNotHistory(InstallationModel model) throws Exception {
        BackendReferencesStep step = step(BackendReferencesOptions.defaults());
        MigrationContext ctx = context(false);
        String datasets = digest(backend, "dataset", "identifiers", "identifier2dataset");
        String workflowsBefore = digest(backend, "workflow");
        String jobFile = string(backend, "SELECT pg_relation_filenode('job')");
        List<String> schema = schemaOf(backend);
        String jobsOutsideConfData = string(backend, "SELECT md5(string_agg(j::text, '|' ORDER BY id)) FROM (SELECT "
                + "id, dag_id, external_job_id, owner_kaapana_instance_name, status, run_id, description, username, "
                + "time_created, time_updated, automatic_execution, service_job, kaapana_id, workflow_id FROM job) j");

        List<Change> applied = step.apply(ctx);

        assertThat(applied).containsExactlyInAnyOrderElementsOf(configurationChanges(model));
        // Every job needed the project id rewrite: the job table was rebuilt (new file), to exactly the same definition,
        // every column but conf_data as it was.
        assertThat(string(backend, "SELECT pg_relation_filenode('job')")).isNotEqualTo(jobFile);
        assertThat(schemaOf(backend)).isEqualTo(schema);
        assertThat(string(backend, "SELECT md5(string_agg(j::text, '|' ORDER BY id)) FROM (SELECT "
                + "id, dag_id, external_job_id, owner_kaapana_instance_name, status, run_id, description, username, "
                + "time_created, time_updated, automatic_execution, service_job, kaapana_id, workflow_id FROM job) j"))
                .isEqualTo(jobsOutsideConfData);
        Verification v = step.verify(ctx);
        assertThat(v.passed()).as(v.describeFailures()).isTrue();
        // history untouched
        assertThat(digest(backend, "workflow")).isEqualTo(workflowsBefore);
        assertThat(digest(backend, "dataset", "identifiers", "identifier2dataset")).isEqualTo(datasets);
        assertThat(string(backend, "SELECT count(*) FROM job WHERE dag_id = ?", OLD_ZIP))
                .isEqualTo(String.valueOf(jobsPerDag(model).get(OLD_ZIP)));
        // allowed_dags: new key, and the dag_id inside its entry
        JsonNode siteA = json(string(backend, "SELECT allowed_dags::text FROM kaapana_instance WHERE instance_name = 'remote-site-a'"));
        assertThat(names(siteA)).containsExactlyInAnyOrder(NEW_ZIP, "total-segmentator", InstallationModel.EXTENSION_DAG);
        assertThat(siteA.get(NEW_ZIP).get("dag_id").asText()).isEqualTo(NEW_ZIP);
        // settings (json): renamed in place, key order and values kept
        JsonNode settings = json(string(backend, "SELECT value::text FROM settings WHERE username = 'kaapana' AND key = 'workflows'"));
        assertThat(names(settings)).containsExactly("validate-dicoms", NEW_ZIP, InstallationModel.EXTENSION_DAG);
        assertThat(settings.get(NEW_ZIP).get("delete_original_file").asBoolean()).isTrue();
        // project ids: UUID plus int_id, the rest of the form as it was
        JsonNode form = json(string(backend, "SELECT conf_data->'project_form' FROM job WHERE id = 1"));
        int oldId = model.job(1).projectId();
        assertThat(form.get("id").asText()).isEqualTo(uuidOf(oldId).toString());
        assertThat(form.get("int_id").asInt()).isEqualTo(oldId);
        assertThat(form.get("name").asText()).isEqualTo(model.project(oldId).name());
        assertThat(string(backend, "SELECT count(*) FROM job WHERE conf_data->'project_form'->>'id' ~ '^[0-9]+$'")).isEqualTo("0");

        // idempotent: up to date, and a second apply touches no row
        String versions = rowVersions(backend, "job") + rowVersions(backend, "settings") + rowVersions(backend, "kaapana_instance");
        assertThat(step.check(ctx)).isInstanceOf(StepCheck.UpToDate.class);
        assertThat(step.apply(ctx)).isEmpty();
        assertThat(rowVersions(backend, "job") + rowVersions(backend, "settings") + rowVersions(backend, "kaapana_instance"))
                .isEqualTo(versions);
        assertThat(step.verify(ctx).passed()).isTrue();

        // verify's one job scan still finds a project form whose UUID is another project's than its int_id
        DataSource tampered = BackendDatabases.copyOf(backend, "backend_tampered_form");
        assertThat(string(tampered, "WITH u AS (UPDATE job SET conf_data = jsonb_set(conf_data, '{project_form,id}', "
                + "to_jsonb(?::text)) WHERE id = 1 RETURNING 1) SELECT count(*) FROM u", uuidOf(oldId == 1 ? 2 : 1).toString()))
                .isEqualTo("1");
        Verification wrong = new BackendReferencesStep(DatabaseConnections.of(Map.of(ServiceDatabase.BACKEND, tampered)),
                BackendReferencesOptions.defaults()).verify(ctx);
        assertThat(wrong.passed()).isFalse();
        assertThat(wrong.facts()).filteredOn(f -> !f.passed()).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("jobs whose project_form int_id and id name different projects");
            assertThat(f.actual()).isEqualTo("1");
        });
    }

    @Test
    @Order(4)
    void historyIsRewrittenOnlyWhenTheCallerOptsIn(InstallationModel model) throws Exception {
        // a job whose conf_data carries its DAG id as well
        execute(backend, "UPDATE job SET conf_data = conf_data || jsonb_build_object('dag_id', '" + OLD_ZIP + "') WHERE id = 3");
        List<Change> expected = new ArrayList<>(historyChanges(model));
        expected.add(Change.of(Change.Kind.UPDATE, "kaapana-backend.job.conf_data.dag_id", OLD_ZIP, NEW_ZIP, 1));
        BackendReferencesStep step = step(BackendReferencesOptions.defaults().withHistory(true));
        MigrationContext ctx = context(false);
        assertThat(step.check(ctx).changes()).containsExactlyInAnyOrderElementsOf(expected);

        assertThat(step.apply(ctx)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(string(backend, "SELECT conf_data->>'dag_id' FROM job WHERE id = 3")).isEqualTo(NEW_ZIP);

        assertThat(step.verify(ctx).passed()).isTrue();
        assertThat(string(backend, "SELECT count(*) FROM job WHERE dag_id = ?", NEW_ZIP))
                .isEqualTo(String.valueOf(jobsPerDag(model).get(OLD_ZIP)));
        assertThat(string(backend, "SELECT count(*) FROM workflow WHERE dag_id IN (?, ?)", OLD_ZIP, OLD_NIFTI)).isEqualTo("0");
        String versions = rowVersions(backend, "job") + rowVersions(backend, "workflow");
        assertThat(step.check(ctx)).isInstanceOf(StepCheck.UpToDate.class);
        assertThat(step.apply(ctx)).isEmpty();
        assertThat(rowVersions(backend, "job") + rowVersions(backend, "workflow")).isEqualTo(versions);
    }

    @Test
    @Order(5)
    void anUnknownProjectIdIsLeftAndReportedAndBothKeysKeepTheNewOne() throws Exception {
        execute(backend, "UPDATE job SET conf_data = jsonb_set(conf_data #- '{project_form,int_id}', '{project_form,id}', "
                + "'99') WHERE id IN (1, 2)");
        execute(backend, "UPDATE settings SET value = '{\"" + OLD_NIFTI + "\": {\"old\": true}, \"" + NEW_NIFTI
                + "\": {\"new\": true}}' WHERE username = 'user1'");
        BackendReferencesStep step = step(BackendReferencesOptions.defaults());
        MigrationContext ctx = context(false);

        java.util.concurrent.atomic.AtomicReference<StepCheck> checked = new java.util.concurrent.atomic.AtomicReference<>();
        String warnings = StandardError.capturing(() -> {
            checked.set(step.check(ctx));
            return step.apply(ctx);
        });
        StepCheck check = checked.get();

        assertThat(check.changes()).containsExactly(Change.of(Change.Kind.DELETE, "kaapana-backend.settings.value[key=workflows]"
                + " (key), where the new id is a key already: the old entry is dropped, the new one kept", OLD_NIFTI, null, 1));
        assertThat(check).isInstanceOfSatisfying(StepCheck.Pending.class, p -> assertThat(p.notes()).singleElement()
                .satisfies(n -> assertThat(n).contains("left as they are", "2 job(s) with project id 99 (2)")));
        assertThat(warnings.lines().filter(l -> l.contains("project id 99"))).as("warned once, by apply: " + warnings)
                .hasSize(1);
        assertThat(string(backend, "SELECT value::text FROM settings WHERE username = 'user1'"))
                .isEqualTo("{ \"" + NEW_NIFTI + "\" : {\"new\": true} }");
        StepCheck again = step.check(ctx);
        assertThat(again).isInstanceOf(StepCheck.UpToDate.class);
        assertThat(((StepCheck.UpToDate) again).detail()).contains("2 job(s) with project id 99 (2)");
        assertThat(string(backend, "SELECT count(*) FROM job WHERE conf_data->'project_form'->>'id' = '99'")).isEqualTo("2");
        Verification v = step.verify(ctx);
        assertThat(v.passed()).isTrue();
        assertThat(v.facts()).anySatisfy(f -> assertThat(f.actual()).contains("project id 99 (2)"));
    }

    @Test
    @Order(6)
    void theExtensionDagListIsTheSameAfterTheRewrites(InstallationModel model) {
        MigrationContext ctx = context(false);
        new ReportExtensionDagsStep(connections).verify(ctx);
        assertThat(ctx.get(ExtensionDags.KEY)).contains(new ExtensionDags(List.of(expectedExtensionDag(model))));
    }

    @Test
    @Order(7)
    void onTheZeroFiveShapeAJoblessWorkflowNamesItsProject(InstallationModel model) throws Exception {
        // what the backend migration adds: workflow.project_id, the admin project for every existing workflow
        execute(backend, "ALTER TABLE workflow ADD COLUMN project_id uuid");
        execute(backend, "UPDATE workflow SET project_id = '" + uuidOf(1) + "'");
        execute(backend, "INSERT INTO workflow (workflow_id, workflow_name, dag_id, username, time_created, time_updated, "
                + "automatic_execution, service_workflow, federated, kaapana_id, involved_kaapana_instances, project_id) "
                + "VALUES ('zz0001', 'only-a-workflow-dag-zz0001', 'only-a-workflow-dag', 'kaapana', now(), now(), false, false, "
                + "false, 1, '[\"central\"]', '" + uuidOf(3) + "')");
        MigrationContext ctx = context(false);
        try {
            new ReportExtensionDagsStep(connections).check(ctx);

            assertThat(ctx.get(ExtensionDags.KEY)).contains(new ExtensionDags(List.of(expectedExtensionDag(model),
                    new ExtensionDag("only-a-workflow-dag", List.of(model.project(3).name()), 0, 1, List.of(), List.of()))));
        } finally {
            execute(backend, "DELETE FROM workflow WHERE workflow_id = 'zz0001'");
            execute(backend, "ALTER TABLE workflow DROP COLUMN project_id");
        }
    }

    @Test
    @Order(8)
    void theJobScansInOneAggregateCountExactlyAsTheGroupingSetsInEveryState() {
        java.util.Map<Integer, java.util.UUID> uuids = new java.util.LinkedHashMap<>();
        projects.projects().forEach(p -> uuids.put(p.oldId(), p.id()));
        var first = projects.projects().get(0);
        var second = projects.projects().get(1);
        try (org.jdbi.v3.core.Handle h = org.jdbi.v3.core.Jdbi.create(backend).open()) {
            List<String> statements = new ArrayList<>();
            h.getConfig(org.jdbi.v3.core.statement.SqlStatements.class).setSqlLogger(
                    new org.jdbi.v3.core.statement.SqlLogger() {
                        @Override
                        public void logBeforeExecution(org.jdbi.v3.core.statement.StatementContext context) {
                            statements.add(context.getRenderedSql());
                        }
                    });
            h.begin();
            // as the earlier tests leave it: two jobs with an unknown integer project id, which only the grouping sets
            // count per id
            BackendReferenceSql.JobCounts unknown = BackendReferenceSql.countRewrittenJobs(h, "job",
                    KaapanaDags.RENAMES, true, uuids);
            assertThat(unknown.integerProjectIds()).containsEntry("99", 2L);
            assertThat(statements).hasSize(2).last().asString().contains("GROUPING SETS");
            assertThat(BackendReferenceSql.countJobs(h, "job", KaapanaDags.RENAMES, false, false, uuids, true))
                    .isEqualTo(BackendReferenceSql.countJobsGrouped(h, "job", KaapanaDags.RENAMES, false, false,
                            java.util.Map.of(), true));
            // nothing left to rewrite, one inconsistent form
            h.execute("UPDATE job SET conf_data = jsonb_set(conf_data, '{project_form,id}', to_jsonb(?::text)) "
                    + "WHERE conf_data->'project_form'->>'id' = '99' OR id IN (1, 2)", first.id().toString());
            h.execute("UPDATE job SET conf_data = jsonb_set(conf_data, '{project_form}', jsonb_build_object('id', "
                    + "?::text, 'int_id', ?::integer)) WHERE id = 3", first.id().toString(), second.oldId());
            statements.clear();
            BackendReferenceSql.JobCounts rewritten = BackendReferenceSql.countRewrittenJobs(h, "job",
                    KaapanaDags.RENAMES, true, uuids);
            assertThat(statements).hasSize(1).first().asString().doesNotContain("GROUPING SETS", "GROUP BY");
            assertThat(rewritten).isEqualTo(BackendReferenceSql.countJobsGrouped(h, "job", KaapanaDags.RENAMES, true,
                    false, uuids, false));
            assertThat(rewritten.inconsistentForms()).isEqualTo(1);
            assertThat(rewritten.integerProjectIds()).isEmpty();
            assertThat(rewritten.jobs()).isEqualTo(h.createQuery("SELECT count(*) FROM job").mapTo(long.class).one());
            // renamed DAG ids left (job.dag_id is renamed only with the history rewrite): counted per id as well
            h.execute("UPDATE job SET dag_id = ? WHERE id IN (4, 5)", OLD_ZIP);
            h.execute("UPDATE job SET conf_data = conf_data || jsonb_build_object('dag_id', ?::text) WHERE id = 6",
                    OLD_NIFTI);
            statements.clear();
            assertThat(BackendReferenceSql.countRewrittenJobs(h, "job", KaapanaDags.RENAMES, false, uuids))
                    .isEqualTo(BackendReferenceSql.countJobsGrouped(h, "job", KaapanaDags.RENAMES, false, false, uuids,
                            false))
                    .satisfies(c -> assertThat(c.renames()).extracting(BackendReferenceSql.RenameCount::target,
                            BackendReferenceSql.RenameCount::oldId, BackendReferenceSql.RenameCount::rows).contains(
                            org.assertj.core.groups.Tuple.tuple(BackendReferenceSql.Target.JOB_DAG_ID, OLD_ZIP, 2L),
                            org.assertj.core.groups.Tuple.tuple(BackendReferenceSql.Target.JOB_CONF_DAG_ID, OLD_NIFTI,
                                    1L)));
            assertThat(statements.get(0)).doesNotContain("GROUPING SETS");
            // as 0.4 stores them: listed integer ids as a number and as a string of digits, and a job that lost its
            // workflow behind the foreign key; the check's count and the apply's recount
            h.execute("UPDATE job SET conf_data = jsonb_set(conf_data, '{project_form}', jsonb_build_object('id', "
                    + "?::integer)) WHERE id IN (1, 2, 7)", first.oldId());
            h.execute("UPDATE job SET conf_data = jsonb_set(conf_data, '{project_form}', jsonb_build_object('id', "
                    + "?::text)) WHERE id IN (8, 9)", Integer.toString(second.oldId()));
            h.execute("SET LOCAL session_replication_role = replica");
            h.execute("DELETE FROM workflow WHERE workflow_id = (SELECT workflow_id FROM job WHERE workflow_id IS NOT "
                    + "NULL ORDER BY id LIMIT 1)");
            statements.clear();
            BackendReferenceSql.JobCounts check = BackendReferenceSql.countJobs(h, "job", KaapanaDags.RENAMES, false,
                    false, uuids, true);
            BackendReferenceSql.JobCounts recount = BackendReferenceSql.countJobs(h, "job", KaapanaDags.RENAMES, true,
                    true, uuids, true);
            assertThat(statements).hasSize(2).allSatisfy(sql -> assertThat(sql).doesNotContain("GROUPING SETS"));
            assertThat(check).isEqualTo(BackendReferenceSql.countJobsGrouped(h, "job", KaapanaDags.RENAMES, false,
                    false, java.util.Map.of(), true));
            assertThat(recount).isEqualTo(BackendReferenceSql.countJobsGrouped(h, "job", KaapanaDags.RENAMES, true,
                    true, java.util.Map.of(), true));
            assertThat(check.integerProjectIds()).containsEntry(Integer.toString(first.oldId()), 3L)
                    .containsEntry(Integer.toString(second.oldId()), 2L).hasSize(2);
            assertThat(check.orphans()).isPositive();
            h.rollback();
        }
    }

    // --- expectations from the model ---

    private static List<Change> configurationChanges(InstallationModel model) {
        List<Change> changes = new ArrayList<>();
        Map<String, String> renames = Map.of(OLD_NIFTI, NEW_NIFTI, OLD_ZIP, NEW_ZIP);
        renames.forEach((oldId, newId) -> {
            long sites = model.sites().stream().filter(s -> s.allowedDags().contains(oldId)).count();
            if (sites > 0) {
                changes.add(Change.of(Change.Kind.UPDATE, "kaapana-backend.kaapana_instance.allowed_dags (key)", oldId, newId,
                        sites));
            }
            long users = model.users().stream().filter(u -> model.workflowSettings(u).containsKey(oldId)).count();
            if (users > 0) {
                changes.add(Change.of(Change.Kind.UPDATE, "kaapana-backend.settings.value[key=workflows] (key)", oldId, newId,
                        users));
            }
        });
        Map<Integer, Long> perProject = new TreeMap<>();
        for (int id = 1; id <= model.spec().jobs(); id++) {
            perProject.merge(model.job(id).projectId(), 1L, Long::sum);
        }
        perProject.forEach((oldId, jobs) -> changes.add(Change.of(Change.Kind.UPDATE,
                "kaapana-backend.job.conf_data.project_form.id", String.valueOf(oldId),
                uuidOf(oldId) + " (" + model.project(oldId).name() + ", int_id " + oldId + ")", jobs)));
        // Every generated job has an integer project id: the job table is rebuilt rather than updated row by row.
        changes.add(Change.of(Change.Kind.UPDATE, "kaapana-backend.job (table)", model.spec().jobs() + " of "
                + model.spec().jobs() + " jobs need the project id rewrite", BackendReferencesStep.REBUILT, 1));
        return changes;
    }

    /** The changes when the job table is updated in place: the same, without the rebuild. */
    private static List<Change> inPlace(List<Change> changes) {
        return changes.stream().filter(c -> !c.target().equals("kaapana-backend.job (table)")).toList();
    }

    private static List<Change> historyChanges(InstallationModel model) {
        List<Change> changes = new ArrayList<>();
        Map<String, Long> jobs = jobsPerDag(model);
        Map<String, Long> workflows = new TreeMap<>();
        for (int i = 0; i < model.spec().workflows(); i++) {
            workflows.merge(model.workflow(i).dagId(), 1L, Long::sum);
        }
        Map.of(OLD_NIFTI, NEW_NIFTI, OLD_ZIP, NEW_ZIP).forEach((oldId, newId) -> {
            if (jobs.containsKey(oldId)) {
                changes.add(Change.of(Change.Kind.UPDATE, "kaapana-backend.job.dag_id", oldId, newId, jobs.get(oldId)));
            }
            changes.add(Change.of(Change.Kind.UPDATE, "kaapana-backend.workflow.dag_id", oldId, newId, workflows.get(oldId)));
        });
        return changes;
    }

    private static Map<String, Long> jobsPerDag(InstallationModel model) {
        Map<String, Long> jobs = new TreeMap<>();
        for (int id = 1; id <= model.spec().jobs(); id++) {
            jobs.merge(model.job(id).workflow().dagId(), 1L, Long::sum);
        }
        return jobs;
    }

    private static ExtensionDag expectedExtensionDag(InstallationModel model) {
        String dag = InstallationModel.EXTENSION_DAG;
        TreeSet<String> projectNames = new TreeSet<>();
        long jobs = 0;
        for (int id = 1; id <= model.spec().jobs(); id++) {
            InstallationModel.Job j = model.job(id);
            if (j.workflow().dagId().equals(dag)) {
                jobs++;
                projectNames.add(model.project(j.projectId()).name());
            }
        }
        long workflows = 0;
        for (int i = 0; i < model.spec().workflows(); i++) {
            workflows += model.workflow(i).dagId().equals(dag) ? 1 : 0;
        }
        List<String> sites = model.sites().stream().filter(s -> s.allowedDags().contains(dag)).map(InstallationModel.Site::name)
                .sorted().toList();
        List<String> users = model.users().stream().filter(u -> model.workflowSettings(u).containsKey(dag))
                .map(InstallationModel.User::username).sorted().toList();
        assertThat(jobs).as("the model generates jobs of the extension DAG").isPositive();
        return new ExtensionDag(dag, List.copyOf(projectNames), jobs, workflows, sites, users);
    }

    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
