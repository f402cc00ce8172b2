package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ServiceDatabase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepPreview;
import dev.kaapanamigrate.core.Verification;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Options, dependencies and context handling of the reference, password and extension DAG steps; no database. */
class DatabaseReferenceStepsTest {

    /** Connections that must not be used. */
    private static final DatabaseConnections NO_DATABASE = (db, ctx) -> {
        throw new AssertionError("the step asked for the " + db + " database");
    };

    @Test
    void backendReferenceDefaultsRewriteConfigurationAndProjectIds() {
        BackendReferencesOptions defaults = BackendReferencesOptions.defaults();
        assertThat(defaults).isEqualTo(new BackendReferencesOptions(true, false, true));
        BackendReferencesStep step = new BackendReferencesStep(NO_DATABASE, defaults);
        assertThat(step.id()).isEqualTo("postgres.rewrite-backend-references");
        assertThat(step.requiredState()).isEqualTo(PlatformState.UNDEPLOYED);
        assertThat(step.description()).contains("allowed DAGs", "project ids").doesNotContain("history");
        BackendReferencesOptions custom = defaults.withHistory(true).withProjectIds(false);
        assertThat(custom).isEqualTo(new BackendReferencesOptions(true, true, false));
    }

    @Test
    void withoutTheProjectListOrAnAccessInformationDatabaseTheReferenceStepNamesTheMissingValue() {
        // No database configured at all: the step cannot read the list from a migrated access-information database.
        BackendReferencesStep step = new BackendReferencesStep(DatabaseConnections.of(java.util.Map.of()),
                BackendReferencesOptions.defaults());
        for (var call : List.<java.util.function.Consumer<MigrationContext>>of(step::check, step::apply, step::verify)) {
            assertThatThrownBy(() -> call.accept(MigrationContext.standalone()))
                    .isInstanceOfSatisfying(MigrationException.class, e -> {
                        assertThat(e.code()).isEqualTo(CoreErrorCode.CONTEXT_VALUE_MISSING);
                        assertThat(e.getMessage()).contains("kaapana.projects");
                    });
        }
    }

    @Test
    void aDryRunReportsTheReferenceStepWaitingForTheMigrationThatProducesTheProjectList() {
        MigrationPlan plan = MigrationPlan.builder()
                .step(new ProducesProjectList())
                .step(new BackendReferencesStep(NO_DATABASE, BackendReferencesOptions.defaults()), MigrateBackendStep.ID)
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .inMemoryState()
                .build();

        PlanPreview preview = plan.check();

        StepPreview references = preview.steps().get(1);
        assertThat(references.stepId()).isEqualTo(BackendReferencesStep.ID);
        assertThat(references.check()).isInstanceOfSatisfying(StepCheck.Waiting.class,
                w -> assertThat(w.stepIds()).containsExactly("postgres.migrate-backend"));
        assertThat(preview.isBlocked()).isFalse();
    }

    @Test
    void rolePasswordDefaultsCheckTheTwoDatabasesWithFixedPasswordsWithoutReset() {
        RolePasswordOptions defaults = RolePasswordOptions.defaults();
        assertThat(defaults.reset()).isFalse();
        assertThat(defaults.databases()).containsExactly(ServiceDatabase.ACCESS_INFORMATION, ServiceDatabase.DICOM_WEB_FILTER);
        RolePasswordStep step = new RolePasswordStep(NO_DATABASE, defaults.withReset(true));
        assertThat(step.id()).isEqualTo("postgres.align-role-passwords");
        assertThat(step.description()).contains("access-information and dicom-web-filter", "reset");
        assertThatThrownBy(() -> defaults.withDatabases(List.of(ServiceDatabase.BACKEND)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same in 0.4 and 0.5");
        assertThatThrownBy(() -> defaults.withDatabases(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anExtensionDagDescribesWhereItIsUsed() {
        ExtensionDag dag = new ExtensionDag("my-dag", List.of("admin", "neuro"), 12, 3, List.of("site-a"), List.of("kaapana"));
        assertThat(dag.describe()).isEqualTo("my-dag: projects admin, neuro; 12 jobs, 3 workflows; allowed on site-a; "
                + "saved settings of kaapana");
        assertThat(new ExtensionDags(List.of(dag)).byId("my-dag")).contains(dag);
    }

    /** Stands in for the backend migration: pending in a dry-run, puts the project list when applied. */
    private static final class ProducesProjectList implements MigrationStep {
        @Override
        public String id() {
            return "postgres.migrate-backend";
        }

        @Override
        public String description() {
            return "stand-in for the backend migration";
        }

        @Override
        public StepCheck check(MigrationContext ctx) {
            return StepCheck.pending(List.of(Change.of(Change.Kind.SCHEMA, "kaapana-backend")));
        }

        @Override
        public List<Change> apply(MigrationContext ctx) {
            return List.of();
        }

        @Override
        public Verification verify(MigrationContext ctx) {
            return Verification.builder().expect("stand-in", true, true).build();
        }
    }
}
