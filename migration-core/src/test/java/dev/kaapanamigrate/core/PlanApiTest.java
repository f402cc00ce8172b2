package dev.kaapanamigrate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.kaapanamigrate.core.TestSteps.LambdaStep;
import dev.kaapanamigrate.core.TestSteps.MarkerStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API a custom tool composes with: skippable steps, verify-only, file areas, given values, the one-step runner. */
class PlanApiTest {

    @TempDir
    Path dir;

    private static MigrationStep optionalBaseline(Path dir) {
        return new MarkerStep("baseline", dir, PlatformState.SOURCE_RUNNING, new ArrayList<>()) {
            @Override
            public java.util.Optional<String> optionalOnceStatePassed() {
                return java.util.Optional.of("taken while 0.4 runs; the offline inventory stands in");
            }
        };
    }

    @Test
    void aStepOfAPassedStateThatMayBeSkippedIsReportedSkippedNotFailed() {
        MigrationPlan plan = MigrationPlan.builder().step(optionalBaseline(dir)).step(new MarkerStep("move", dir))
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .stateDirectory(dir.resolve("state")).build();

        PlanPreview preview = plan.check();
        MigrationResult result = plan.run();

        assertThat(preview.steps().get(0).check()).isInstanceOfSatisfying(StepCheck.Skipped.class,
                s -> assertThat(s.reason()).contains("offline inventory stands in"));
        assertThat(preview.isBlocked()).isFalse();
        assertThat(result.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(result.steps()).extracting(StepResult::status).containsExactly(StepStatus.SKIPPED, StepStatus.APPLIED);
        assertThat(result.steps().get(0).message()).contains("offline inventory");
        assertThat(dir.resolve("baseline.txt")).doesNotExist();
    }

    @Test
    void verifyOnlyProvesEveryStepAgainstTheInstallationAsItIsAndNamesWhatNoLongerHolds() throws IOException {
        ContextKey<Integer> baseline = ContextKey.of("test.rows-before", Integer.class);
        Path table = dir.resolve("table.txt");
        Files.writeString(table, "3");
        LambdaStep rows = new LambdaStep("rows", ctx -> Files.exists(dir.resolve("done")) ? StepCheck.upToDate("done")
                : TestSteps.pendingOne("rows"), ctx -> {
            ctx.put(baseline, 3);
            write(dir.resolve("done"), "");
            return List.of(Change.of(Change.Kind.UPDATE, "rows"));
        }, ctx -> {
            Verification.Builder v = Verification.builder().expect("done marker", true, Files.exists(dir.resolve("done")));
            ctx.get(baseline).ifPresent(b -> v.againstBaseline("rows", b, Integer.parseInt(read(table))));
            return v.build();
        });
        MigrationStep later = new MarkerStep("later", dir, PlatformState.TARGET_RUNNING, new ArrayList<>());
        MigrationPlan plan = MigrationPlan.builder().step(rows).step(later)
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .stateDirectory(dir.resolve("state")).build();
        assertThat(plan.run().status()).isEqualTo(PlanStatus.PAUSED);

        MigrationResult ok = plan.verify();
        Files.writeString(table, "2");
        MigrationResult broken = plan.verify();

        assertThat(ok.operation()).isEqualTo(MigrationResult.Operation.VERIFY);
        assertThat(ok.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(ok.steps()).extracting(StepResult::status).containsExactly(StepStatus.VERIFIED, StepStatus.NOT_RUN);
        assertThat(ok.steps().get(0).verification().facts()).extracting(Verification.Fact::basis)
                .containsExactly(Verification.Basis.POSTCONDITION, Verification.Basis.BASELINE);
        assertThat(ok.steps().get(1).message()).contains("TARGET_RUNNING");
        assertThat(broken.status()).isEqualTo(PlanStatus.FAILED);
        assertThat(broken.steps().get(0).status()).isEqualTo(StepStatus.VERIFICATION_FAILED);
        assertThat(broken.message()).contains("rows: expected 3, found 2");
        assertThat(MigrationReport.summary(broken)).startsWith("Verify-only pass");
        assertThat(dir.resolve("state/journal.jsonl")).content().doesNotContain(broken.runId().toString());
    }

    @Test
    void aStepsFileAreaLivesInTheStateDirectoryIsNeverCreatedByADryRunAndIsSeenByALaterRun() {
        AtomicReference<Path> seen = new AtomicReference<>();
        LambdaStep writes = new LambdaStep("lists.objects", ctx -> {
            seen.set(ctx.fileArea());
            return Files.exists(ctx.fileArea().resolve("listing.gz")) ? StepCheck.upToDate("listed")
                    : TestSteps.pendingOne("listing");
        }, ctx -> {
            write(ctx.fileArea().resolve("listing.gz"), "objects");
            return List.of(Change.of(Change.Kind.CREATE, "listing"));
        }, ctx -> Verification.builder().expect("listing", "objects", read(ctx.fileArea().resolve("listing.gz"))).build());
        MigrationPlan plan = MigrationPlan.builder().step(writes)
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .stateDirectory(dir.resolve("state")).build();

        plan.check();
        assertThat(dir.resolve("state")).doesNotExist();
        assertThat(plan.run().succeeded()).isTrue();

        assertThat(seen.get()).isEqualTo(dir.resolve("state/steps/lists.objects"));
        assertThat(seen.get().resolve("listing.gz")).hasContent("objects");
        assertThat(plan.check().isUpToDate()).isTrue();
    }

    @Test
    void aValueTheCallerGivesStandsInForAStepLeftOutOfThePlanAndIsNotJournaled() throws IOException {
        ContextKey<String> admin = ContextKey.of("test.admin-project", String.class);
        List<String> seen = new CopyOnWriteArrayList<>();
        LambdaStep consumer = new LambdaStep("consumer", ctx -> {
            seen.add(ctx.require(admin));
            return StepCheck.upToDate("nothing to do");
        }, ctx -> List.of(), ctx -> TestSteps.passed());

        MigrationResult result = MigrationPlan.builder().step(consumer).contextValue(admin, "0f4c-admin")
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .stateDirectory(dir.resolve("state")).build().run();

        assertThat(result.succeeded()).isTrue();
        assertThat(seen).containsOnly("0f4c-admin");
        assertThat(Files.readString(dir.resolve("state/journal.jsonl"))).doesNotContain("0f4c-admin");
    }

    @Test
    void theStepRunnerChecksAppliesAndVerifiesOneStepAndTheStandaloneContextCleansUp() {
        MarkerStep step = new MarkerStep("alone", dir);
        Path area;
        StepResult first;
        StepResult second;
        StepResult verified;
        try (StandaloneContext ctx = MigrationContext.standalone()) {
            first = StepRunner.run(step, ctx);
            second = StepRunner.run(step, ctx);
            verified = StepRunner.verify(step, ctx);
            ctx.enterStep("alone");
            area = ctx.fileArea();
            assertThat(area).isDirectory();
            assertThat(StepRunner.check(step, ctx)).isInstanceOf(StepCheck.UpToDate.class);
        }
        assertThat(first.status()).isEqualTo(StepStatus.APPLIED);
        assertThat(second.status()).isEqualTo(StepStatus.UP_TO_DATE);
        assertThat(verified.status()).isEqualTo(StepStatus.VERIFIED);
        assertThat(step.applies.get()).isEqualTo(1);
        assertThat(area).doesNotExist();
    }

    @Test
    void everyEventReachesOnEventAndADryRunSendsStepEventsToo() {
        List<String> events = new CopyOnWriteArrayList<>();
        MigrationListener all = new MigrationListener() {
            @Override
            public void onEvent(MigrationEvent event) {
                events.add(event.getClass().getSimpleName());
            }
        };
        MigrationPlan plan = MigrationPlan.builder().step(new MarkerStep("a", dir)).listener(all)
                .listener(new LoggingListener()).platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .inMemoryState().build();

        plan.check();
        assertThat(events).containsExactly("PreviewStarted", "StepStarted", "StepChecked", "PreviewFinished");
        events.clear();
        plan.run();
        assertThat(events).containsExactly("PlanStarted", "StepStarted", "StepFinished", "PlanFinished");
    }

    @Test
    void aPlatformControlThatTimesOutFailsTheRunNamingTheStateAndLeavesTheLaterStepsAlone() {
        PlatformControl control = mock(PlatformControl.class);
        when(control.current()).thenReturn(PlatformState.SOURCE_RUNNING);
        doThrow(new PreconditionFailedException(Problem.of(CoreErrorCode.PLATFORM_STATE,
                "pods still running after 30 minutes: kaapana-backend-0", "no Kaapana pod", "undeploy by hand")))
                .when(control).awaitUndeployed(any(Duration.class));
        MarkerStep offline = new MarkerStep("offline", dir);

        MigrationResult result = MigrationPlan.builder().step(offline).platformControl(control).inMemoryState().build()
                .run();

        assertThat(result.status()).isEqualTo(PlanStatus.FAILED);
        assertThat(result.errorCode()).isEqualTo(CoreErrorCode.PLATFORM_STATE);
        assertThat(result.message()).contains("moving the platform to UNDEPLOYED failed", "kaapana-backend-0");
        assertThat(offline.checks.get() + offline.applies.get()).isZero();
    }

    /** A value type as a step might journal it. */
    record Inventory(String bucket, long objects) {
    }

    @Test
    void theJournaledValuesAreReadBackReadOnlyAndSeedAContextInWhichTheRecordingStepVerifiesAgain() {
        ContextKey<Inventory> key = ContextKey.of("test.inventory", Inventory.class);
        Path state = dir.resolve("state");
        java.util.concurrent.atomic.AtomicLong objects = new java.util.concurrent.atomic.AtomicLong(5);
        LambdaStep inventory = new LambdaStep("inventory", ctx -> ctx.get(key).isPresent() ? StepCheck.upToDate("taken")
                : TestSteps.pendingOne("inventory"), ctx -> {
            ctx.put(key, new Inventory("project-admin", objects.get()));
            return List.of(Change.of(Change.Kind.CREATE, "inventory"));
        }, ctx -> Verification.builder().againstBaseline("objects", ctx.require(key).objects(), objects.get()).build());
        MigrationPlan plan = MigrationPlan.builder().step(inventory)
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED)).stateDirectory(state).build();
        assertThat(JournaledValues.read(state).isEmpty()).as("no journal yet").isTrue();
        assertThat(plan.run().status()).isEqualTo(PlanStatus.SUCCEEDED);
        List<Path> before = TestSteps.list(state);

        JournaledValues recorded = JournaledValues.read(state);
        objects.set(4);
        Verification now;
        try (StandaloneContext ctx = recorded.newContext(PlatformState.UNDEPLOYED)) {
            now = StepRunner.verify(inventory, ctx).verification();
            ctx.put(key, new Inventory("other", 1));                  // kept in memory, never journaled
        }

        assertThat(recorded.names()).containsExactly("test.inventory");
        assertThat(recorded.get(key)).contains(new Inventory("project-admin", 5));
        assertThat(plan.journaledValues().get(key)).contains(new Inventory("project-admin", 5));
        assertThat(recorded.source()).isEqualTo(state.toString());
        assertThat(now.passed()).isFalse();
        assertThat(now.describeFailures()).isEqualTo("objects: expected 5, found 4");
        assertThat(TestSteps.list(state)).as("reading wrote nothing").isEqualTo(before);
        assertThat(JournaledValues.read(state).get(key)).contains(new Inventory("project-admin", 5));
        assertThat(MigrationPlan.builder().step(inventory).platformControl(PlatformControl.assumeState(
                PlatformState.UNDEPLOYED)).inMemoryState().build().journaledValues().isEmpty()).isTrue();
    }

    private static void write(Path file, String content) {
        TestSteps.writeAtomically(file, content);
    }

    private static String read(Path file) {
        return TestSteps.readOrNull(file);
    }

    @Test
    void aGuaranteeAStepCouldNotProveEndsTheRunIncompleteAndIsListed() {
        LambdaStep objects = new LambdaStep("store.verify", ctx -> StepCheck.upToDate("nothing to change"),
                ctx -> List.of(), ctx -> Verification.builder().expect("step ran", true, true)
                .notProven("objects of the MinIO store", "no MinIO client was given").build());
        MigrationPlan plan = MigrationPlan.builder().step(objects)
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED)).inMemoryState().build();

        MigrationResult result = plan.run();

        assertThat(result.status()).isEqualTo(PlanStatus.INCOMPLETE);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.orThrow()).as("not a failure").isSameAs(result);
        assertThat(result.unproven()).containsExactly("store.verify: objects of the MinIO store: no MinIO client was given");
        assertThat(MigrationReport.summary(result)).contains("INCOMPLETE", "Not proven: store.verify");
        assertThat(plan.verify().status()).isEqualTo(PlanStatus.INCOMPLETE);
        assertThat(MigrationReport.parseResult(MigrationReport.toJson(result))).isEqualTo(result);
    }
}
