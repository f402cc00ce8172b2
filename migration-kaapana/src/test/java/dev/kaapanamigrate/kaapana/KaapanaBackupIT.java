package dev.kaapanamigrate.kaapana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.IdSource;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StandaloneContext;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepRunner;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.domain.DataFolderMove;
import dev.kaapanamigrate.testkit.ReliabilityCounts;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BackupStep} and {@link KaapanaBackup} on a real tree ({@link FastFixture}): owners, modes, times, links,
 * hard links and holes survive a backup and a restore, proven with a digest of everything; damage is found; nothing is
 * ever deleted without a copy. Runs as root (owners other than this process's): skipped otherwise.
 */
@ExtendWith(ReliabilityCounts.class)
class KaapanaBackupIT {

    @TempDir
    Path tmp;

    private Path fast;
    private Path target;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(dev.kaapanamigrate.pgserver.os.Posix.isRoot(), "needs root to give files other owners");
        fast = FastFixture.create(tmp.resolve("fast"));
        target = Files.createDirectories(tmp.resolve("backup-disk"));
    }

    private BackupStep step() {
        return new BackupStep(fast, BackupOptions.to(target).withThreads(2));
    }

    private static StepResult run(BackupStep step) {
        try (StandaloneContext ctx = MigrationContext.standalone()) {
            return StepRunner.run(step, ctx);
        }
    }

    @Test
    void theBackupIsVerifiedAndKeepsOwnersModesTimesLinksHardLinksAndHoles() throws Exception {
        List<String> before = FastFixture.digest(fast, FastFixture.DATABASE_UNITS);

        StepResult result;
        BackupRecord record;
        try (StandaloneContext ctx = MigrationContext.standalone()) {
            result = StepRunner.run(step(), ctx);
            record = ctx.get(BackupStep.BACKUP).orElseThrow();
        }

        assertThat(result.status()).as(result.message()).isEqualTo(StepStatus.APPLIED);
        assertThat(result.verification().passed()).as(result.verification().describeFailures()).isTrue();
        Path copy = target.resolve("kaapana-backup");
        assertThat(FastFixture.digest(copy, FastFixture.DATABASE_UNITS)).isEqualTo(before);
        assertThat(before).anyMatch(l -> l.startsWith(FastFixture.SPARSE + " ") && l.endsWith(" sparse"))
                .anyMatch(l -> l.startsWith("postgres-backend/wal_link 120777 70:70 -> pg_wal"))
                .anyMatch(l -> l.startsWith("postgres-backend/shared 42750 70:70"))
                .anyMatch(l -> l.startsWith("postgres-dcm4che/linked-from-backend ") && l.contains("linkgroup="
                        + "postgres-backend/base/1/2600"));
        assertThat(FastFixture.blocks(copy.resolve(FastFixture.SPARSE)) * 512).as("st_blocks of the sparse copy")
                .isLessThan(FastFixture.SPARSE_SIZE / 100);
        assertThat(Files.getAttribute(copy.resolve("postgres-dcm4che/linked-from-backend"), "unix:ino"))
                .isEqualTo(Files.getAttribute(copy.resolve("postgres-backend/base/1/2600"), "unix:ino"));
        assertThat(copy.resolve(".kaapana-migrate")).doesNotExist();
        assertThat(copy.resolve("os")).doesNotExist();
        assertThat(copy.resolve("postgres-backend/fifo")).as("a FIFO is listed, not copied").doesNotExist();
        assertThat(result.changes()).extracting(Change::describe)
                .anyMatch(c -> c.contains("postgres-backend") && c.contains("1 special files listed, not copied"));

        String sums = FastFixture.run("sh", "-c", "cd '" + target + "' && sha256sum -c --quiet kaapana-backup.sha256sums"
                + " && sha256sum -c kaapana-backup.manifest.json.sha256");
        assertThat(sums).contains("kaapana-backup.manifest.json: OK");
        assertThat(record.files()).isGreaterThan(100);
        assertThat(record.directory()).isEqualTo(copy.toRealPath().toString());
        assertThat(record.units()).containsExactlyElementsOf(FastFixture.DATABASE_UNITS);
        assertThat(target).isDirectoryNotContaining("glob:**/.kaapana-backup.partial");

        BackupVerification verification = KaapanaBackup.at(target).verify();
        assertThat(verification.passed()).as(String.join("\n", verification.differences())).isTrue();
        assertThat(verification.files()).isEqualTo(record.files());
        assertThat(verification.bytes()).isEqualTo(record.bytes());
    }

    @Test
    void aSecondRunReusesTheVerifiedBackupInsteadOfCopyingAgain() throws Exception {
        backUp(step());
        Path file = target.resolve("kaapana-backup/postgres-backend/pg_wal/000000010000000000000001");
        Object inode = Files.getAttribute(file, "unix:ino");
        FileTime manifestTime = Files.getLastModifiedTime(target.resolve("kaapana-backup.manifest.json"));

        StepResult again = run(step());

        assertThat(again.status()).as(again.message()).isEqualTo(StepStatus.UP_TO_DATE);
        assertThat(again.message()).contains("reused");
        assertThat(again.verification().passed()).as(again.verification().describeFailures()).isTrue();
        assertThat(Files.getAttribute(file, "unix:ino")).isEqualTo(inode);
        assertThat(Files.getLastModifiedTime(target.resolve("kaapana-backup.manifest.json"))).isEqualTo(manifestTime);
    }

    @Test
    void theRestorePutsTheFoldersBackByteIdenticalMovesWhatWasThereAsideAndTheJournalToo() throws Exception {
        List<String> before = FastFixture.digest(fast, FastFixture.DATABASE_UNITS);
        List<String> others = FastFixture.digest(fast, List.of("os", "alembic", "workflows", "extensions"));
        backUp(step());
        migrate();

        RestoreResult restored = KaapanaBackup.at(target).restore(fast, RestoreOptions.defaults()
                .refusingWhenRunning(PlatformControl.assumeState(PlatformState.UNDEPLOYED)).withThreads(2));

        assertThat(FastFixture.digest(fast, FastFixture.DATABASE_UNITS)).isEqualTo(before);
        assertThat(FastFixture.digest(fast, List.of("os", "alembic", "workflows", "extensions"))).isEqualTo(others);
        for (DataFolderMove move : DataFolderMove.values()) {
            assertThat(fast.resolve(move.to())).as(move.to()).doesNotExist();
        }
        assertThat(fast.resolve("version")).doesNotExist();
        Path aside = restored.asideDirectory();
        assertThat(aside.getParent()).isEqualTo(fast);
        assertThat(aside.getFileName().toString()).startsWith(".kaapana-migrate-before-restore-");
        assertThat(restored.movedAside()).extracting(m -> m.from().getFileName().toString())
                .contains("kaapana-backend-postgres-data", "keycloak-postgres-data", "keycloak", "version",
                        "postgres-dcm4che");
        assertThat(aside.resolve("kaapana-backend-postgres-data/PG_VERSION")).as("nothing deleted").hasContent(
                "17 migrated\n");
        assertThat(restored.stateDirectoryMovedTo()).contains(aside.resolve(".kaapana-migrate"));
        assertThat(aside.resolve(".kaapana-migrate/journal.jsonl")).exists();
        assertThat(fast.resolve(".kaapana-migrate")).doesNotExist();
        assertThat(fast.resolve(".kaapana-migrate-restoring")).doesNotExist();
        assertThat(restored.restored()).containsExactly("postgres-access-information-point",
                "dicom-project-mapping-postgres", "postgres-airflow", "postgres-backend", "keycloak", "postgres-dcm4che");
        assertThat(restored.notRestored()).containsExactly("postgres-backend/fifo (fifo)");
        assertThat(restored.files()).isGreaterThan(100);
        assertThat(restored.summary()).contains("proven byte-identical", aside.toString(), "a new run starts fresh");
        assertThat(FastFixture.blocks(fast.resolve(FastFixture.SPARSE)) * 512).isLessThan(FastFixture.SPARSE_SIZE / 100);
    }

    @Test
    void aTamperedBackupFileIsFoundAndTheRestoreChangesNothing() throws Exception {
        backUp(step());
        migrate();
        List<String> migrated = FastFixture.digest(fast, allTopLevel());
        Path victim = target.resolve("kaapana-backup/postgres-backend/base/1/1250");
        FileTime time = Files.getLastModifiedTime(victim);
        try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
            f.seek(100);
            int b = f.read();
            f.seek(100);
            f.write(b ^ 0x01);
        }
        Files.setLastModifiedTime(victim, time); // same size, same time: only the content tells

        BackupVerification check = KaapanaBackup.at(target).verify();
        assertThat(check.passed()).isFalse();
        assertThat(check.differences()).singleElement().asString()
                .startsWith("postgres-backend/base/1/1250: content: expected SHA-256");
        assertThatThrownBy(() -> KaapanaBackup.at(target).restore(fast, RestoreOptions.defaults()))
                .isInstanceOfSatisfying(MigrationException.class, e -> {
                    assertThat(e.code()).isEqualTo(KaapanaErrorCode.BACKUP_CORRUPT);
                    assertThat(e.getMessage()).contains("postgres-backend/base/1/1250: content", "nothing was changed");
                });
        assertThat(FastFixture.digest(fast, allTopLevel())).isEqualTo(migrated);
        ReliabilityCounts.proved(KaapanaBackupIT.class,
                "bad input: a tampered backup file found by the restore, coded BACKUP_CORRUPT, FAST unchanged");
    }

    @Test
    void aCorruptedManifestIsRefused() throws Exception {
        backUp(step());
        List<String> now = FastFixture.digest(fast, allTopLevel());
        Path manifest = target.resolve("kaapana-backup.manifest.json");
        String json = Files.readString(manifest);
        Files.writeString(manifest, json.replaceFirst("\"uid\":70", "\"uid\":0"));

        assertThatThrownBy(() -> KaapanaBackup.at(target).restore(fast, RestoreOptions.defaults()))
                .isInstanceOfSatisfying(MigrationException.class, e -> {
                    assertThat(e.code()).isEqualTo(KaapanaErrorCode.BACKUP_MANIFEST_INVALID);
                    assertThat(e.getMessage()).contains("the manifest was changed or damaged", "do not restore");
                });
        assertThat(FastFixture.digest(fast, allTopLevel())).isEqualTo(now);
        StepResult step = run(step());
        assertThat(step.status()).isEqualTo(StepStatus.BLOCKED);
        assertThat(step.problem().code()).isEqualTo(KaapanaErrorCode.BACKUP_MANIFEST_INVALID);

        Files.writeString(manifest, "{\"format\":1,");
        FastFixture.run("sh", "-c", "cd '" + target + "' && sha256sum kaapana-backup.manifest.json"
                + " > kaapana-backup.manifest.json.sha256");
        assertThatThrownBy(() -> KaapanaBackup.at(target).verify()).isInstanceOfSatisfying(MigrationException.class,
                e -> assertThat(e.getMessage()).contains("cannot be read as a manifest"));
        ReliabilityCounts.proved(KaapanaBackupIT.class,
                "bad input: a corrupted backup manifest refused, coded BACKUP_MANIFEST_INVALID, FAST unchanged");
    }

    @Test
    void theRestoreRefusesWhileThePlatformRuns() throws Exception {
        backUp(step());
        List<String> now = FastFixture.digest(fast, allTopLevel());
        assertThatThrownBy(() -> KaapanaBackup.at(target).restore(fast, RestoreOptions.defaults()
                .refusingWhenRunning(PlatformControl.assumeState(PlatformState.SOURCE_RUNNING))))
                .isInstanceOfSatisfying(MigrationException.class, e -> {
                    assertThat(e.code()).isEqualTo(KaapanaErrorCode.RESTORE_REFUSED);
                    assertThat(e.getMessage()).contains("the platform is SOURCE_RUNNING", "undeploy it");
                });
        assertThat(FastFixture.digest(fast, allTopLevel())).isEqualTo(now);
        ReliabilityCounts.proved(KaapanaBackupIT.class,
                "bad input: a restore while the platform runs refused, coded RESTORE_REFUSED, FAST unchanged");
    }

    @Test
    void aTargetInsideFastOrMissingIsRefusedWithTheFix() throws Exception {
        Files.createDirectories(fast.resolve("extensions").resolve("backups"));
        List<String> before = FastFixture.digest(fast, allTopLevel());
        StepCheck inside = check(new BackupStep(fast, BackupOptions.to(Files.createDirectories(fast.resolve("extensions")
                .resolve("backups")))));
        assertThat(inside).isInstanceOfSatisfying(StepCheck.Blocked.class, b -> {
            assertThat(b.problem().code()).isEqualTo(KaapanaErrorCode.BACKUP_TARGET_INVALID);
            assertThat(b.problem().found()).contains("would lie inside FAST_DATA_DIR");
            assertThat(b.problem().fix()).contains("configure a folder outside");
        });
        StepCheck missing = check(new BackupStep(fast, BackupOptions.to(tmp.resolve("typo"))));
        assertThat(missing).isInstanceOfSatisfying(StepCheck.Blocked.class, b ->
                assertThat(b.problem().found()).contains(tmp.resolve("typo") + " does not exist"));
        assertThat(tmp.resolve("typo")).doesNotExist();
        assertThat(FastFixture.digest(fast, allTopLevel())).isEqualTo(before);
        ReliabilityCounts.proved(KaapanaBackupIT.class,
                "bad input: a backup target inside FAST or missing refused, coded BACKUP_TARGET_INVALID, FAST unchanged");
    }

    @Test
    void tooLittleSpaceBlocksWithTheNumbersAndCreatesNothing() throws Exception {
        Path small = Files.createDirectories(tmp.resolve("small"));
        List<String> before = FastFixture.digest(fast, allTopLevel());
        FastFixture.run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small.toString());
        try {
            StepCheck check = check(new BackupStep(fast, BackupOptions.to(small)));
            assertThat(check).isInstanceOfSatisfying(StepCheck.Blocked.class, b -> {
                assertThat(b.problem().code()).isEqualTo(KaapanaErrorCode.BACKUP_SPACE);
                assertThat(b.problem().found()).containsPattern("1\\.0 MiB \\(1,0\\d\\d,\\d{3} bytes\\) usable in "
                        + small + " \\(tmpfs tmpfs\\); the backup needs \\d+\\.\\d MiB \\([\\d,]+ bytes: [\\d,]+ files");
                assertThat(b.problem().fix()).startsWith("free ");
            });
            try (Stream<Path> s = Files.list(small)) {
                assertThat(s).isEmpty();
            }
            assertThat(FastFixture.digest(fast, allTopLevel())).isEqualTo(before);
        } finally {
            FastFixture.run("umount", small.toString());
        }
        ReliabilityCounts.proved(KaapanaBackupIT.class,
                "bad input: not enough space for the backup refused, coded BACKUP_SPACE, nothing created, FAST unchanged");
    }

    @Test
    void aChangedInstallationMakesAnOldBackupStaleAndADryRunCreatesNothing() throws Exception {
        try (StandaloneContext dry = MigrationContext.standalone(Clock.systemUTC(), IdSource.random(),
                PlatformState.UNDEPLOYED, true)) {
            StepCheck preview = step().check(dry);
            assertThat(preview.changes()).extracting(Change::kind).containsOnly(Change.Kind.CREATE);
            assertThat(preview.changes()).hasSize(7); // six folders and the manifest
        }
        try (Stream<Path> s = Files.list(target)) {
            assertThat(s).as("the dry-run wrote nothing").isEmpty();
        }
        backUp(step());
        Path changed = fast.resolve("postgres-backend/postgresql.conf");
        Files.writeString(changed, "listen_addresses = 'localhost'\n");
        List<String> before = FastFixture.digest(fast, allTopLevel());
        List<String> backup = FastFixture.digest(target, List.of("kaapana-backup"));

        StepCheck stale = check(step());
        assertThat(stale).isInstanceOfSatisfying(StepCheck.Blocked.class, b -> {
            assertThat(b.problem().code()).isEqualTo(KaapanaErrorCode.BACKUP_STALE);
            assertThat(b.problem().found()).contains("FAST_DATA_DIR changed since", "postgres-backend/postgresql.conf");
            assertThat(b.problem().fix()).contains("move " + target.resolve("kaapana-backup"));
        });
        assertThat(FastFixture.digest(fast, allTopLevel())).isEqualTo(before);
        assertThat(FastFixture.digest(target, List.of("kaapana-backup"))).isEqualTo(backup);
        ReliabilityCounts.proved(KaapanaBackupIT.class,
                "bad input: a stale backup of a changed installation blocks, coded BACKUP_STALE, FAST and backup unchanged");
    }

    @Test
    void aWholeTreeBackupLeavesTheStateDirectoryOutAndItsRestoreReplacesEverythingElse() throws Exception {
        List<String> all = allTopLevel();
        assertThat(all).contains("os", "alembic", "workflows").doesNotContain(".kaapana-migrate");
        List<String> before = FastFixture.digest(fast, all);
        BackupStep whole = new BackupStep(fast, BackupOptions.to(target).withScope(BackupScope.WHOLE_TREE));
        backUp(whole);
        assertThat(target.resolve("kaapana-backup/.kaapana-migrate")).doesNotExist();
        assertThat(target.resolve("kaapana-backup/os/data/nodes/0/index/file.bin")).exists();
        migrate();
        Files.createDirectories(fast.resolve("loki"));

        RestoreResult restored = KaapanaBackup.at(target).restore(fast, RestoreOptions.defaults());

        assertThat(FastFixture.digest(fast, allTopLevel())).isEqualTo(before);
        assertThat(restored.movedAside()).extracting(m -> m.from().getFileName().toString()).contains("loki",
                "access-information-interface-postgres-data");
    }

    /** What the migration does to the folders: the five renames, a changed file, the version marker. */
    private void migrate() throws Exception {
        for (DataFolderMove move : DataFolderMove.values()) {
            Files.move(fast.resolve(move.from()), fast.resolve(move.to()));
        }
        Files.writeString(fast.resolve("kaapana-backend-postgres-data/PG_VERSION"), "17 migrated\n");
        Files.writeString(fast.resolve("version"), "0.5.2\n");
        Files.writeString(fast.resolve("postgres-dcm4che/PG_VERSION"), "17 touched\n");
    }

    private List<String> allTopLevel() throws Exception {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(fast)) {
            s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".kaapana-migrate")).sorted()
                    .forEach(out::add);
        }
        return out;
    }

    private static void backUp(BackupStep step) {
        StepResult result = run(step);
        assertThat(result.status()).as(result.message()).isEqualTo(StepStatus.APPLIED);
    }

    private static StepCheck check(BackupStep step) {
        try (StandaloneContext ctx = MigrationContext.standalone()) {
            return StepRunner.check(step, ctx);
        }
    }
}
