package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.DataFolderMove;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.testkit.ReliabilityCounts;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The folder moves on real initdb data folders: every partial state, every refusal, dry-run and re-run. */
@ExtendWith(ReliabilityCounts.class)
class RenameDataFoldersStepTest {

    @TempDir
    Path root;
    Path fast;
    Path state;

    @BeforeEach
    void setUp() throws Exception {
        fast = Folders.fast04(root);
        state = root.resolve("state");
    }

    private MigrationPlan plan() {
        return MigrationPlan.builder().step(new RenameDataFoldersStep(fast))
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .stateDirectory(state).build();
    }

    private static StepCheck check(Path fast) {
        return new RenameDataFoldersStep(fast).check(MigrationContext.standalone());
    }

    private static Change move(Path fast, DataFolderMove m) throws Exception {
        return Change.of(Change.Kind.MOVE, fast.toRealPath().toString(), m.from(), m.to(), 1);
    }

    private static Change deleteKeycloak(Path fast) throws Exception {
        return Change.of(Change.Kind.DELETE, fast.toRealPath().resolve("keycloak").toString(), "empty directory", null, 1);
    }

    private Map<DataFolderMove, Long> inodes(boolean target) throws Exception {
        Map<DataFolderMove, Long> m = new EnumMap<>(DataFolderMove.class);
        for (DataFolderMove d : DataFolderMove.values()) {
            m.put(d, ((Number) Files.getAttribute(fast.resolve(target ? d.to() : d.from()), "unix:ino",
                    LinkOption.NOFOLLOW_LINKS)).longValue());
        }
        return m;
    }

    private void assertMigrated() throws Exception {
        for (DataFolderMove m : DataFolderMove.values()) {
            assertThat(fast.resolve(m.from())).doesNotExist();
            assertThat(fast.resolve(m.to()).resolve("PG_VERSION")).hasContent("17");
            assertThat(Files.getAttribute(fast.resolve(m.to()), "unix:uid")).isEqualTo(70);
            assertThat(Files.getAttribute(fast.resolve(m.to()), "unix:mode")).isEqualTo(040700);
        }
        assertThat(fast.resolve("keycloak")).doesNotExist();
        assertThat(fast.resolve("os/data/marker.txt")).hasContent("stays");
    }

    @Test
    void movesAllFiveByRenameKeepingInodesAndASecondRunIsUpToDate() throws Exception {
        Map<DataFolderMove, Long> before = inodes(false);
        Map<DataFolderMove, String> sources = new EnumMap<>(DataFolderMove.class);
        for (DataFolderMove m : DataFolderMove.values()) {
            sources.put(m, Folders.digest(fast.resolve(m.from())));
        }
        List<Long> progress = new ArrayList<>();

        MigrationResult result = plan().toBuilder().listener(new dev.kaapanamigrate.core.MigrationListener() {
            @Override
            public void stepProgress(dev.kaapanamigrate.core.MigrationEvent.StepProgress e) {
                progress.add(e.done());
            }
        }).build().run();

        assertThat(result.status()).as(result.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(result.step(RenameDataFoldersStep.ID).orElseThrow().status()).isEqualTo(StepStatus.APPLIED);
        List<Change> expected = new ArrayList<>();
        for (DataFolderMove m : DataFolderMove.values()) {
            expected.add(move(fast, m));
        }
        expected.add(deleteKeycloak(fast));
        assertThat(result.step(RenameDataFoldersStep.ID).orElseThrow().changes()).containsExactlyElementsOf(expected);
        assertThat(progress).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertMigrated();
        assertThat(inodes(true)).as("same inodes: renamed, not copied").isEqualTo(before);
        for (DataFolderMove m : DataFolderMove.values()) {
            assertThat(Folders.digest(fast.resolve(m.to()))).as("contents, modes, owners, mtimes, inodes of " + m)
                    .isEqualTo(sources.get(m));
        }

        MigrationResult again = plan().run();
        assertThat(again.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(again.step(RenameDataFoldersStep.ID).orElseThrow().status()).isEqualTo(StepStatus.VERIFIED_EARLIER);
        MigrationResult noJournal = plan().toBuilder().inMemoryState().build().run();
        assertThat(noJournal.step(RenameDataFoldersStep.ID).orElseThrow().status()).isEqualTo(StepStatus.UP_TO_DATE);
        assertThat(check(fast)).isInstanceOf(StepCheck.UpToDate.class);
    }

    @Test
    void dryRunListsExactlyTheChangesAndChangesNothing() throws Exception {
        String before = Folders.digest(root);

        PlanPreview preview = plan().check();

        assertThat(Folders.digest(root)).isEqualTo(before);
        assertThat(state).doesNotExist();
        assertThat(preview.changes()).hasSize(6).filteredOn(c -> c.kind() == Change.Kind.MOVE).hasSize(5);
        assertThat(preview.changes()).last().isEqualTo(deleteKeycloak(fast));
    }

    /** Some moved by an interrupted upstream script (plain mv), the rest still at 0.4 names. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 5})
    void convergesAfterAnInterruptedUpstreamScript(int movedByHand) throws Exception {
        DataFolderMove[] all = DataFolderMove.values();
        for (int i = 0; i < movedByHand; i++) {
            Files.move(fast.resolve(all[i].from()), fast.resolve(all[i].to()));
        }
        List<Change> expected = new ArrayList<>();
        for (int i = movedByHand; i < all.length; i++) {
            expected.add(move(fast, all[i]));
        }
        expected.add(deleteKeycloak(fast));

        assertThat(check(fast).changes()).containsExactlyElementsOf(expected);
        MigrationResult result = plan().run();

        assertThat(result.status()).as(result.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(result.step(RenameDataFoldersStep.ID).orElseThrow().changes()).containsExactlyElementsOf(expected);
        assertMigrated();
    }

    @Test
    void aCrashBetweenTheKeycloakMoveAndTheRemovalOfItsFolderOnlyRemovesTheFolder() throws Exception {
        for (DataFolderMove m : DataFolderMove.values()) {
            Files.move(fast.resolve(m.from()), fast.resolve(m.to()));
        }
        assertThat(fast.resolve("keycloak")).isEmptyDirectory();

        assertThat(check(fast).changes()).containsExactly(deleteKeycloak(fast));
        MigrationResult result = plan().run();

        assertThat(result.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(result.step(RenameDataFoldersStep.ID).orElseThrow().changes()).containsExactly(deleteKeycloak(fast));
        assertMigrated();
    }

    @Test
    void anEmptyTargetDirectoryIsRemovedAndReplacedAndTheCheckSaysSo() throws Exception {
        Files.createDirectory(fast.resolve(DataFolderMove.AIRFLOW.to()));

        List<Change> changes = check(fast).changes();

        assertThat(changes).startsWith(move(fast, DataFolderMove.ACCESS_INFORMATION), move(fast, DataFolderMove.DICOM_WEB_FILTER),
                Change.of(Change.Kind.DELETE, fast.toRealPath().resolve(DataFolderMove.AIRFLOW.to()).toString(),
                        "empty directory", null, 1), move(fast, DataFolderMove.AIRFLOW));
        assertThat(plan().run().status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertMigrated();
    }

    @Test
    void aKeycloakFolderWithOtherContentIsKeptAndReported() throws Exception {
        Files.writeString(fast.resolve("keycloak/realm-export.json"), "{}");

        StepCheck check = check(fast);
        PlanPreview preview = plan().check();

        assertThat(check.changes()).hasSize(5).allMatch(c -> c.kind() == Change.Kind.MOVE);
        assertThat(check).isInstanceOfSatisfying(StepCheck.Pending.class, p -> assertThat(p.notes()).singleElement()
                .satisfies(n -> assertThat(n).contains(fast.toRealPath().resolve("keycloak") + " is kept",
                        "holds other content (realm-export.json)")));
        assertThat(dev.kaapanamigrate.core.MigrationReport.summary(preview))
                .contains("NOTE the 0.4 folder " + fast.toRealPath().resolve("keycloak") + " is kept", "realm-export.json");
        MigrationResult result = plan().run();
        assertThat(result.status()).as(result.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(fast.resolve("keycloak/realm-export.json")).hasContent("{}");
        assertThat(fast.resolve("keycloak/db-files")).doesNotExist();
        assertThat(result.step(RenameDataFoldersStep.ID).orElseThrow().verification().facts())
                .anySatisfy(f -> assertThat(f.actual()).contains("kept, holds realm-export.json"));
        assertThat(check(fast)).isInstanceOf(StepCheck.UpToDate.class)
                .satisfies(c -> assertThat(((StepCheck.UpToDate) c).detail()).contains("kept", "realm-export.json"));
    }

    @Test
    void aStalePostmasterPidIsTolerated() throws Exception {
        Path pid = fast.resolve(DataFolderMove.BACKEND.from()).resolve("postmaster.pid");
        Files.writeString(pid, "1\n/var/lib/postgresql/data\n");

        assertThat(check(fast).changes()).hasSize(6);
        assertThat(plan().run().status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(fast.resolve(DataFolderMove.BACKEND.to()).resolve("postmaster.pid")).exists();
    }

    @Test
    void verifyFailsWhenATargetIsACopyNotTheRecordedFolder() throws Exception {
        MigrationContext ctx = MigrationContext.standalone();
        RenameDataFoldersStep step = new RenameDataFoldersStep(fast);
        assertThat(step.check(ctx)).isInstanceOf(StepCheck.Pending.class);
        step.apply(ctx);
        assertThat(step.verify(ctx).passed()).isTrue();
        Path t = fast.resolve(DataFolderMove.BACKEND.to());
        Files.move(t, root.resolve("aside"));
        Folders.copyTemplate(t);

        Verification v = step.verify(ctx);

        assertThat(v.passed()).isFalse();
        assertThat(v.describeFailures()).contains("kaapana-backend-postgres-data device:inode");
    }

    // ---- refusals: blocked, with zero change ----

    private dev.kaapanamigrate.core.Problem assertRefused(String... inMessage) throws Exception {
        String before = Folders.digest(fast);
        StepCheck check = check(fast);
        assertThat(check).isInstanceOf(StepCheck.Blocked.class);
        dev.kaapanamigrate.core.Problem problem = ((StepCheck.Blocked) check).problem();
        assertThat(problem.code()).isEqualTo(dev.kaapanamigrate.core.CoreErrorCode.PRECONDITION_FAILED);
        String message = problem.message();
        assertThat(message).contains(inMessage).contains("nothing was moved");
        MigrationResult result = plan().run();
        assertThat(result.status()).isEqualTo(PlanStatus.BLOCKED);
        assertThat(Folders.digest(fast)).as("nothing changed in FAST").isEqualTo(before);
        assertThat(fast.resolve(DataFolderMove.ACCESS_INFORMATION.from())).as("not even the safe moves").exists();
        return problem;
    }

    @Test
    void anEmptyFolderUnderA04NameBesideTheMovedDataIsCalledEmptyAndTheFixKeepsTheData() throws Exception {
        Path s = fast.resolve(DataFolderMove.BACKEND.from());
        Path t = fast.resolve(DataFolderMove.BACKEND.to());
        Files.move(s, t);
        Files.createDirectory(s); // recreated by a 0.4 deployment's host path

        var problem = assertRefused("source " + fast.toRealPath().resolve("postgres-backend") + " is an empty folder, "
                + "beside the PostgreSQL data folder " + fast.toRealPath().resolve("kaapana-backend-postgres-data"));

        assertThat(problem.found()).contains("the data has already moved to its 0.5 name")
                .doesNotContain("both", "has no PG_VERSION file");
        assertThat(problem.expected()).contains("only kaapana-backend-postgres-data, which holds the data");
        assertThat(problem.fix()).contains("rmdir " + fast.toRealPath().resolve("postgres-backend"),
                "keep " + fast.toRealPath().resolve("kaapana-backend-postgres-data") + ", it holds the data")
                .doesNotContain("archive", "restore");
        assertThat(t.resolve("PG_VERSION")).hasContent("17");
        ReliabilityCounts.proved(RenameDataFoldersStepTest.class, "bad input: an empty 0.4 folder beside the moved data refused, coded, FAST unchanged");
    }

    @Test
    void aForeignFolderUnderA04NameBesideTheMovedDataIsCalledForeignAndTheFixKeepsTheData() throws Exception {
        Path s = fast.resolve(DataFolderMove.KEYCLOAK.from());
        Files.move(s, fast.resolve(DataFolderMove.KEYCLOAK.to()));
        Files.createDirectory(s);
        Files.writeString(s.resolve("notes.txt"), "someone's notes");

        var problem = assertRefused("source " + fast.toRealPath().resolve("keycloak/db-files") + " is no PostgreSQL data "
                + "folder (no PG_VERSION; it holds notes.txt), beside the PostgreSQL data folder "
                + fast.toRealPath().resolve("keycloak-postgres-data"));

        assertThat(problem.found()).doesNotContain("both");
        assertThat(problem.fix()).contains("check what " + fast.toRealPath().resolve("keycloak/db-files")
                + " holds and move it out of FAST_DATA_DIR", "keep " + fast.toRealPath().resolve("keycloak-postgres-data"))
                .doesNotContain("archive");
        ReliabilityCounts.proved(RenameDataFoldersStepTest.class, "bad input: a foreign folder under a 0.4 name refused, coded, FAST unchanged");
    }

    @Test
    void refusesATargetThatA05DeploymentAlreadyInitialised() throws Exception {
        Folders.copyTemplate(fast.resolve(DataFolderMove.KEYCLOAK.to()));
        assertRefused("both", "keycloak/db-files", "keycloak-postgres-data", "0.5 deployment", "archive it");
        ReliabilityCounts.proved(RenameDataFoldersStepTest.class, "bad input: a target a 0.5 deployment initialised refused, coded, FAST unchanged");
    }

    @Test
    void refusesANonEmptyUnrelatedTarget() throws Exception {
        Files.createDirectories(fast.resolve(DataFolderMove.BACKEND.to()));
        Files.writeString(fast.resolve(DataFolderMove.BACKEND.to()).resolve("notes.txt"), "mine");
        assertRefused("kaapana-backend-postgres-data exists and is not empty", "notes.txt");
        ReliabilityCounts.proved(RenameDataFoldersStepTest.class, "bad input: a non-empty unrelated target refused, coded, FAST unchanged");
    }

    @Test
    void refusesASourceThatIsNoDataFolder() throws Exception {
        Files.delete(fast.resolve(DataFolderMove.AIRFLOW.from()).resolve("PG_VERSION"));
        assertRefused("postgres-airflow is no PostgreSQL data folder (no PG_VERSION; it holds ", "the PostgreSQL data folder postgres-airflow (with PG_VERSION)", "restore postgres-airflow from the backup");
        ReliabilityCounts.proved(RenameDataFoldersStepTest.class, "bad input: a source without PG_VERSION refused, coded, FAST unchanged");
    }

    @Test
    void refusesSymlinkedSourcesAndTargets() throws Exception {
        Path real = root.resolve("elsewhere");
        Files.move(fast.resolve(DataFolderMove.BACKEND.from()), real);
        Files.createSymbolicLink(fast.resolve(DataFolderMove.BACKEND.from()), real);
        Files.createSymbolicLink(fast.resolve(DataFolderMove.AIRFLOW.to()), root.resolve("nowhere"));
        assertRefused("source " + fast.toRealPath().resolve("postgres-backend") + " is a symbolic link to " + real,
                "target " + fast.toRealPath().resolve("airflow-postgres-data") + " is a symbolic link");
        ReliabilityCounts.proved(RenameDataFoldersStepTest.class, "bad input: symlinked source and target refused, coded, FAST unchanged");
    }

    @Test
    void refusesAFolderMissingUnderBothNames() throws Exception {
        Files.move(fast.resolve(DataFolderMove.DICOM_WEB_FILTER.from()), root.resolve("lost"));
        assertRefused("neither", "dicom-project-mapping-postgres", "dicom-web-filter-postgres-data", "backup");
        ReliabilityCounts.proved(RenameDataFoldersStepTest.class, "bad input: a data folder missing under both names refused, coded, FAST unchanged");
    }

    @Test
    void refusesAMountPointSource() throws Exception {
        Path src = fast.resolve(DataFolderMove.BACKEND.from());
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", src.toString())
                .redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0, "mounting a tmpfs is not permitted here");
        try {
            Files.writeString(src.resolve("PG_VERSION"), "17\n");
            assertRefused("source " + src.toRealPath() + " is a mount point of another file system than FAST_DATA_DIR "
                    + "(tmpfs tmpfs)", "a mount point cannot be renamed");
        } finally {
            new ProcessBuilder("umount", src.toString()).inheritIO().start().waitFor();
        }
        ReliabilityCounts.proved(RenameDataFoldersStepTest.class, "bad input: a mount-point source refused, coded, FAST unchanged");
    }
}
