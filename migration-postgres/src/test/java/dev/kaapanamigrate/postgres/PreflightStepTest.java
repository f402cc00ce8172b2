package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.DataFolderMove;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.testkit.ReliabilityCounts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The preflight checks on real PostgreSQL data folders (without a live server; see PreflightIT). */
@ExtendWith(ReliabilityCounts.class)
class PreflightStepTest {

    @TempDir
    Path root;

    @Test
    void passesOnACleanSetOfFoldersAndChangesNothing() throws Exception {
        Path fast = Folders.fast04(root);
        String before = Folders.digest(fast);
        Path backup = Files.createDirectories(root.resolve("backup"));
        PreflightStep step = new PreflightStep(fast, backup);
        MigrationContext ctx = MigrationContext.standalone();

        StepCheck check = step.check(ctx);

        assertThat(check).isInstanceOf(StepCheck.UpToDate.class);
        assertThat(((StepCheck.UpToDate) check).detail()).contains("preflight passed for 5 PostgreSQL data folder(s)",
                "fit into " + backup).doesNotContain("notes");
        assertThat(step.apply(ctx)).isEmpty();
        assertThat(step.verify(ctx).passed()).isTrue();
        assertThat(Folders.digest(fast)).isEqualTo(before);
    }

    @Test
    void blocksAWrongPgVersionAndListsEveryFinding() throws Exception {
        Path fast = Folders.fast04(root);
        Path airflow = fast.resolve(DataFolderMove.AIRFLOW.from());
        Files.writeString(airflow.resolve("PG_VERSION"), "16\n");
        Path keycloak = fast.resolve(DataFolderMove.KEYCLOAK.to());
        Folders.copyTemplate(keycloak); // also at its 0.5 name
        Files.writeString(keycloak.resolve("PG_VERSION"), "18\n");
        String before = Folders.digest(fast);
        PreflightStep step = new PreflightStep(fast, root.resolve("no-backup-here"));

        StepCheck check = step.check(MigrationContext.standalone());

        assertThat(check).isInstanceOf(StepCheck.Blocked.class);
        assertThat(check.changes()).isEmpty();
        var p = ((StepCheck.Blocked) check).problem();
        assertThat(p.code()).isEqualTo(dev.kaapanamigrate.core.CoreErrorCode.PRECONDITION_FAILED);
        String real = fast.toRealPath().toString();
        assertThat(p.found()).contains("1) " + real + "/postgres-airflow is a PostgreSQL 16 data folder",
                "2) " + real + "/keycloak-postgres-data is a PostgreSQL 18 data folder",
                "3) the backup directory " + root.resolve("no-backup-here") + " does not exist", "nothing was changed");
        assertThat(p.expected()).contains("1) PostgreSQL 17", "3) an existing backup directory");
        assertThat(p.fix()).contains("1) restore postgres-airflow from a backup", "3) create ");
        assertThat(step.verify(MigrationContext.standalone()).passed()).isFalse();
        assertThat(Folders.digest(fast)).isEqualTo(before);
        ReliabilityCounts.proved(PreflightStepTest.class, "bad input: PostgreSQL 16/18 data folders and a missing backup directory refused, coded, FAST unchanged");
    }

    @Test
    void aStalePostmasterPidIsANoteAndASymbolicLinkIsAFinding() throws Exception {
        Path fast = Folders.fast04(root);
        Files.writeString(fast.resolve(DataFolderMove.BACKEND.from()).resolve("postmaster.pid"), "1\n/var/lib/postgresql/data\n");

        StepCheck check = new PreflightStep(fast, null).check(MigrationContext.standalone());

        assertThat(check).isInstanceOf(StepCheck.UpToDate.class);
        assertThat(((StepCheck.UpToDate) check).detail()).contains("notes:", "stale postmaster.pid (pid 1");

        Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
        Files.createSymbolicLink(fast.resolve(DataFolderMove.BACKEND.to()), elsewhere);
        StepCheck linked = new PreflightStep(fast, null).check(MigrationContext.standalone());
        assertThat(linked).isInstanceOf(StepCheck.Blocked.class);
        assertThat(((StepCheck.Blocked) linked).problem().found()).contains("kaapana-backend-postgres-data is a symbolic link");
    }

    @Test
    void aStrayFileOrLinkAtATargetNameGetsTheMoveStepsFixFromThePreflightToo() throws Exception {
        Path fast = Folders.fast04(root);
        Path file = fast.resolve(DataFolderMove.AIRFLOW.to());
        Files.writeString(file, "left by someone");
        Path link = fast.resolve(DataFolderMove.BACKEND.to());
        Files.createSymbolicLink(link, Files.createDirectories(root.resolve("elsewhere")));
        String before = Folders.digest(fast);

        StepCheck preflight = new PreflightStep(fast, null).check(MigrationContext.standalone());
        StepCheck rename = new RenameDataFoldersStep(fast).check(MigrationContext.standalone());

        String real = fast.toRealPath().toString();
        for (StepCheck check : java.util.List.of(preflight, rename)) {
            assertThat(check).isInstanceOfSatisfying(StepCheck.Blocked.class, b -> {
                assertThat(b.problem().code()).isEqualTo(dev.kaapanamigrate.core.CoreErrorCode.PRECONDITION_FAILED);
                assertThat(b.problem().found()).contains("target " + real + "/airflow-postgres-data is a file",
                        "target " + real + "/kaapana-backend-postgres-data is a symbolic link to " + root.resolve("elsewhere"));
                assertThat(b.problem().expected()).contains("no airflow-postgres-data yet");
                assertThat(b.problem().fix()).contains("remove the link or file " + real + "/airflow-postgres-data",
                        "remove the link or file " + real + "/kaapana-backend-postgres-data").doesNotContain("replace");
            });
        }
        assertThat(Folders.digest(fast)).isEqualTo(before);
        ReliabilityCounts.proved(PreflightStepTest.class, "bad input: a stray file at a target name refused, coded, FAST unchanged");
    }

    @Test
    void aDryRunWithTheVersionStepsChangesNothing() throws Exception {
        Path fast = Folders.fast04(root);
        Files.writeString(fast.resolve("version"), "0.4.2\n");
        String before = Folders.digest(fast);
        MigrationPlan plan = MigrationPlan.builder()
                .step(new DetectVersionStep(fast))
                .step(new PreflightStep(fast, null))
                .step(new RenameDataFoldersStep(fast))
                .step(new WriteVersionStep(fast))
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .stateDirectory(root.resolve("state"))
                .build();

        PlanPreview preview = plan.check();

        assertThat(preview.isBlocked()).as(preview.toString()).isFalse();
        assertThat(preview.changes()).hasSize(5 + 1 + 1); // five moves, remove keycloak, write the version
        assertThat(Folders.digest(fast)).isEqualTo(before);
    }

    @Test
    void aDataFolderThatStaysIsCheckedForItsMajorVersionAndNoLiveServer() throws Exception {
        Path pacs = root.resolve("postgres-dcm4che");
        Folders.copyTemplate(pacs);

        var fine = PreflightStep.checkDataFolder(pacs);
        Files.writeString(pacs.resolve("PG_VERSION"), "16\n");
        var old = PreflightStep.checkDataFolder(pacs);
        var missing = PreflightStep.checkDataFolder(root.resolve("postgres-missing"));

        assertThat(fine).isEmpty();
        assertThat(old).singleElement().satisfies(p -> assertThat(p.found()).contains("postgres-dcm4che is a "
                + "PostgreSQL 16 data folder"));
        assertThat(missing).singleElement().satisfies(p -> assertThat(p.found()).contains("does not exist"));
    }
}
