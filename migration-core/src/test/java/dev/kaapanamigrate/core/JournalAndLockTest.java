package dev.kaapanamigrate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.TestSteps.LambdaStep;
import dev.kaapanamigrate.core.TestSteps.MarkerStep;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalAndLockTest {

    @TempDir
    Path dir;

    private MigrationPlan.Builder plan(MigrationStep... steps) {
        return TestSteps.wire(MigrationPlan.builder(), steps)
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .stateDirectory(dir.resolve("state"));
    }

    @Test
    void aLastLineCutShortByACrashIsDroppedAndTheRunGoesOn() throws Exception {
        MarkerStep a = new MarkerStep("a", dir);
        plan(a).build().run();
        Path journal = dir.resolve("state/journal.jsonl");
        Files.writeString(journal, "{\"v\":1,\"type\":\"STEP_VERI", StandardOpenOption.APPEND);

        MarkerStep b = new MarkerStep("b", dir);
        MigrationResult result = plan(a, b).build().run();

        assertThat(result.steps()).extracting(StepResult::status)
                .containsExactly(StepStatus.VERIFIED_EARLIER, StepStatus.APPLIED);
        assertThat(Files.readAllLines(journal)).allSatisfy(l -> assertThat(l).startsWith("{").endsWith("}"));
    }

    @Test
    void aDamagedLineInTheMiddleIsRefusedWithTheFix() throws Exception {
        plan(new MarkerStep("a", dir)).build().run();
        Path journal = dir.resolve("state/journal.jsonl");
        List<String> lines = Files.readAllLines(journal);
        lines.set(1, "garbage");
        Files.write(journal, lines);

        MarkerStep a = new MarkerStep("a", dir);
        assertThatThrownBy(() -> plan(a).build().run())
                .isInstanceOf(PreconditionFailedException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("move journal.jsonl aside")
                .satisfies(e -> assertThat(((MigrationException) e).code()).isEqualTo(CoreErrorCode.JOURNAL_CORRUPT));
        assertThat(a.checks.get()).isZero();
    }

    @Test
    void aSecondConcurrentRunInTheSameProcessIsRefusedNamingTheHolder() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        LambdaStep slow = new LambdaStep("slow", ctx -> TestSteps.pendingOne("t"), ctx -> {
            inside.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of(Change.of(Change.Kind.UPDATE, "t"));
        }, ctx -> TestSteps.passed());
        MigrationPlan plan = plan(slow).build();
        AtomicReference<MigrationResult> first = new AtomicReference<>();
        Thread runner = new Thread(() -> first.set(plan.run()));
        runner.start();
        assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
        try {
            MarkerStep other = new MarkerStep("other", dir);
            assertThatThrownBy(() -> plan(other).build().run())
                    .isInstanceOf(ConcurrentRunException.class)
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .satisfies(e -> assertThat(((ConcurrentRunException) e).holder()).isPresent());
            assertThat(other.checks.get()).isZero();
        } finally {
            release.countDown();
            runner.join(30_000);
        }
        assertThat(first.get().status()).isEqualTo(PlanStatus.SUCCEEDED);
        // the lock was released: a later run proceeds
        assertThat(plan(new MarkerStep("later", dir)).build().run().status()).isEqualTo(PlanStatus.SUCCEEDED);
    }

    @Test
    void aStaleLockOfADeadProcessIsTakenOverAndReported() throws Exception {
        Path lock = Files.createDirectories(dir.resolve("state")).resolve("run.lock");
        LockHolder dead = new LockHolder(999_999_999L, "old-host", Instant.parse("2026-01-01T00:00:00Z"), UUID.randomUUID());
        Files.writeString(lock, "{\"pid\":999999999,\"host\":\"old-host\",\"startedAt\":\"2026-01-01T00:00:00Z\",\"runId\":\""
                + dead.runId() + "\"}", StandardCharsets.UTF_8);

        MigrationResult result = plan(new MarkerStep("a", dir)).build().run();

        assertThat(result.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(result.notes()).singleElement().asString()
                .contains("took over the lock", "pid 999999999 on host old-host", dead.runId().toString());
        assertThat(Files.readString(lock)).isEmpty();
    }

    @Test
    void aRunRefusedBeforeTheHolderWroteItsDetailsStillNamesTheHolder() throws Exception {
        // Two runs started together: the winner has the OS lock but has not written its details yet.
        Path lock = Files.createDirectories(dir.resolve("state")).resolve("run.lock");
        UUID run = UUID.randomUUID();
        byte[] details = ("{\"pid\":4242,\"host\":\"winner-host\",\"startedAt\":\"2026-01-01T00:00:00Z\",\"runId\":\""
                + run + "\"}").getBytes(StandardCharsets.UTF_8);
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(lock,
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
             java.nio.channels.FileLock held = channel.tryLock()) {
            assertThat(held).isNotNull();
            Thread winner = new Thread(() -> {
                try {
                    Thread.sleep(300);
                    channel.write(java.nio.ByteBuffer.wrap(details), 0);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            winner.start();

            assertThatThrownBy(() -> plan(new MarkerStep("a", dir)).build().run())
                    .isInstanceOfSatisfying(ConcurrentRunException.class, e -> assertThat(e.holder())
                            .hasValueSatisfying(h -> assertThat(h.pid()).isEqualTo(4242L)))
                    .hasMessageContaining("pid 4242 on host winner-host");
            winner.join(10_000);
        }
        assertThat(dir.resolve("a.txt")).as("the refused run changed nothing").doesNotExist();
    }
}
