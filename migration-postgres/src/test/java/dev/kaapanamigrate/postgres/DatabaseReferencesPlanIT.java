package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.domain.ServiceDatabase;
import static dev.kaapanamigrate.postgres.BackendDatabases.digest;
import static dev.kaapanamigrate.postgres.BackendDatabases.execute;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepPreview;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.testkit.InstallationModel;
import dev.kaapanamigrate.testkit.InstallationSize;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.ReliabilityCounts;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The three steps in one plan after a stand-in for the backend migration (which puts the project list), with a
 * journal: the dry-run changes nothing and lists what the run then applies; a re-run finds nothing to do; a
 * password 0.5 cannot use blocks the run.
 */
@KaapanaInstallation(size = InstallationSize.SMALL)
@ExtendWith(ReliabilityCounts.class)
class DatabaseReferencesPlanIT {

    private static final String[] TABLES = {"job", "workflow", "kaapana_instance", "settings", "dataset"};

    @TempDir
    Path state;

    @Test
    void dryRunThenRunThenNothingLeftAndABadPasswordBlocks(SimulatedPlatform platform) throws Exception {
        platform.startSource();
        DataSource backend = platform.dataSource(KaapanaDatabase.BACKEND);
        ProjectList projects = BackendDatabases.projectList(platform.dataSource(KaapanaDatabase.ACCESS_INFORMATION));
        DatabaseConnections connections = BackendDatabases.connections(platform);
        MigrationPlan plan = plan(connections, projects, state);
        String before = digest(backend, TABLES);

        PlanPreview preview = plan.check();

        assertThat(preview.isBlocked()).isFalse();
        assertThat(digest(backend, TABLES)).as("a dry-run changes nothing").isEqualTo(before);
        StepCheck references = check(preview, BackendReferencesStep.ID);
        assertThat(references).isInstanceOf(StepCheck.Pending.class);
        assertThat(references.changes()).extracting(Change::target).contains("kaapana-backend.job.conf_data.project_form.id");
        assertThat(check(preview, ReportExtensionDagsStep.ID)).isInstanceOfSatisfying(StepCheck.UpToDate.class,
                u -> assertThat(u.detail()).contains(InstallationModel.EXTENSION_DAG));
        assertThat(check(preview, RolePasswordStep.ID)).isInstanceOf(StepCheck.UpToDate.class);

        MigrationResult result = plan.run();

        assertThat(result.status()).as(String.valueOf(result)).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(result.step(BackendReferencesStep.ID).orElseThrow().status()).isEqualTo(StepStatus.APPLIED);
        assertThat(result.step(BackendReferencesStep.ID).orElseThrow().changes()).isEqualTo(references.changes());
        assertThat(result.step(ReportExtensionDagsStep.ID).orElseThrow().status()).isEqualTo(StepStatus.UP_TO_DATE);
        assertThat(result.step(ReportExtensionDagsStep.ID).orElseThrow().verification().facts())
                .anySatisfy(f -> assertThat(f.name()).isEqualTo("extension DAG " + InstallationModel.EXTENSION_DAG));

        // a plan without the journal finds everything done
        MigrationResult again = plan(connections, projects, null).run();
        assertThat(again.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(again.step(BackendReferencesStep.ID).orElseThrow().status()).isEqualTo(StepStatus.UP_TO_DATE);

        // kaapanauser of access-information with another password: the run stops at the password step
        execute(platform.dataSource(KaapanaDatabase.ACCESS_INFORMATION), "ALTER ROLE kaapanauser PASSWORD 'S3cret-plan'");
        PGSimpleDataSource aii = (PGSimpleDataSource) platform.dataSource(KaapanaDatabase.ACCESS_INFORMATION);
        aii.setPassword("S3cret-plan");
        DatabaseConnections withOtherPassword = DatabaseConnections.of(Map.of(
                ServiceDatabase.ACCESS_INFORMATION, aii,
                ServiceDatabase.DICOM_WEB_FILTER, platform.dataSource(KaapanaDatabase.DICOM_WEB_FILTER),
                ServiceDatabase.BACKEND, backend));
        String migrated = digest(backend, TABLES);
        MigrationResult blocked = plan(withOtherPassword, projects, null).run();
        assertThat(blocked.status()).isEqualTo(PlanStatus.BLOCKED);
        assertThat(blocked.step(RolePasswordStep.ID).orElseThrow().message()).contains("withReset(true)")
                .contains("cannot log in", "a SCRAM-SHA-256 verifier of the password Kaapana 0.5 uses")
                .doesNotContain("S3cret-plan");
        assertThat(blocked.step(RolePasswordStep.ID).orElseThrow().problem().code())
                .isEqualTo(dev.kaapanamigrate.core.CoreErrorCode.PRECONDITION_FAILED);
        assertThat(digest(backend, TABLES)).as("the refused run changed no table").isEqualTo(migrated);
        execute(aii, "ALTER ROLE kaapanauser PASSWORD 'Kaapana2020'"); // logs in with the other one: not reset
        ReliabilityCounts.proved(DatabaseReferencesPlanIT.class, "bad input: a role password other than 0.5's "
                + "blocks the run, coded, with the fix, no backend table changed and the password not reset");
    }

    private static StepCheck check(PlanPreview preview, String stepId) {
        return preview.steps().stream().filter(s -> s.stepId().equals(stepId)).map(StepPreview::check).findFirst().orElseThrow();
    }

    private static MigrationPlan plan(DatabaseConnections connections, ProjectList projects, Path state) {
        MigrationPlan.Builder b = MigrationPlan.builder()
                .step(new ProjectListStandIn(projects))
                .step(new BackendReferencesStep(connections, BackendReferencesOptions.defaults()), MigrateBackendStep.ID)
                .step(new ReportExtensionDagsStep(connections))
                .step(new RolePasswordStep(connections, RolePasswordOptions.defaults()))
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED));
        return (state == null ? b.inMemoryState() : b.stateDirectory(state)).build();
    }

    /** Stands in for the backend migration of the other work package: it puts the project list. */
    private record ProjectListStandIn(ProjectList projects) implements MigrationStep {
        @Override
        public String id() {
            return MigrateBackendStep.ID;
        }

        @Override
        public String description() {
            return "stand-in for the backend migration: puts the project list";
        }

        @Override
        public StepCheck check(MigrationContext ctx) {
            ctx.put(ProjectList.KEY, projects);
            return StepCheck.upToDate("stand-in");
        }

        @Override
        public List<Change> apply(MigrationContext ctx) {
            return List.of();
        }

        @Override
        public Verification verify(MigrationContext ctx) {
            return Verification.builder().expect("project list put", true, ctx.get(ProjectList.KEY).isPresent()).build();
        }
    }
}
