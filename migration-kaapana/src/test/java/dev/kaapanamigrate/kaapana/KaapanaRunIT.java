package dev.kaapanamigrate.kaapana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.ConfigurationException;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationEvent;
import dev.kaapanamigrate.core.MigrationListener;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.domain.DataFolderMove;
import dev.kaapanamigrate.postgres.MigrateBackendStep;
import dev.kaapanamigrate.postgres.WriteVersionStep;
import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KaapanaMigration#run()} on a generated 0.4.2 installation: the result names the state the installation is
 * left in and how to finish or undo; with {@code restoreOnFailure} a failure after the database work gives back the 0.4
 * tree, proven byte-identical, on which 0.4 starts again; after 0.5 was deployed nothing is restored automatically.
 */
@KaapanaInstallation
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KaapanaRunIT {

    @TempDir
    static Path backupDisk;

    /** A step of the caller that fails in its apply, in the given platform state. */
    record FailingStep(PlatformState requiredState) implements MigrationStep {
        @Override
        public String id() {
            return "test.injected-failure";
        }

        @Override
        public String description() {
            return "fails on purpose";
        }

        @Override
        public StepCheck check(MigrationContext ctx) {
            return StepCheck.pending(List.of(Change.of(Change.Kind.UPDATE, "nothing")));
        }

        @Override
        public List<Change> apply(MigrationContext ctx) {
            throw new IllegalStateException("injected failure");
        }

        @Override
        public Verification verify(MigrationContext ctx) {
            return Verification.builder().build();
        }
    }

    /** The plan with a backup of its own per test: once 0.4 ran on the restored folders, an earlier one is stale. */
    private static KaapanaMigration migration(GeneratedInstallation install, SimulatedPlatform platform, String backup) {
        return KaapanaMigrationIT.migration(install, platform)
                .backup(BackupOptions.to(backupDisk).withName(backup).withThreads(2));
    }

    private static List<String> units() {
        List<String> units = new ArrayList<>();
        for (DataFolderMove move : DataFolderMove.values()) {
            units.add(move.from());
            units.add(move.to());
        }
        units.add("version");
        return units.stream().distinct().sorted().toList();
    }

    @Test
    @Order(0)
    void anAutomaticRestoreWithoutABackupIsRefusedBeforeAnythingRuns(GeneratedInstallation install,
            SimulatedPlatform platform) throws Exception {
        List<String> before = FastFixture.digest(install.fastDataDir(), units());

        assertThatThrownBy(() -> KaapanaMigrationIT.migration(install, platform).restoreOnFailure(true).run())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("needs a backup")
                .hasMessageContaining("backupDirectory(dir)");
        assertThat(FastFixture.digest(install.fastDataDir(), units())).isEqualTo(before);
        assertThat(install.fastDataDir().resolve(KaapanaMigration.STATE_DIRECTORY)).doesNotExist();
    }

    @Test
    @Order(1)
    void aFailureAfterTheDatabaseWorkIsUndoneFromTheVerifiedBackupAnd04StartsAgain(GeneratedInstallation install,
            SimulatedPlatform platform) throws Exception {
        Path fast = install.fastDataDir();
        List<String> before = FastFixture.digest(fast, units());

        KaapanaRun run = migration(install, platform, "first").restoreOnFailure(true)
                .step(new FailingStep(PlatformState.UNDEPLOYED), MigrateBackendStep.ID)
                .run();

        assertThat(run.result().status()).isEqualTo(PlanStatus.FAILED);
        assertThat(run.result().step(MigrateBackendStep.ID).orElseThrow().status()).isEqualTo(StepStatus.APPLIED);
        assertThat(run.installation()).as(run.summary()).isEqualTo(InstallationState.RESTORED);
        assertThat(run.restoreProblem()).isNull();
        RestoreResult restore = run.restore().orElseThrow();
        assertThat(FastFixture.digest(fast, units())).as("the 0.4 folders byte-identical, no 0.5 folder left")
                .isEqualTo(before);
        assertThat(fast.resolve(KaapanaMigration.STATE_DIRECTORY)).as("the journal moved aside").doesNotExist();
        assertThat(restore.stateDirectoryMovedTo()).isPresent();
        assertThat(restore.stateDirectoryMovedTo().orElseThrow()).exists();
        assertThat(run.summary()).contains("injected failure");
        assertThat(run.nextSteps()).anySatisfy(s -> assertThat(s).contains("Deploy 0.4 again", "STEP_FAILED"))
                .anySatisfy(s -> assertThat(s).contains(restore.asideDirectory().toString()));
        assertThat(run.summary()).contains("RESTORED".toLowerCase(java.util.Locale.ROOT), "proven byte-identical");

        platform.startSource(); // 0.4's databases start on the restored folders and hold their data
        try (Connection c = platform.dataSource(KaapanaDatabase.ACCESS_INFORMATION).getConnection();
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                     "SELECT to_regclass('alembic_version') IS NULL, (SELECT count(*) FROM projects)")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).as("access-information is 0.4's again").isTrue();
            assertThat(rs.getLong(2)).isPositive();
        } finally {
            platform.undeploy();
        }
    }

    @Test
    @Order(2)
    void withoutTheAutomaticRestoreTheResultSaysPartlyMigratedAndHowToFinishOrUndo(GeneratedInstallation install,
            SimulatedPlatform platform) {
        KaapanaRun run = migration(install, platform, "second")
                .step(new FailingStep(PlatformState.UNDEPLOYED), MigrateBackendStep.ID)
                .run();

        assertThat(run.installation()).as(run.summary()).isEqualTo(InstallationState.PARTLY_MIGRATED);
        assertThat(run.restore()).isEmpty();
        assertThat(run.nextSteps()).hasSize(3);
        assertThat(run.nextSteps().get(0)).contains("Keep the platform undeployed");
        assertThat(run.nextSteps().get(1)).contains("STEP_FAILED", "run again");
        assertThat(run.nextSteps().get(2)).contains("restore the verified backup",
                backupDisk.resolve("second").toString());
        assertThat(install.folder05(KaapanaDatabase.BACKEND)).exists();
        assertThat(KaapanaReport.of(run).brief()).contains("Installation: partly migrated", "Next 3: To undo instead");
    }

    @Test
    @Order(3)
    void theFinishedRunSaysMigratedNotDeployedWithTheDeployToDo(GeneratedInstallation install,
            SimulatedPlatform platform) {
        List<MigrationEvent.PlanFinished> finished = new ArrayList<>();
        KaapanaRun run = migration(install, platform, "second").restoreOnFailure(true)
                .customizePlan(b -> b.listener(new MigrationListener() {
                    @Override
                    public void planFinished(MigrationEvent.PlanFinished event) {
                        finished.add(event);
                    }
                }))
                .run();

        assertThat(run.result().status()).as(run.summary()).isEqualTo(PlanStatus.INCOMPLETE); // no store clients
        assertThat(finished).as("the customization's listener heard the run").hasSize(1);
        assertThat(run.installation()).isEqualTo(InstallationState.MIGRATED_NOT_DEPLOYED);
        assertThat(run.restore()).isEmpty();
        assertThat(run.nextSteps().get(0)).contains("Deploy 0.5.2");
        assertThat(install.fastDataDir().resolve("version")).hasContent("0.5.2");
    }

    @Test
    @Order(4)
    void aFailureOnceThe05PlatformRunsIsNotRestoredAndSaysToUndeployFirst(GeneratedInstallation install,
            SimulatedPlatform platform) throws Exception {
        try {
            KaapanaRun run = migration(install, platform, "second").restoreOnFailure(true)
                    .step(new FailingStep(PlatformState.TARGET_RUNNING), WriteVersionStep.ID)
                    .run();

            assertThat(run.result().status()).isEqualTo(PlanStatus.FAILED);
            assertThat(platform.current()).isEqualTo(PlatformState.TARGET_RUNNING);
            assertThat(run.installation()).as(run.summary()).isEqualTo(InstallationState.DEPLOYED_NOT_PROVEN);
            assertThat(run.restore()).isEmpty();
            assertThat(run.restoreProblem().fix()).contains("undeploy 0.5 first");
            assertThat(run.nextSteps()).anySatisfy(s -> assertThat(s).startsWith("To undo: undeploy 0.5 first"));
            assertThat(install.folder05(KaapanaDatabase.BACKEND)).exists();
            assertThat(Files.exists(install.folder04(KaapanaDatabase.BACKEND))).isFalse();
        } finally {
            platform.undeploy();
        }
    }
}
