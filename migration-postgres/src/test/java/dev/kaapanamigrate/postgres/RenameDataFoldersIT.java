package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.DataFolderMove;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.pgserver.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The folder moves against a live server and across a SIGKILL of the migrating JVM. */
class RenameDataFoldersIT {

    @TempDir
    Path root;

    @Test
    void aFolderWithALiveServerIsRefusedUntilTheServerStops() throws Exception {
        Path fast = Folders.fast04(root);
        Path backend = fast.resolve(DataFolderMove.BACKEND.from());
        String before;
        long pid;
        try (PostgresServer server = PostgresServer.start(backend)) {
            pid = server.pid();
            before = Folders.digest(fast.resolve(DataFolderMove.AIRFLOW.from()));

            StepCheck check = new RenameDataFoldersStep(fast).check(MigrationContext.standalone());

            assertThat(check).isInstanceOf(StepCheck.Blocked.class);
            assertThat(((StepCheck.Blocked) check).problem().found())
                    .contains("a live process uses " + backend.toRealPath(), "pid " + pid, "nothing was moved");
            assertThat(((StepCheck.Blocked) check).problem().fix()).contains("undeploy the platform");
            assertThat(KilledMoveMain.plan(fast, root.resolve("state")).run().status()).isEqualTo(PlanStatus.BLOCKED);
            assertThat(Folders.digest(fast.resolve(DataFolderMove.AIRFLOW.from()))).isEqualTo(before);
            assertThat(fast.resolve(DataFolderMove.BACKEND.to())).doesNotExist();
        }
        assertThat(ProcessHandle.of(pid)).isEmpty();

        StepCheck after = new RenameDataFoldersStep(fast).check(MigrationContext.standalone());

        assertThat(after).isInstanceOf(StepCheck.Pending.class);
        assertThat(after.changes()).filteredOn(c -> c.kind() == Change.Kind.MOVE).hasSize(5);
    }

    @Test
    void aRunKilledAfterTheSecondFolderIsCompletedByTheNextRun() throws Exception {
        Path fast = Folders.fast04(root);
        Path state = root.resolve("state");
        Path marker = root.resolve("halfway");
        Path log = root.resolve("child.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(java, "-Xmx128m", "-cp", classpath, KilledMoveMain.class.getName(),
                fast.toString(), state.toString(), marker.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(marker)) {
                assertThat(child.isAlive()).as("child still running; its output: %s",
                        Files.exists(log) ? Files.readString(log) : "").isTrue();
                assertThat(System.nanoTime()).as("child reached the second folder in time").isLessThan(deadline);
                Thread.sleep(20);
            }
        } finally {
            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        DataFolderMove[] all = DataFolderMove.values();
        assertThat(fast.resolve(all[0].to())).exists();
        assertThat(fast.resolve(all[1].to())).exists();
        assertThat(fast.resolve(all[2].from())).as("the third was not moved by the killed run").exists();

        MigrationResult result = KilledMoveMain.plan(fast, state).run();

        assertThat(result.status()).as(result.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        StepResult step = result.step(RenameDataFoldersStep.ID).orElseThrow();
        assertThat(step.status()).isEqualTo(StepStatus.APPLIED);
        String real = fast.toRealPath().toString();
        assertThat(step.changes()).containsExactly(
                Change.of(Change.Kind.MOVE, real, all[2].from(), all[2].to(), 1),
                Change.of(Change.Kind.MOVE, real, all[3].from(), all[3].to(), 1),
                Change.of(Change.Kind.MOVE, real, all[4].from(), all[4].to(), 1),
                Change.of(Change.Kind.DELETE, real + "/keycloak", "empty directory", null, 1));
        assertThat(step.verification().passed()).isTrue();
        assertThat(result.notes()).anySatisfy(n -> assertThat(n).contains("was interrupted"));
        // the records of the two folders the killed run moved came from its journal, taken before they moved
        List<String> journal = Files.readAllLines(state.resolve("journal.jsonl"));
        assertThat(journal).filteredOn(l -> l.contains("postgres.data-folders-before-move")).first()
                .satisfies(l -> assertThat(l).contains(all[0].from(), all[1].from()).doesNotContain("\"alreadyMoved\":true"));
        for (DataFolderMove m : all) {
            assertThat(fast.resolve(m.from())).doesNotExist();
            assertThat(fast.resolve(m.to()).resolve("PG_VERSION")).exists();
        }
        assertThat(fast.resolve("keycloak")).doesNotExist();
    }
}
