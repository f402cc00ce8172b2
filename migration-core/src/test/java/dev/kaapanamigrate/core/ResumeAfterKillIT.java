package dev.kaapanamigrate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed with SIGKILL in the middle of a step, in its own JVM, is resumed by a run in another JVM:
 * the finished step is not run again, the interrupted one completes from where it stopped, and the lock
 * of the dead process is taken over, while the living process's lock was refused.
 */
class ResumeAfterKillIT {

    @TempDir
    Path work;

    @Test
    void aRunKilledMidStepResumesInANewJvm() throws Exception {
        Path log = work.resolve("child.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(java, "-Xmx64m", "-cp", classpath, KilledRunMain.class.getName(),
                work.toString(), "5")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(work.resolve("halfway"))) {
                assertThat(child.isAlive()).as("child still running; its output: %s",
                        Files.exists(log) ? Files.readString(log) : "").isTrue();
                assertThat(System.nanoTime()).as("child reached the middle of the copy in time").isLessThan(deadline);
                Thread.sleep(20);
            }

            assertThatThrownBy(() -> KilledRunMain.plan(work, -1).run())
                    .isInstanceOf(ConcurrentRunException.class)
                    .hasMessageContaining("pid " + child.pid());
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs in the child
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(TestSteps.list(work.resolve("target"))).hasSize(5);

        MigrationResult result = KilledRunMain.plan(work, -1).run();

        assertThat(result.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(result.steps()).extracting(StepResult::stepId, StepResult::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("files.seed", StepStatus.VERIFIED_EARLIER),
                org.assertj.core.groups.Tuple.tuple("files.copy", StepStatus.APPLIED));
        assertThat(result.step("files.copy").orElseThrow().changes()).singleElement()
                .satisfies(c -> assertThat(c.count()).as("only the files the killed run had not copied").isEqualTo(5));
        assertThat(result.notes()).anySatisfy(n -> assertThat(n).contains("took over the lock", "pid " + child.pid()));
        assertThat(result.notes()).anySatisfy(n -> assertThat(n).contains("'files.copy' was interrupted"));
        List<Path> target = TestSteps.list(work.resolve("target"));
        assertThat(target).hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(TestSteps.readOrNull(work.resolve("target").resolve(String.format("file-%03d.txt", i))))
                    .isEqualTo("content of file " + i);
        }
        assertThat(Files.readAllLines(work.resolve("state/journal.jsonl")))
                .filteredOn(l -> l.contains("\"STEP_STARTED\"") && l.contains("files.copy")).hasSize(2);
    }
}
