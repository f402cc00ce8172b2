package dev.kaapanamigrate.kaapana;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.domain.DataFolderMove;
import dev.kaapanamigrate.postgres.RenameDataFoldersStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run left is judged from the installation too, not only from what the steps reported. */
class RunAssessorTest {

    @TempDir
    Path fast;

    private static MigrationResult blockedBeforeAnyChange() {
        Problem p = Problem.of(CoreErrorCode.JOURNAL_MISMATCH, "the check of a step the journal calls verified is "
                + "blocked", "a check that confirms the journal", "see the step");
        StepResult rename = new StepResult(RenameDataFoldersStep.ID, "rename", PlatformState.UNDEPLOYED,
                StepStatus.BLOCKED, List.of(), null, Duration.ZERO, p.code(), p.found(), p);
        Instant now = Instant.parse("2026-12-06T07:00:00Z");
        return new MigrationResult(UUID.randomUUID(), PlanStatus.BLOCKED, now, now, List.of(rename), p.code(),
                p.found(), null, List.of(), MigrationResult.Operation.RUN);
    }

    private RunAssessor assessor() {
        return new RunAssessor(fast, fast.resolve(".kaapana-migrate"), null, false,
                PlatformControl.assumeState(PlatformState.UNDEPLOYED));
    }

    @Test
    void aRunBlockedBeforeItsFirstChangeOnAnUntouchedTreeLeavesItAsBefore() {
        KaapanaRun run = assessor().assess(blockedBeforeAnyChange());

        assertThat(run.installation()).isEqualTo(InstallationState.AS_BEFORE);
        assertThat(run.nextSteps()).last().asString().contains("deploy 0.4 again");
    }

    @Test
    void aFolderUnderIts05NameMakesTheInstallationPartlyMigratedWhateverTheStepsReported() throws Exception {
        Files.createDirectory(fast.resolve(DataFolderMove.values()[0].to()));

        KaapanaRun run = assessor().assess(blockedBeforeAnyChange());

        assertThat(run.installation()).isEqualTo(InstallationState.PARTLY_MIGRATED);
        assertThat(run.nextSteps().get(0)).contains("Keep the platform undeployed");
        assertThat(run.nextSteps().get(2)).contains("this run took no backup");
    }
}
