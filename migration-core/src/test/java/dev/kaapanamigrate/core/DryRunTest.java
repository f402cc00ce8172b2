package dev.kaapanamigrate.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.TestSteps.LambdaStep;
import dev.kaapanamigrate.core.TestSteps.MarkerStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DryRunTest {

    @TempDir
    Path dir;

    @Test
    void checkCallsNoApplyAndChangesNothing() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("existing.txt"), "x");
        Path state = dir.resolve("state");
        MarkerStep a = new MarkerStep("a", data);
        MarkerStep b = new MarkerStep("b", data, "a");
        LambdaStep c = new LambdaStep("c", ctx -> {
            assertThat(ctx.dryRun()).isTrue();
            return TestSteps.pendingOne("c-target");
        }, ctx -> {
            throw new AssertionError("apply must not run in a dry-run");
        }, ctx -> TestSteps.passed());
        MigrationPlan plan = MigrationPlan.builder().step(a).step(b, "a").step(c)
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .stateDirectory(state)
                .build();
        List<String> before = tree(dir);

        PlanPreview preview = plan.check();

        assertThat(a.applies.get() + b.applies.get() + c.applies.get()).isZero();
        assertThat(a.verifies.get() + b.verifies.get()).isZero();
        assertThat(a.checks.get()).isEqualTo(1);
        assertThat(tree(dir)).isEqualTo(before);
        assertThat(state).doesNotExist();
        assertThat(preview.changes()).extracting(Change::target)
                .containsExactly(data.resolve("a.txt").toString(), data.resolve("b.txt").toString(), "c-target");
        assertThat(preview.isBlocked()).isFalse();
        assertThat(preview.isUpToDate()).isFalse();
    }

    @Test
    void previewShowsBlockersDeferredStepsAndFailedChecksWithoutStopping() {
        LambdaStep blocked = new LambdaStep("blocked", ctx -> StepCheck.blocked(CoreErrorCode.PRECONDITION_FAILED,
                "a target folder with data", "no target folder", "move it aside"), ctx -> List.of(), ctx -> TestSteps.passed());
        LambdaStep deferred = new LambdaStep("deferred", ctx -> StepCheck.deferred(PlatformState.TARGET_RUNNING,
                "needs the 0.5 services"), ctx -> List.of(), ctx -> TestSteps.passed());
        LambdaStep throwing = new LambdaStep("throwing", ctx -> {
            throw new IllegalStateException("disk on fire");
        }, ctx -> List.of(), ctx -> TestSteps.passed());
        LambdaStep fine = new LambdaStep("fine", ctx -> StepCheck.upToDate("done"), ctx -> List.of(), ctx -> TestSteps.passed());
        PlanPreview preview = MigrationPlan.builder().step(blocked).step(deferred).step(throwing).step(fine)
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .inMemoryState().build().check();

        assertThat(preview.platformState()).isEqualTo(PlatformState.UNDEPLOYED);
        assertThat(preview.steps()).extracting(s -> s.check().getClass().getSimpleName())
                .containsExactly("Blocked", "Deferred", "Blocked", "UpToDate");
        assertThat(preview.blockers()).extracting(StepPreview::stepId).containsExactly("blocked", "throwing");
        StepCheck.Blocked failed = (StepCheck.Blocked) preview.steps().get(2).check();
        assertThat(failed.problem().code()).isEqualTo(CoreErrorCode.STEP_FAILED);
        assertThat(failed.problem().found()).contains("disk on fire");
        assertThat(MigrationReport.summary(preview)).contains("BLOCKED", "DEFERRED", "move it aside", "needs the 0.5 services");
    }

    @Test
    void aCheckThatFailsWhileItsDependencyIsPendingWaitsInsteadOfBlocking() {
        MarkerStep first = new MarkerStep("first", dir);
        LambdaStep second = new LambdaStep("second", ctx -> {
            if (!Files.exists(dir.resolve("first.txt"))) {
                throw new IllegalStateException("first.txt missing");
            }
            return StepCheck.upToDate("x");
        }, ctx -> List.of(), ctx -> TestSteps.passed());
        LambdaStep independent = new LambdaStep("independent", ctx -> {
            throw new IllegalStateException("really broken");
        }, ctx -> List.of(), ctx -> TestSteps.passed());
        PlanPreview preview = MigrationPlan.builder().step(first).step(second, "first").step(independent)
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED)).inMemoryState().build().check();

        assertThat(preview.steps().get(1).check()).isInstanceOfSatisfying(StepCheck.Waiting.class, w -> {
            assertThat(w.stepIds()).containsExactly("first");
            assertThat(w.reason()).contains("first.txt missing");
        });
        assertThat(preview.blockers()).extracting(StepPreview::stepId).containsExactly("independent");
        assertThat(MigrationReport.summary(preview)).contains("WAITING", "checked after first ran");
    }

    static List<String> tree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p) + ":" + (Files.isRegularFile(p) ? TestSteps.readOrNull(p) : "dir"))
                    .sorted().toList();
        }
    }

    @Test
    void aStepWaitingBehindABlockedStepSaysSoInsteadOfAskingForTheProducer() {
        ContextKey<String> projects = ContextKey.of("test.projects", String.class);
        LambdaStep blocked = new LambdaStep("producer", ctx -> StepCheck.blocked(CoreErrorCode.PRECONDITION_FAILED,
                "admin project missing", "an admin project", "name it"), ctx -> List.of(), ctx -> TestSteps.passed());
        LambdaStep consumer = new LambdaStep("consumer", ctx -> {
            ctx.require(projects);
            return StepCheck.upToDate("x");
        }, ctx -> List.of(), ctx -> TestSteps.passed());
        PlanPreview preview = MigrationPlan.builder().step(blocked).step(consumer, "producer")
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED)).inMemoryState().build().check();

        assertThat(preview.steps().get(1).check()).isInstanceOfSatisfying(StepCheck.Waiting.class, w -> {
            assertThat(w.reason()).contains("waits for producer, which cannot run").doesNotContain("add the step");
        });
    }
}
