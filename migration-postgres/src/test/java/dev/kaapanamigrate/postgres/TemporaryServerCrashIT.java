package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ServiceDatabase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.CrashPoints;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.pgserver.Libc;
import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.InstallationSize;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A run killed while its temporary server runs: the next run stops the orphaned server first. */
@KaapanaInstallation(size = InstallationSize.SMALL)
class TemporaryServerCrashIT {

    @Test
    void theNextRunStopsTheServerAKilledRunLeftAndCompletes(GeneratedInstallation install, Manifest manifest)
            throws Exception {
        Path fast = install.fastDataDir();
        new RenameDataFoldersStep(fast).apply(dev.kaapanamigrate.core.MigrationContext.standalone());
        Path folder = fast.resolve(ServiceDatabase.ACCESS_INFORMATION.folder().to());
        Libc libc = Libc.valueOf(manifest.postgresLibc().toUpperCase(Locale.ROOT));
        Path state = install.root().resolve("state");
        Path marker = install.root().resolve("read");
        Path log = install.root().resolve("child.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(java, "-Xmx128m", "-cp", classpath, OrphanedServerMain.class.getName(),
                fast.toString(), state.toString(), libc.name(), marker.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!Files.exists(marker)) {
                assertThat(child.isAlive()).as("child running; output: %s", Files.exists(log) ? Files.readString(log)
                        : "").isTrue();
                assertThat(System.nanoTime()).as("child read the database in time").isLessThan(deadline);
                Thread.sleep(50);
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook runs, the server is orphaned
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        long orphan = journaledPid(state);
        assertThat(ProcessHandle.of(orphan)).as("the killed run's server still runs").hasValueSatisfying(
                p -> assertThat(p.isAlive()).isTrue());

        MigrationResult result = OrphanedServerMain.plan(fast, state, libc, null).run();

        assertThat(result.status()).as(result.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(result.step(OrphanedServerMain.CountProjectsStep.ID).orElseThrow().status())
                .isEqualTo(StepStatus.APPLIED);
        assertThat(ProcessHandle.of(orphan)).as("the orphan was stopped").isEmpty();
        assertThat(folder.resolve("postmaster.pid")).doesNotExist();
        assertThat(TemporaryServersIT.controlFileState(folder)).isEqualTo(1);
        List<String> journal = Files.readAllLines(state.resolve("journal.jsonl"));
        assertThat(journal.get(journal.size() - 1)).contains("RUN_FINISHED");
        assertThat(journal).filteredOn(l -> l.contains("postgres.temporary-servers")).last()
                .satisfies(l -> assertThat(l).doesNotContain("\"pid\""));
    }

    /**
     * Killed between the server's start and its journal record (found by CrashRecoveryIT): the record written before
     * the start names the folder, and the next run stops the server it finds there (started after that record) instead
     * of refusing the folder as the platform's.
     */
    @Test
    void aServerStartedButNotYetJournaledIsStoppedByTheNextRun(GeneratedInstallation install, Manifest manifest)
            throws Exception {
        Path fast = install.fastDataDir();
        new RenameDataFoldersStep(fast).apply(dev.kaapanamigrate.core.MigrationContext.standalone());
        Path folder = fast.resolve(ServiceDatabase.ACCESS_INFORMATION.folder().to());
        Libc libc = Libc.valueOf(manifest.postgresLibc().toUpperCase(Locale.ROOT));
        Path state = install.root().resolve("state-starting");
        Path log = install.root().resolve("child-starting.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(java, "-Xmx128m",
                "-D" + CrashPoints.CRASH_AT_PROPERTY + "=postgres.temporary-server:started:access-information",
                "-cp", classpath, OrphanedServerMain.class.getName(), fast.toString(), state.toString(), libc.name(),
                install.root().resolve("never").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as(Files.readString(log)).isEqualTo(CrashPoints.KILLED_EXIT_STATUS);
        long orphan = Long.parseLong(Files.readAllLines(folder.resolve("postmaster.pid")).get(0).strip());
        assertThat(ProcessHandle.of(orphan)).as("the killed run's server still runs").hasValueSatisfying(
                p -> assertThat(p.isAlive()).isTrue());
        assertThat(Files.readAllLines(state.resolve("journal.jsonl"))).filteredOn(l -> l.contains(
                "postgres.temporary-servers")).last().satisfies(l -> assertThat(l).contains("\"pid\":0"));

        MigrationResult result = OrphanedServerMain.plan(fast, state, libc, null).run();

        assertThat(result.status()).as(result.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(ProcessHandle.of(orphan)).as("the orphan was stopped").isEmpty();
        assertThat(folder.resolve("postmaster.pid")).doesNotExist();
        assertThat(Files.readAllLines(state.resolve("journal.jsonl"))).filteredOn(l -> l.contains(
                "postgres.temporary-servers")).last().satisfies(l -> assertThat(l).doesNotContain("\"pid\""));
    }

    private static long journaledPid(Path state) throws Exception {
        Pattern pid = Pattern.compile("\"pid\"\\s*:\\s*([1-9]\\d*)"); // not the record written while it started (pid 0)
        for (String line : Files.readAllLines(state.resolve("journal.jsonl"))) {
            Matcher m = pid.matcher(line);
            if (line.contains("postgres.temporary-servers") && m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no journaled temporary server");
    }
}
