package dev.kaapanamigrate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.TestSteps.LambdaStep;
import dev.kaapanamigrate.core.TestSteps.MarkerStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanRunTest {

    @TempDir
    Path dir;

    private MigrationPlan.Builder plan(MigrationStep... steps) {
        return TestSteps.wire(MigrationPlan.builder(), steps)
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .stateDirectory(dir.resolve("state"));
    }

    @Test
    void runAppliesAndVerifiesEveryStepInOrder() {
        List<String> log = new CopyOnWriteArrayList<>();
        MarkerStep a = new MarkerStep("a", dir, PlatformState.UNDEPLOYED, log);
        MarkerStep b = new MarkerStep("b", dir, PlatformState.UNDEPLOYED, log, "a");

        MigrationResult result = plan(b, a).build().run();

        assertThat(result.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(log).containsExactly("a", "b");
        assertThat(result.steps()).extracting(StepResult::status).containsExactly(StepStatus.APPLIED, StepStatus.APPLIED);
        assertThat(result.steps().get(0).verification().passed()).isTrue();
        assertThat(result.steps().get(0).changes()).singleElement()
                .satisfies(c -> assertThat(c.kind()).isEqualTo(Change.Kind.CREATE));
        assertThat(TestSteps.readOrNull(dir.resolve("b.txt"))).isEqualTo("written by b");
        assertThat(result.orThrow()).isSameAs(result);
    }

    @Test
    void failureStopsTheRunAndIsReportedWithItsCode() {
        MarkerStep first = new MarkerStep("first", dir);
        LambdaStep failing = new LambdaStep("failing", ctx -> TestSteps.pendingOne("t"), ctx -> {
            throw new PreconditionFailedException(Problem.of(CoreErrorCode.PRECONDITION_FAILED, "x", "y", "z"));
        }, ctx -> TestSteps.passed());
        MarkerStep after = new MarkerStep("after", dir, "failing");

        MigrationResult result = plan(first, failing, after).build().run();

        assertThat(result.status()).isEqualTo(PlanStatus.FAILED);
        assertThat(result.errorCode()).isEqualTo(CoreErrorCode.PRECONDITION_FAILED);
        assertThat(result.message()).contains("step 'failing'", "apply failed", "Found: x; expected: y. Fix: z");
        assertThat(result.steps()).extracting(StepResult::status)
                .containsExactly(StepStatus.APPLIED, StepStatus.FAILED, StepStatus.NOT_RUN);
        assertThat(after.applies.get()).isZero();
        assertThat(dir.resolve("after.txt")).doesNotExist();
        assertThatThrownBy(result::orThrow).isInstanceOf(StepFailedException.class)
                .satisfies(e -> assertThat(((MigrationException) e).code()).isEqualTo(CoreErrorCode.PRECONDITION_FAILED));
    }

    @Test
    void unexpectedExceptionIsStepFailed() {
        LambdaStep failing = new LambdaStep("boom", ctx -> {
            throw new IllegalArgumentException("bad value 7");
        }, ctx -> List.of(), ctx -> TestSteps.passed());
        MigrationResult result = plan(failing).build().run();
        assertThat(result.errorCode()).isEqualTo(CoreErrorCode.STEP_FAILED);
        assertThat(result.steps().get(0).message()).isEqualTo("check failed: IllegalArgumentException: bad value 7");
    }

    @Test
    void blockedCheckStopsBeforeApplyWithTheProblem() {
        LambdaStep blocked = new LambdaStep("blocked", ctx -> StepCheck.blocked(CoreErrorCode.PRECONDITION_FAILED,
                "both folders hold data", "only the source", "remove the empty target"), ctx -> List.of(), ctx -> TestSteps.passed());
        MigrationResult result = plan(blocked).build().run();
        assertThat(result.status()).isEqualTo(PlanStatus.BLOCKED);
        assertThat(blocked.applies.get()).isZero();
        assertThat(result.message()).contains("both folders hold data", "remove the empty target");
        assertThatThrownBy(result::orThrow).isInstanceOf(PreconditionFailedException.class);
    }

    @Test
    void failedVerificationStopsTheRunWithItsFacts() {
        LambdaStep lossy = new LambdaStep("lossy", ctx -> TestSteps.pendingOne("t"), ctx -> List.of(),
                ctx -> Verification.builder().expect("rows in job", 10, 9).expect("tables", 3, 3).build());
        MigrationResult result = plan(lossy, new MarkerStep("next", dir)).build().run();
        assertThat(result.status()).isEqualTo(PlanStatus.FAILED);
        assertThat(result.errorCode()).isEqualTo(CoreErrorCode.VERIFICATION_FAILED);
        assertThat(result.steps().get(0).status()).isEqualTo(StepStatus.VERIFICATION_FAILED);
        assertThat(result.message()).contains("rows in job: expected 10, found 9");
        assertThatThrownBy(result::orThrow).isInstanceOf(VerificationFailedException.class)
                .satisfies(e -> assertThat(((VerificationFailedException) e).verification().failures()).hasSize(1));
    }

    @Test
    void reRunConfirmsStepsTheJournalRecordsAsVerifiedByTheirCheckAndDoesNotApplyThemAgain() {
        MarkerStep a = new MarkerStep("a", dir);
        AtomicInteger failures = new AtomicInteger(1);
        AtomicBoolean applied = new AtomicBoolean();
        LambdaStep flaky = new LambdaStep("flaky", ctx -> applied.get() ? StepCheck.upToDate("done")
                : TestSteps.pendingOne("t"), ctx -> {
            if (failures.getAndDecrement() > 0) {
                throw new IllegalStateException("network hiccup");
            }
            applied.set(true);
            return List.of(Change.of(Change.Kind.UPDATE, "t"));
        }, ctx -> TestSteps.passed());
        MigrationPlan plan = plan(a, flaky).build();

        assertThat(plan.run().status()).isEqualTo(PlanStatus.FAILED);
        MigrationResult second = plan.run();

        assertThat(second.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(second.steps()).extracting(StepResult::status)
                .containsExactly(StepStatus.VERIFIED_EARLIER, StepStatus.APPLIED);
        // one check per run: the first run's look-ahead check served as its own check; the second confirmed the journal
        assertThat(a.checks.get()).isEqualTo(2);
        assertThat(a.applies.get()).isEqualTo(1);
        assertThat(a.verifies.get()).isEqualTo(1);
        assertThat(second.steps().get(0).verification()).as("the facts proven by the first run").isNotNull()
                .satisfies(v -> assertThat(v.passed()).isTrue());
        assertThat(plan.check().isUpToDate()).isTrue();
    }

    @Test
    void withoutJournalADoneStepIsCheckedUpToDateVerifiedAndNotApplied() {
        MarkerStep a = new MarkerStep("a", dir);
        plan(a).build().run();
        MarkerStep again = new MarkerStep("a", dir);

        MigrationResult result = plan(again).stateDirectory(dir.resolve("other-state")).build().run();

        assertThat(result.steps().get(0).status()).isEqualTo(StepStatus.UP_TO_DATE);
        assertThat(again.applies.get()).isZero();
        assertThat(again.verifies.get()).isEqualTo(1);
    }

    record Project(int oldId, String name) {
    }

    @Test
    void contextValuesAreJournaledAndSeenByANewPlanOnTheSameStateDirectory() {
        ContextKey<List<Project>> projects = ContextKey.of("test.projects", new GenericType<List<Project>>() { });
        LambdaStep producer = new LambdaStep("producer", ctx -> TestSteps.pendingOne("t"), ctx -> {
            ctx.put(projects, List.of(new Project(1, "admin"), new Project(2, "ünïcode project")));
            return List.of(Change.of(Change.Kind.UPDATE, "t"));
        }, ctx -> TestSteps.passed());
        LambdaStep failingConsumer = new LambdaStep("consumer", ctx -> TestSteps.pendingOne("t"), ctx -> {
            throw new IllegalStateException("first attempt fails");
        }, ctx -> TestSteps.passed());
        plan(producer, failingConsumer).build().run();

        List<Object> seen = new ArrayList<>();
        LambdaStep consumer = new LambdaStep("consumer", ctx -> TestSteps.pendingOne("t"), ctx -> {
            seen.addAll(ctx.require(projects));
            return List.of(Change.of(Change.Kind.UPDATE, "t"));
        }, ctx -> TestSteps.passed());
        LambdaStep producerAgain = new LambdaStep("producer", ctx -> StepCheck.upToDate("done"), ctx -> {
            throw new AssertionError("verified earlier; must not be applied");
        }, ctx -> TestSteps.passed());
        MigrationResult result = plan(producerAgain, consumer).build().run();

        assertThat(result.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(seen).containsExactly(new Project(1, "admin"), new Project(2, "ünïcode project"));
    }

    @Test
    void missingContextValueFailsWithCodeAndFix() {
        ContextKey<String> key = ContextKey.of("test.never-put", String.class);
        LambdaStep consumer = new LambdaStep("consumer", ctx -> {
            ctx.require(key);
            return StepCheck.upToDate("x");
        }, ctx -> List.of(), ctx -> TestSteps.passed());
        MigrationResult result = plan(consumer).build().run();
        assertThat(result.errorCode()).isEqualTo(CoreErrorCode.CONTEXT_VALUE_MISSING);
        assertThat(result.message()).contains("test.never-put", "MigrationPlan.Builder.contextValue");
    }

    @Test
    void aListenerThatThrowsDoesNotBreakTheRun() {
        List<String> events = new CopyOnWriteArrayList<>();
        MigrationListener throwing = new MigrationListener() {
            @Override
            public void stepStarted(MigrationEvent.StepStarted event) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void planFinished(MigrationEvent.PlanFinished event) {
                throw new IllegalStateException("listener bug");
            }
        };
        MigrationListener recording = new MigrationListener() {
            @Override
            public void planStarted(MigrationEvent.PlanStarted e) {
                events.add("plan-started " + e.stepIds());
            }

            @Override
            public void stepStarted(MigrationEvent.StepStarted e) {
                events.add("step-started " + e.stepId());
            }

            @Override
            public void stepProgress(MigrationEvent.StepProgress e) {
                events.add("progress " + e.stepId() + " " + e.done() + "/" + e.total() + " " + e.unit());
            }

            @Override
            public void stepFinished(MigrationEvent.StepFinished e) {
                events.add("step-finished " + e.result().stepId() + " " + e.result().status());
            }

            @Override
            public void planFinished(MigrationEvent.PlanFinished e) {
                events.add("plan-finished " + e.result().status());
            }
        };
        LambdaStep step = new LambdaStep("counting", ctx -> TestSteps.pendingOne("t"), ctx -> {
            ctx.progress(1, 2, "rows");
            ctx.progress(2, 2, "rows");
            return List.of(Change.of(Change.Kind.UPDATE, "t", null, null, 2));
        }, ctx -> TestSteps.passed());

        MigrationResult result = plan(step).listener(throwing).listener(recording).build().run();

        assertThat(result.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(events).containsExactly("plan-started [counting]", "step-started counting",
                "progress counting 1/2 rows", "progress counting 2/2 rows", "step-finished counting APPLIED",
                "plan-finished SUCCEEDED");
    }

    /** A control that records what the plan asks of it. */
    static final class RecordingControl implements PlatformControl {
        PlatformState state;
        final List<String> calls = new ArrayList<>();

        RecordingControl(PlatformState state) {
            this.state = state;
        }

        @Override
        public PlatformState current() {
            return state;
        }

        @Override
        public void undeploy() {
            calls.add("undeploy");
        }

        @Override
        public void awaitUndeployed(Duration timeout) {
            calls.add("awaitUndeployed " + timeout.toMinutes());
            state = PlatformState.UNDEPLOYED;
        }

        @Override
        public void deploy() {
            calls.add("deploy");
        }

        @Override
        public void awaitReady(Duration timeout) {
            calls.add("awaitReady " + timeout.toMinutes());
            state = PlatformState.TARGET_RUNNING;
        }
    }

    @Test
    void platformIsMovedBetweenStateGroupsAndStepsSeeTheirState() {
        RecordingControl control = new RecordingControl(PlatformState.SOURCE_RUNNING);
        List<String> seen = new ArrayList<>();
        List<MigrationStep> steps = new ArrayList<>();
        for (PlatformState s : List.of(PlatformState.TARGET_RUNNING, PlatformState.SOURCE_RUNNING, PlatformState.UNDEPLOYED)) {
            steps.add(new LambdaStep(s.name().toLowerCase().replace('_', '-'), ctx -> {
                seen.add(ctx.platformState() + " " + control.calls);
                return StepCheck.upToDate("x");
            }, ctx -> List.of(), ctx -> TestSteps.passed()) {
                @Override
                public PlatformState requiredState() {
                    return s;
                }
            });
        }
        MigrationResult result = MigrationPlan.builder().steps(steps).platformControl(control).inMemoryState()
                .platformTimeout(Duration.ofMinutes(7)).build().run();

        assertThat(result.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(seen).containsExactly("SOURCE_RUNNING []", "UNDEPLOYED [undeploy, awaitUndeployed 7]",
                "TARGET_RUNNING [undeploy, awaitUndeployed 7, deploy, awaitReady 7]");
    }

    @Test
    void resourcesAreClosedBeforeThePlatformMovesAndWhenTheRunEndsEvenAfterAFailure() {
        RecordingControl control = new RecordingControl(PlatformState.UNDEPLOYED);
        List<String> log = new CopyOnWriteArrayList<>();
        LambdaStep opens = new LambdaStep("opens", ctx -> TestSteps.pendingOne("server"), ctx -> {
            ctx.closeBeforeLeavingState(() -> log.add("closed first, calls " + control.calls));
            ctx.closeBeforeLeavingState(() -> {
                log.add("closed second");
                throw new IllegalStateException("stuck");
            });
            return List.of();
        }, ctx -> TestSteps.passed());
        LambdaStep later = new LambdaStep("later", ctx -> {
            ctx.closeBeforeLeavingState(() -> log.add("closed at the end"));
            return TestSteps.pendingOne("x");
        }, ctx -> {
            throw new IllegalArgumentException("fails");
        }, ctx -> TestSteps.passed()) {
            @Override
            public PlatformState requiredState() {
                return PlatformState.TARGET_RUNNING;
            }
        };

        MigrationResult result = MigrationPlan.builder().steps(List.of(opens, later)).platformControl(control)
                .inMemoryState().build().run();

        assertThat(result.status()).isEqualTo(PlanStatus.FAILED);
        assertThat(log).containsExactly("closed second", "closed first, calls []", "closed at the end");
        assertThat(result.notes()).anySatisfy(n -> assertThat(n).contains("could not close", "stuck"));
    }

    @Test
    void resourcesKeptForTheRunCloseWhenThePlanOrTheRunnerCallEndsAndAreRefusedToADirectCall() {
        List<String> log = new CopyOnWriteArrayList<>();
        List<Boolean> taken = new CopyOnWriteArrayList<>();
        LambdaStep keeps = new LambdaStep("keeps", ctx -> {
            taken.add(ctx.closeWhenRunEnds(() -> log.add("check's closed")));
            return TestSteps.pendingOne("x");
        }, ctx -> {
            taken.add(ctx.closeWhenRunEnds(() -> log.add("apply's closed")));
            log.add("applied");
            return List.of();
        }, ctx -> {
            log.add("verified");
            return TestSteps.passed();
        });

        assertThat(plan(keeps).build().run().status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(taken).containsOnly(true);
        assertThat(log).endsWith("applied", "verified", "apply's closed", "check's closed");

        log.clear();
        taken.clear();
        try (StandaloneContext ctx = MigrationContext.standalone()) {
            keeps.check(ctx);
            assertThat(taken).containsExactly(false); // a direct call: its caller may use the databases right after

            assertThat(StepRunner.run(keeps, ctx).status()).isEqualTo(StepStatus.APPLIED);
            assertThat(log).containsExactly("applied", "verified", "apply's closed", "check's closed");
            assertThat(taken).containsExactly(false, true, true);

            log.clear();
            StepRunner.check(keeps, ctx);
            assertThat(log).containsExactly("check's closed");
            keeps.check(ctx);
            assertThat(taken).endsWith(true, false);
        }
        assertThat(log).containsExactly("check's closed");
    }

    @Test
    void dryRunClosesWhatChecksOpened() {
        AtomicInteger closed = new AtomicInteger();
        LambdaStep opens = new LambdaStep("opens", ctx -> {
            ctx.closeBeforeLeavingState(closed::incrementAndGet);
            return TestSteps.pendingOne("x");
        }, ctx -> List.of(), ctx -> TestSteps.passed());

        plan(opens).build().check();

        assertThat(closed).hasValue(1);
    }

    @Test
    void assumedStatePausesWhenTheNextStepsNeedAnotherStateAndTheJournalResumes() {
        List<String> log = new CopyOnWriteArrayList<>();
        MarkerStep offline = new MarkerStep("offline", dir, PlatformState.UNDEPLOYED, log);
        MarkerStep online = new MarkerStep("online", dir, PlatformState.TARGET_RUNNING, log, "offline");
        MigrationPlan plan = plan(offline, online).build();

        MigrationResult first = plan.run();

        assertThat(first.status()).isEqualTo(PlanStatus.PAUSED);
        assertThat(first.awaitingState()).isEqualTo(PlatformState.TARGET_RUNNING);
        assertThat(first.errorCode()).isEqualTo(CoreErrorCode.PLATFORM_STATE);
        assertThat(first.message()).contains("PlatformControl.assumeState(PlatformState.TARGET_RUNNING)");
        assertThat(first.steps()).extracting(StepResult::status).containsExactly(StepStatus.APPLIED, StepStatus.NOT_RUN);
        assertThat(online.checks.get()).isZero();

        MigrationResult second = plan.toBuilder()
                .platformControl(PlatformControl.assumeState(PlatformState.TARGET_RUNNING)).build().run();

        assertThat(second.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(second.steps()).extracting(StepResult::status)
                .containsExactly(StepStatus.VERIFIED_EARLIER, StepStatus.APPLIED);
        assertThat(log).containsExactly("offline", "online");
    }

    @Test
    void aPlatformAlreadyPastAStepsStateFailsWithoutRunningIt() {
        MarkerStep offline = new MarkerStep("offline", dir);
        MigrationResult result = plan(offline)
                .platformControl(PlatformControl.assumeState(PlatformState.TARGET_RUNNING)).build().run();
        assertThat(result.status()).isEqualTo(PlanStatus.FAILED);
        assertThat(result.errorCode()).isEqualTo(CoreErrorCode.PLATFORM_STATE);
        assertThat(result.message()).contains("never moves the platform backwards");
        assertThat(offline.checks.get()).isZero();
    }

    @Test
    void seededClockAndIdsMakeTwoRunsComparable() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
        MigrationResult one = plan(new MarkerStep("a", Files.createDirectories(dir.resolve("one"))))
                .stateDirectory(dir.resolve("s1")).clock(clock).idSource(IdSource.seeded(7)).build().run();
        MigrationResult two = plan(new MarkerStep("a", Files.createDirectories(dir.resolve("two"))))
                .stateDirectory(dir.resolve("s2")).clock(clock).idSource(IdSource.seeded(7)).build().run();
        assertThat(one.runId()).isEqualTo(two.runId());
        assertThat(one.startedAt()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(one.steps().get(0).duration()).isEqualTo(two.steps().get(0).duration()).isZero();
        assertThat(one.runId().version()).isEqualTo(4);
    }

    @Test
    void journalRecordsStartApplyAndVerificationDurably() throws Exception {
        plan(new MarkerStep("a", dir)).build().run();
        List<String> lines = Files.readAllLines(dir.resolve("state/journal.jsonl"));
        assertThat(lines).extracting(l -> l.replaceAll(".*\"type\":\"([A-Z_]+)\".*", "$1"))
                .containsExactly("RUN_STARTED", "STEP_STARTED", "STEP_APPLIED", "STEP_VERIFIED", "RUN_FINISHED");
        assertThat(Files.readString(dir.resolve("state/run.lock"))).as("released lock file").isEmpty();
    }
}
