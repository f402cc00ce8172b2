package dev.kaapanamigrate.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.testkit.InstallationModel;
import dev.kaapanamigrate.testkit.InstallationSize;
import dev.kaapanamigrate.testkit.InstallationSpec;
import dev.kaapanamigrate.testkit.internal.DatabaseLoader;
import dev.kaapanamigrate.testkit.postgres.ClusterSpec;
import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.testkit.postgres.PostgresCluster;
import dev.kaapanamigrate.pgserver.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three migrations on the LARGE databases (one million jobs and one million dataset memberships, 750,000 series):
 * a benchmark, run on request with {@code -Dkaapana.benchmark=true} (loading the databases takes minutes).
 */
@EnabledIfSystemProperty(named = "kaapana.benchmark", matches = "true")
class DatabaseMigrationBenchmarkIT {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseMigrationBenchmarkIT.class);

    @Test
    void migratesTheLargeDatabases() throws Exception {
        InstallationSpec spec = InstallationSpec.of(InstallationSize.LARGE);
        Path root = Files.createTempDirectory("db-benchmark-");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (PostgresServer server = PostgresCluster.create(root.resolve("pg"),
                ClusterSpec.of("kaapanauser", "Kaapana2020", "kaapanauser"), PostgresBinaries.resolve()).start()) {
            try (Connection c = server.dataSource("kaapanauser", "kaapanauser", "Kaapana2020").getConnection();
                 Statement st = c.createStatement()) {
                for (String db : new String[]{"aii", "dwf", "backend"}) {
                    st.execute("CREATE DATABASE " + db);
                }
            }
            long loadStart = System.nanoTime();
            DatabaseLoader loader = new DatabaseLoader(new InstallationModel(spec));
            try (Connection aii = server.dataSource("aii", "kaapanauser", "Kaapana2020").getConnection();
                 Connection dwf = server.dataSource("dwf", "kaapanauser", "Kaapana2020").getConnection();
                 Connection backend = server.dataSource("backend", "kaapanauser", "Kaapana2020").getConnection()) {
                loader.loadAccessInformation(aii);
                loader.loadDicomWebFilter(dwf);
                loader.loadBackend(backend);
                for (Connection c : new Connection[]{aii, dwf, backend}) {
                    try (Statement st = c.createStatement()) {
                        st.execute("VACUUM ANALYZE"); // as a database that has run for a while
                    }
                }
            }
            LOG.warn("Loaded the LARGE databases in {} ms", (System.nanoTime() - loadStart) / 1_000_000);
            DatabaseConnections connections = DatabaseConnections.of(Map.of(
                    ServiceDatabase.ACCESS_INFORMATION, server.dataSource("aii", "kaapanauser", "Kaapana2020"),
                    ServiceDatabase.DICOM_WEB_FILTER, server.dataSource("dwf", "kaapanauser", "Kaapana2020"),
                    ServiceDatabase.BACKEND, server.dataSource("backend", "kaapanauser", "Kaapana2020")));
            DatabaseMigrationOptions options = DatabaseMigrationOptions.defaults();
            MigrationPlan plan = MigrationPlan.builder()
                    .step(new MigrateAccessInformationStep(connections, options))
                    .step(new MigrateDicomWebFilterStep(connections, options))
                    .step(new MigrateBackendStep(connections))
                    .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                    .inMemoryState().build();

            MigrationResult result = plan.run();

            assertThat(result.status()).as(result.toString()).isEqualTo(PlanStatus.SUCCEEDED);
            for (StepResult r : result.steps()) {
                LOG.warn("{}: {} in {} ms (check + apply + verify)", r.stepId(), r.status(), r.duration().toMillis());
            }
            LOG.warn("All three databases migrated and verified in {} ms", result.duration().toMillis());
        } finally {
            try (var files = Files.walk(root)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
