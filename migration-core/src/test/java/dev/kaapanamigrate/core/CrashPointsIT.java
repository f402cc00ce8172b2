package dev.kaapanamigrate.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CrashPoints} in forked JVMs: a recorded run enumerates the points of a two-step plan (the runner's step
 * boundaries and the step's own point after each file), a JVM told to crash at a point dies there by {@code SIGKILL}
 * (exit status 137, the point recorded last), and a run in another JVM resumes from every one of those points to the
 * same files as an uninterrupted run. Without the properties nothing is recorded and nothing is killed.
 */
class CrashPointsIT {

    @TempDir
    Path tmp;

    private static Process fork(Path work, Path record, String crashAt) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-D" + CrashPoints.RECORD_PROPERTY + "=" + record));
        if (crashAt != null) {
            command.add("-D" + CrashPoints.CRASH_AT_PROPERTY + "=" + crashAt);
        }
        command.addAll(List.of("-cp", classpath, KilledRunMain.class.getName(), work.toString(), "-1"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("child.log").toFile())
                .start();
    }

    private static int await(Process p, Path work) throws Exception {
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the child ends; its output: %s",
                Files.readString(work.resolve("child.log"))).isTrue();
        return p.exitValue();
    }

    private static Path freshWork(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("target"));
        return dir;
    }

    @Test
    void offByDefault() {
        assertThat(CrashPoints.active()).isFalse();
        CrashPoints.reach("files.copy:copied");      // returns: nothing is switched on in this JVM
        CrashPoints.reach("files.copy", "copied");
        assertThat(CrashPoints.key("x", 2)).isEqualTo("x#2");
    }

    @Test
    void everyPointOfARecordedRunIsACrashFromWhichAnotherJvmResumes() throws Exception {
        Path reference = freshWork(tmp.resolve("reference"));
        Path recording = tmp.resolve("points.txt");
        assertThat(await(fork(reference, recording, null), reference)).isZero();
        List<String> points = Files.readAllLines(recording);
        assertThat(points).startsWith("files.seed:before-apply#1", "files.seed:applied#1",
                        "files.seed:apply-journaled#1", "files.seed:verified#1", "files.seed:done#1",
                        "files.copy:before-apply#1", "files.copy:copied#1")
                .contains("files.copy:copied#10").endsWith("files.copy:verified#1", "files.copy:done#1").hasSize(20);
        List<Path> expected = TestSteps.list(reference.resolve("target"));

        for (String point : points) {
            Path work = freshWork(tmp.resolve("crash-" + points.indexOf(point)));
            Path record = work.resolve("reached.txt");

            int status = await(fork(work, record, point), work);

            assertThat(status).as("killed by SIGKILL at %s", point).isEqualTo(CrashPoints.KILLED_EXIT_STATUS);
            List<String> reached = Files.readAllLines(record);
            assertThat(reached).as("the child reached the same points up to %s, and died there", point)
                    .isEqualTo(points.subList(0, points.indexOf(point) + 1));
            MigrationResult resumed = KilledRunMain.plan(work, -1).run();
            assertThat(resumed.status()).as(point + ": " + resumed.message()).isEqualTo(PlanStatus.SUCCEEDED);
            assertThat(TestSteps.list(work.resolve("target"))).as(point).hasSameSizeAs(expected);
            for (Path f : expected) {
                assertThat(TestSteps.readOrNull(work.resolve("target").resolve(f.getFileName())))
                        .as(point).isEqualTo(TestSteps.readOrNull(f));
            }
        }
    }
}
