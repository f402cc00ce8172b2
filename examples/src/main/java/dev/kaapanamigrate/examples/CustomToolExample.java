package dev.kaapanamigrate.examples;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.postgres.BackendReferencesOptions;
import dev.kaapanamigrate.postgres.BackendReferencesStep;
import dev.kaapanamigrate.postgres.DatabaseConnections;
import dev.kaapanamigrate.postgres.MigrateBackendStep;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Use case 3, a custom tool: only the kaapana-backend migration and its reference rewrites, on the tool's own
 * connections, plus a step of its own. The access-information database was migrated elsewhere: the backend step reads
 * the project list from it.
 */
public final class CustomToolExample {

    private CustomToolExample() {
    }

    // USE-CASE-CUSTOM-TOOL-START
    /**
     * Migrates the backend database and rewrites its stored references, then counts the datasets.
     *
     * @param accessInformation the (already migrated) access-information database, read only
     * @param backend           the kaapana-backend database
     * @return the run's result
     */
    public static MigrationResult migrateBackend(DataSource accessInformation, DataSource backend) {
        DatabaseConnections own = DatabaseConnections.of(Map.of(
                ServiceDatabase.ACCESS_INFORMATION, accessInformation, ServiceDatabase.BACKEND, backend));
        return MigrationPlan.builder()
                .step(new MigrateBackendStep(own))
                .step(new BackendReferencesStep(own, BackendReferencesOptions.defaults()), MigrateBackendStep.ID)
                .step(new CountDatasetsStep(backend), BackendReferencesStep.ID)       // a step of the tool's own
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .inMemoryState()
                .build()
                .run()
                .orThrow();
    }
    // USE-CASE-CUSTOM-TOOL-END

    /** A read-only step of the tool: proves every dataset has a project after the migration. */
    static final class CountDatasetsStep implements MigrationStep {
        private final DataSource backend;

        CountDatasetsStep(DataSource backend) {
            this.backend = backend;
        }

        @Override
        public String id() {
            return "tool.count-datasets";
        }

        @Override
        public String description() {
            return "Count the datasets and those without a project";
        }

        @Override
        public StepCheck check(MigrationContext ctx) {
            return StepCheck.upToDate("read-only");
        }

        @Override
        public List<Change> apply(MigrationContext ctx) {
            return List.of();
        }

        @Override
        public Verification verify(MigrationContext ctx) {
            return Verification.builder()
                    .fact("datasets", "at least one", String.valueOf(count("SELECT count(*) FROM dataset")),
                            count("SELECT count(*) FROM dataset") > 0)
                    .expect("datasets without a project", 0L, count("SELECT count(*) FROM dataset WHERE project_id IS NULL"))
                    .build();
        }

        private long count(String sql) {
            try (Connection c = backend.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot count: " + e.getMessage(), e);
            }
        }
    }
}
