package dev.kaapanamigrate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.TestSteps.LambdaStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second attempt through another path to the same state directory (a symlink) is refused, and refusing
 * it does not drop the first run's lock: another process is still refused afterwards.
 */
class LockAcrossPathsIT {

    @TempDir
    Path work;

    @Test
    void aSecondPathIsRefusedAndTheLockStaysHeldForOtherProcesses() throws Exception {
        Files.createDirectories(work.resolve("target"));
        Path alias = Files.createSymbolicLink(work.resolve("alias"), work);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        LambdaStep slow = new LambdaStep("slow", ctx -> TestSteps.pendingOne("t"), ctx -> {
            inside.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of(Change.of(Change.Kind.UPDATE, "t"));
        }, ctx -> TestSteps.passed());
        MigrationPlan holder = MigrationPlan.builder().step(slow)
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .stateDirectory(work.resolve("state")).build();
        AtomicReference<MigrationResult> first = new AtomicReference<>();
        Thread runner = new Thread(() -> first.set(holder.run()));
        runner.start();
        try {
            assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();

            assertThatThrownBy(() -> MigrationPlan.builder().step(new TestSteps.MarkerStep("other", work))
                    .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                    .stateDirectory(alias.resolve("state")).build().run())
                    .isInstanceOf(ConcurrentRunException.class);

            Path log = work.resolve("child.log");
            String java = ProcessHandle.current().info().command().orElse("java");
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Process child = new ProcessBuilder(java, "-Xmx64m", "-cp", classpath, KilledRunMain.class.getName(),
                    work.toString(), "-1").redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("the child must be refused").isNotZero();
            assertThat(Files.readString(log)).contains("[CONCURRENT_RUN]", "pid " + ProcessHandle.current().pid());
        } finally {
            release.countDown();
            runner.join(60_000);
        }
        assertThat(first.get().status()).isEqualTo(PlanStatus.SUCCEEDED);
    }
}
