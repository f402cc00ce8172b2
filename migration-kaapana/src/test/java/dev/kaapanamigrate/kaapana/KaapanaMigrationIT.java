package dev.kaapanamigrate.kaapana;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.pgserver.Libc;
import dev.kaapanamigrate.postgres.MigrateBackendStep;
import dev.kaapanamigrate.postgres.TemporaryServers;
import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.InstallationSize;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The Kaapana plan on a generated 0.4.2 installation, moved between platform states by the plan itself. */
@KaapanaInstallation(size = InstallationSize.SMALL)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KaapanaMigrationIT {

    /** The Kaapana plan with temporary servers for the folders' libc (musl here, glibc where no musl loader exists). */
    static KaapanaMigration migration(GeneratedInstallation install, PlatformControl platform) {
        Libc libc = Libc.valueOf(install.manifest().postgresLibc().toUpperCase(Locale.ROOT));
        return KaapanaMigration.configure(install.fastDataDir()).platformControl(platform)
                .databaseConnections(TemporaryServers.builder(install.fastDataDir()).folderLibc(libc).build());
    }

    @Test
    @Order(0)
    void whileTheOldPlatformRunsTheDatabaseStepsAreDeferredAndNothingIsTouched(GeneratedInstallation install,
            SimulatedPlatform platform) throws Exception {
        platform.startSource();
        try {
            List<String> before = tree(install.fastDataDir());

            PlanPreview preview = migration(install, platform).plan().check();

            assertThat(preview.isBlocked()).as(preview.toString()).isFalse();
            assertThat(preview.step("postgres.preflight").orElseThrow().check()).isInstanceOf(StepCheck.Deferred.class);
            assertThat(preview.step("postgres.rename-data-folders").orElseThrow().check().changes())
                    .as("the moves the run will make once 0.4 is undeployed").hasSize(6);
            assertThat(preview.step("postgres.migrate-access-information").orElseThrow().check())
                    .isInstanceOf(StepCheck.Deferred.class);
            for (String id : List.of("postgres.align-role-passwords", MigrateBackendStep.ID)) {
                assertThat(preview.step(id).orElseThrow().check()).as(id)
                        .isInstanceOfAny(StepCheck.Deferred.class, StepCheck.Waiting.class);
            }
            assertThat(tree(install.fastDataDir())).isEqualTo(before);
        } finally {
            platform.undeploy();
        }
    }

    @Test
    @Order(1)
    void theDryRunListsTheChangesAndChangesNothing(GeneratedInstallation install, SimulatedPlatform platform) throws Exception {
        List<String> before = tree(install.fastDataDir());
        PlanPreview preview = migration(install, platform).plan().check();

        assertThat(preview.isBlocked()).as(preview.toString()).isFalse();
        assertThat(preview.changes()).extracting(c -> c.kind() + " " + c.after())
                .contains("MOVE access-information-interface-postgres-data", "MOVE keycloak-postgres-data",
                        "CREATE 0.5.2", "SCHEMA revision 6e751c62ecfa (0.5.2)");
        assertThat(preview.step(MigrateBackendStep.ID).orElseThrow().check().changes())
                .as("previewed on a copy with the provisional project UUIDs").extracting(c -> c.target())
                .contains("backend.dataset.id", "backend.identifier2dataset.dataset");
        assertThat(tree(install.fastDataDir())).isEqualTo(before);
    }

    @Test
    @Order(2)
    void theRunUndeploysMigratesAndTheMovedDatabasesServe(GeneratedInstallation install, SimulatedPlatform platform)
            throws Exception {
        platform.startSource();   // 0.4 is running: the plan undeploys it first

        MigrationResult result = migration(install, platform).plan().run();

        // No store client given: every step done, the object store and the index reported as not checked.
        assertThat(result.status()).as(result.toString()).isEqualTo(PlanStatus.INCOMPLETE);
        assertThat(result.unproven()).hasSize(2).anySatisfy(u -> assertThat(u).contains("MinIO"))
                .anySatisfy(u -> assertThat(u).contains("OpenSearch"));
        assertThat(platform.current()).isEqualTo(PlatformState.UNDEPLOYED);
        assertThat(result.steps()).extracting(StepResult::stepId).containsExactly("kaapana.detect-version",
                "postgres.preflight", "postgres.rename-data-folders", "postgres.align-role-passwords",
                "postgres.migrate-access-information", "postgres.migrate-dicom-web-filter", "postgres.migrate-backend",
                "postgres.rewrite-backend-references", "postgres.report-extension-dags", "workflows.scan",
                "kaapana.orphaned-folders", "postgres.stop-temporary-servers", "kaapana.stores-not-checked",
                "kaapana.write-version");
        assertThat(result.steps()).allSatisfy(s -> assertThat(s.verification().passed()).as(s.stepId()).isTrue());
        assertThat(install.fastDataDir().resolve("version")).hasContent("0.5.2");
        for (KaapanaDatabase db : KaapanaDatabase.values()) {
            assertThat(install.folder05(db).resolve("PG_VERSION")).exists();
            assertThat(install.folder04(db)).doesNotExist();
        }

        platform.deploy();        // what 0.5 does: its database pods start on the moved folders
        String adminId;
        try (Connection c = platform.dataSource(KaapanaDatabase.ACCESS_INFORMATION).getConnection();
             Statement st = c.createStatement()) {
            assertThat(single(st, "SELECT version_num FROM alembic_version")).isEqualTo("6e751c62ecfa");
            adminId = single(st, "SELECT p.id FROM admin_project a JOIN projects p ON p.id = a.project_id "
                    + "WHERE p.int_id = 1 AND p.name = 'admin'");
        }
        try (Connection c = platform.dataSource(KaapanaDatabase.DICOM_WEB_FILTER).getConnection();
             Statement st = c.createStatement()) {
            assertThat(single(st, "SELECT version_num FROM alembic_version")).isEqualTo("6defb625827a");
            assertThat(single(st, "SELECT count(*) FROM data_projects WHERE project_id = '" + adminId + "'"))
                    .isNotEqualTo("0");
            assertAnalyzedOrDue(st, "data_projects");
        }
        try (Connection c = platform.dataSource(KaapanaDatabase.BACKEND).getConnection();
             Statement st = c.createStatement()) {
            assertThat(single(st, "SELECT version_num FROM alembic_version")).isEqualTo("e689ab05516a");
            assertThat(single(st, "SELECT count(*) FROM dataset WHERE project_id <> '" + adminId + "'")).isEqualTo("0");
            assertThat(single(st, "SELECT count(*) FROM job WHERE conf_data->'project_form'->>'id' ~ '^[0-9]+$'"))
                    .as("no old job keeps an integer project id").isEqualTo("0");
            assertAnalyzedOrDue(st, "identifier2dataset");
            assertAnalyzedOrDue(st, "job");
        }
        platform.undeploy();
    }

    @Test
    @Order(3)
    void aSecondRunChangesNothing(GeneratedInstallation install, SimulatedPlatform platform) {
        MigrationResult again = migration(install, platform).plan().run();
        assertThat(again.status()).as(again.message()).isEqualTo(PlanStatus.INCOMPLETE);
        assertThat(again.steps()).extracting(StepResult::status).containsOnly(StepStatus.VERIFIED_EARLIER);
    }

    /**
     * The migration leaves its rebuilt tables to autovacuum's analyze, as upstream does: the temporary server's clean
     * stop keeps the count of rows written since the last analyze, so the platform's server counts every copied row
     * as new (autovacuum analyzes the table once that count passes its threshold, 50 rows and 10 %) or already
     * analyzed it.
     */
    private static void assertAnalyzedOrDue(Statement st, String table) throws Exception {
        assertThat(single(st, "SELECT s.n_mod_since_analyze || ' written of ' || s.n_live_tup || ' rows, last "
                + "autoanalyze ' || coalesce(s.last_autoanalyze::text, 'none') || ', counted: ' || (s.n_live_tup > 0 "
                + "AND (s.last_autoanalyze IS NOT NULL OR s.n_mod_since_analyze >= s.n_live_tup)) "
                + "FROM pg_stat_user_tables s WHERE s.relname = '" + table + "'"))
                .as("rows written since the last analyze of " + table + ", kept through the temporary server's stop")
                .endsWith("counted: true");
    }

    private static String single(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }

    static List<String> tree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.map(p -> {
                try {
                    return root.relativize(p) + " " + Files.getLastModifiedTime(p) + " "
                            + (Files.isRegularFile(p) ? Files.size(p) : -1);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList();
        }
    }
}
