package dev.kaapanamigrate.kaapana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup killed with SIGKILL in the middle of its copy, in its own JVM, leaves a half-written temporary copy and no
 * backup; the next run removes that copy, copies again and verifies, and the backup equals the source.
 */
class BackupResumeAfterKillIT {

    @TempDir
    Path tmp;

    @Test
    void aBackupKilledMidCopyIsRedoneByTheNextRun() throws Exception {
        assumeTrue(dev.kaapanamigrate.pgserver.os.Posix.isRoot(), "needs root to give files other owners");
        Path fast = FastFixture.create(tmp.resolve("fast"));
        Path target = Files.createDirectories(tmp.resolve("backup-disk"));
        Path state = tmp.resolve("state");
        Path halfway = tmp.resolve("halfway");
        List<String> source = FastFixture.digest(fast, FastFixture.DATABASE_UNITS);

        Path log = tmp.resolve("child.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(java, "-Xmx128m", "-cp", classpath, KilledBackupMain.class.getName(),
                fast.toString(), target.toString(), state.toString(), halfway.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(halfway)) {
                assertThat(child.isAlive()).as("child still running; its output: %s",
                        Files.exists(log) ? Files.readString(log) : "").isTrue();
                assertThat(System.nanoTime()).as("the child's copy got under way in time").isLessThan(deadline);
                Thread.sleep(20);
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: nothing of the child's runs any more
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        Path partial = target.resolve(".kaapana-backup.partial");
        assertThat(partial).as("the half-written copy").isDirectory();
        assertThat(target.resolve("kaapana-backup")).doesNotExist();
        assertThat(target.resolve("kaapana-backup.manifest.json")).doesNotExist();
        long copiedFiles;
        try (Stream<Path> s = Files.walk(partial)) {
            copiedFiles = s.filter(Files::isRegularFile).count();
        }
        assertThat(copiedFiles).as("some files, not all").isBetween(1L, 140L);

        MigrationResult result = KilledBackupMain.plan(fast, target, state, null).run();

        assertThat(result.status()).as(result.message()).isEqualTo(PlanStatus.SUCCEEDED);
        StepResult backup = result.step(BackupStep.ID).orElseThrow();
        assertThat(backup.status()).isEqualTo(StepStatus.APPLIED);
        assertThat(backup.changes()).extracting(Change::describe)
                .anyMatch(c -> c.startsWith("DELETE " + partial + ": a half-written copy of an interrupted run"));
        assertThat(result.notes()).anySatisfy(n -> assertThat(n).contains("'kaapana.backup' was interrupted"));
        assertThat(partial).doesNotExist();
        assertThat(FastFixture.digest(target.resolve("kaapana-backup"), FastFixture.DATABASE_UNITS)).isEqualTo(source);
        assertThat(KaapanaBackup.at(target).verify().passed()).isTrue();
    }
}
