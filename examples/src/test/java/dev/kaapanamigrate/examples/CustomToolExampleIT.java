package dev.kaapanamigrate.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.StandaloneContext;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepRunner;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.postgres.BackendReferencesStep;
import dev.kaapanamigrate.postgres.DatabaseConnections;
import dev.kaapanamigrate.postgres.DatabaseMigrationOptions;
import dev.kaapanamigrate.postgres.MigrateAccessInformationStep;
import dev.kaapanamigrate.postgres.MigrateBackendStep;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The custom tool of use case 3 on a generated installation, on the caller's own connections. */
@KaapanaInstallation
class CustomToolExampleIT {

    @Test
    void theToolMigratesOnlyTheBackendTakingTheProjectsFromTheMigratedAccessInformationDatabase(SimulatedPlatform platform)
            throws Exception {
        // The tool's own servers: the simulated 0.4 pods, reached over loopback with the databases' own passwords.
        platform.startSource();
        DataSource aii = platform.dataSource(KaapanaDatabase.ACCESS_INFORMATION);
        DataSource backend = platform.dataSource(KaapanaDatabase.BACKEND);
        // Migrated elsewhere, before the tool runs.
        try (StandaloneContext ctx = MigrationContext.standalone()) {
            StepResult aiiResult = StepRunner.run(new MigrateAccessInformationStep(DatabaseConnections.of(
                    Map.of(ServiceDatabase.ACCESS_INFORMATION, aii)), DatabaseMigrationOptions.defaults()), ctx);
            assertThat(aiiResult.status()).isEqualTo(StepStatus.APPLIED);
        }

        MigrationResult result = CustomToolExample.migrateBackend(aii, backend);

        assertThat(result.step(MigrateBackendStep.ID).orElseThrow().status()).isEqualTo(StepStatus.APPLIED);
        assertThat(result.step(BackendReferencesStep.ID).orElseThrow().status()).isEqualTo(StepStatus.APPLIED);
        assertThat(result.step("tool.count-datasets").orElseThrow().status()).isEqualTo(StepStatus.UP_TO_DATE);
        assertThat(single(backend, "SELECT version_num FROM alembic_version")).isEqualTo("e689ab05516a");
        assertThat(single(backend, "SELECT string_agg(DISTINCT project_id::text, ',') FROM dataset"))
                .isEqualTo(single(aii, "SELECT p.id::text FROM admin_project a JOIN projects p ON p.id = a.project_id"));
        assertThat(CustomToolExample.migrateBackend(aii, backend).step(MigrateBackendStep.ID).orElseThrow().status())
                .as("a second run finds nothing to do").isEqualTo(StepStatus.UP_TO_DATE);
    }

    private static String single(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
