package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.DataFolderMove;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The preflight and the moves on real mounts: read-only and immutable folders, another file system, a tiny
 * backup file system, and bind mounts on the same file system (same {@code st_dev} as FAST_DATA_DIR). Every
 * refusal names what was found, what was expected and the fix, and changes nothing. Needs root (mount, chattr).
 */
class DataFolderMountsIT {

    @TempDir
    Path root;
    Path fast;
    String real;
    Mounts mounts = new Mounts();

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeTrue(Mounts.available(root), "needs root and permission to mount (tmpfs, bind mounts)");
        fast = Folders.fast04(root);
        real = fast.toRealPath().toString();
    }

    @AfterEach
    void unmount() throws Exception {
        mounts.close();
    }

    private Problem preflightRefuses(Path backup) throws Exception {
        String before = Folders.digest(fast);
        PreflightStep step = new PreflightStep(fast, backup);
        StepCheck check = step.check(MigrationContext.standalone());
        assertThat(check).isInstanceOf(StepCheck.Blocked.class);
        assertThatThrownBy(() -> step.apply(MigrationContext.standalone())).isInstanceOf(PreconditionFailedException.class);
        assertThat(step.verify(MigrationContext.standalone()).passed()).isFalse();
        assertThat(Folders.digest(fast)).as("nothing changed in FAST").isEqualTo(before);
        Problem p = ((StepCheck.Blocked) check).problem();
        assertThat(p.found()).endsWith("; nothing was changed");
        return p;
    }

    private Problem moveRefuses() throws Exception {
        String before = Folders.digest(fast);
        StepCheck check = new RenameDataFoldersStep(fast).check(MigrationContext.standalone());
        assertThat(check).isInstanceOf(StepCheck.Blocked.class);
        assertThat(KilledMoveMain.plan(fast, root.resolve("state")).run().status()).isEqualTo(PlanStatus.BLOCKED);
        assertThat(Folders.digest(fast)).as("nothing changed in FAST").isEqualTo(before);
        for (DataFolderMove m : DataFolderMove.values()) {
            assertThat(fast.resolve(m.from())).as("not even the safe moves").exists();
        }
        Problem p = ((StepCheck.Blocked) check).problem();
        assertThat(p.found()).endsWith("; nothing was moved");
        return p;
    }

    private static long device(Path p) throws Exception {
        return ((Number) Files.getAttribute(p, "unix:dev", LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    @Test
    void aReadOnlyFastDataDirIsRefusedWithTheRemountFix() throws Exception {
        mounts.readOnly(fast);

        Problem preflight = preflightRefuses(null);
        Problem move = moveRefuses();

        String remount = "remount " + real + " read-write (mount -o remount,rw " + real + "; for a bind mount: "
                + "mount -o remount,bind,rw " + real + "), then run again";
        for (Problem p : new Problem[] {preflight, move}) {
            // keycloak, the folder that holds keycloak's data folder, lies in the same read-only mount
            assertThat(p.found()).startsWith("1) FAST_DATA_DIR " + real + " is not writable: it lies in the read-only mount "
                    + real + " (").contains("; 2) " + real + "/keycloak (the ", ") is not writable: it lies in the read-only mount "
                    + real + " (");
            assertThat(p.expected()).startsWith("1) a writable FAST_DATA_DIR (the moves rename entries in it); 2) a writable ");
            assertThat(p.fix()).isEqualTo("1) " + remount + "; 2) " + remount);
        }
    }

    @Test
    void anImmutableParentOfAFolderIsRefusedEvenForRoot() throws Exception {
        Path keycloak = fast.resolve("keycloak");
        mounts.immutable(keycloak);

        Problem preflight = preflightRefuses(null);
        Problem move = moveRefuses();

        for (Problem p : new Problem[] {preflight, move}) {
            assertThat(p.found()).contains(real + "/keycloak (the ", ") is not writable, not even for root (immutable or "
                    + "append-only: see lsattr -d " + real + "/keycloak)");
            assertThat(p.fix()).isEqualTo("clear the attribute (chattr -i -a " + real + "/keycloak), then run again");
        }
        assertThat(preflight.found()).startsWith(real + "/keycloak (the parent of db-files) is not writable");
        assertThat(preflight.expected()).isEqualTo("a writable parent folder, so that the data folder can be renamed");
        assertThat(move.expected()).isEqualTo("a writable folder, so that db-files can be renamed out of it");
    }

    @Test
    void foldersOnAnotherFileSystemAreRefused() throws Exception {
        Path backend = fast.resolve(DataFolderMove.BACKEND.from());
        Path airflowTarget = Files.createDirectory(fast.resolve(DataFolderMove.AIRFLOW.to()));
        mounts.tmpfs(backend, "1m");
        Files.writeString(backend.resolve("PG_VERSION"), "17\n");
        mounts.tmpfs(airflowTarget, "1m"); // an empty target would otherwise be replaced

        Problem preflight = preflightRefuses(null);
        Problem move = moveRefuses();

        assertThat(preflight.found()).startsWith("1) " + real + "/airflow-postgres-data is a mount point of another file system "
                + "than FAST_DATA_DIR (tmpfs tmpfs); 2) " + real + "/postgres-backend is a mount point of another file system "
                + "than FAST_DATA_DIR (tmpfs tmpfs)");
        assertThat(preflight.expected()).isEqualTo("1) a plain folder in the mount of FAST_DATA_DIR, so that the move is one "
                + "rename (a mount point cannot be renamed); 2) a plain folder in the mount of FAST_DATA_DIR, so that the move "
                + "is one rename (a mount point cannot be renamed)");
        assertThat(preflight.fix()).startsWith("1) unmount " + real + "/airflow-postgres-data (and drop it from /etc/fstab or "
                + "its mount unit), put its content into a plain folder " + real + "/airflow-postgres-data on the file system "
                + "of FAST_DATA_DIR, then run again; 2) unmount " + real + "/postgres-backend");
        assertThat(move.found()).contains("target " + real + "/airflow-postgres-data is a mount point of another file system",
                "source " + real + "/postgres-backend is a mount point of another file system");
    }

    @Test
    void aBackupDirectoryWithoutEnoughSpaceIsRefused() throws Exception {
        Path backup = Files.createDirectory(root.resolve("backup"));
        mounts.tmpfs(backup, "1m");
        long usable = Files.getFileStore(backup).getUsableSpace();
        long total = 0;
        for (DataFolderMove m : DataFolderMove.values()) {
            total += bytes(fast.resolve(m.from()));
        }
        String backupBefore = Folders.digest(backup);

        Problem p = preflightRefuses(backup);

        assertThat(p.found()).isEqualTo(backup + " has " + usable + " bytes free; nothing was changed");
        assertThat(p.expected()).isEqualTo("at least " + total + " bytes free (the total size of the PostgreSQL data folders)");
        assertThat(p.fix()).isEqualTo("free space in " + backup + " or configure a backup directory on a larger file system");
        assertThat(Folders.digest(backup)).isEqualTo(backupBefore);
    }

    @Test
    void aBindMountedSourceOnTheSameFileSystemIsRefusedByBoth() throws Exception {
        Path backend = fast.resolve(DataFolderMove.BACKEND.from());
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere")).resolve("postgres-backend");
        Files.move(backend, elsewhere);
        Files.createDirectory(backend);
        mounts.bind(elsewhere, backend);
        assertThat(device(backend)).as("a bind mount has the device of FAST: the device check alone misses it")
                .isEqualTo(device(fast));

        Problem preflight = preflightRefuses(null);
        Problem move = moveRefuses();

        String found = real + "/postgres-backend is a mount point on the same file system as FAST_DATA_DIR (";
        assertThat(preflight.found()).startsWith(found).contains("bind mount of ", "elsewhere/postgres-backend)");
        assertThat(move.found()).startsWith("source " + found).contains("elsewhere/postgres-backend)");
        for (Problem p : new Problem[] {preflight, move}) {
            assertThat(p.expected()).contains("a plain folder in the mount of FAST_DATA_DIR, so that the move is one rename "
                    + "(a mount point cannot be renamed)");
            assertThat(p.fix()).contains("unmount " + real + "/postgres-backend (and drop it from /etc/fstab or its mount unit)");
        }
    }

    @Test
    void aBindMountInsideAFolderAndABindMountedParentAreRefusedByBoth() throws Exception {
        Path walElsewhere = Files.createDirectories(root.resolve("wal"));
        Path pgWal = fast.resolve(DataFolderMove.AIRFLOW.from()).resolve("pg_wal");
        mounts.bind(walElsewhere, pgWal);
        Path keycloak = fast.resolve("keycloak");
        mounts.bind(keycloak, keycloak);

        Problem preflight = preflightRefuses(null);
        Problem move = moveRefuses();

        assertThat(preflight.found()).contains(real + "/postgres-airflow holds mount points (" + real
                + "/postgres-airflow/pg_wal: ", "the folder " + real + "/keycloak that holds " + real
                + "/keycloak/db-files is a mount point (");
        assertThat(move.found()).contains("source " + real + "/postgres-airflow holds mount points (", "the folder " + real
                + "/keycloak that holds source " + real + "/keycloak/db-files is a mount point (");
        for (Problem p : new Problem[] {preflight, move}) {
            assertThat(p.expected()).contains("a data folder without mounts inside it", "rename(2) does not cross mounts");
            assertThat(p.fix()).contains("unmount " + real + "/postgres-airflow/pg_wal (and drop them from /etc/fstab",
                    "unmount " + real + "/keycloak (and drop it from /etc/fstab");
        }
    }

    private static long bytes(Path dir) throws Exception {
        long[] sum = new long[1];
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    sum[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return sum[0];
    }
}
