package dev.kaapanamigrate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.TestSteps.LambdaStep;
import dev.kaapanamigrate.core.TestSteps.MarkerStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What happens when steps, listeners, controls or files misbehave. */
class RobustnessTest {

    @TempDir
    Path dir;

    private MigrationPlan.Builder plan(PlatformControl control, MigrationStep... steps) {
        return TestSteps.wire(MigrationPlan.builder(), steps).platformControl(control).stateDirectory(dir.resolve("state"));
    }

    private static MigrationStep inState(PlatformState state, MigrationStep step) {
        return new MigrationStep() {
            @Override
            public String id() {
                return step.id();
            }

            @Override
            public String description() {
                return step.description();
            }

            @Override
            public PlatformState requiredState() {
                return state;
            }

            @Override
            public StepCheck check(MigrationContext ctx) {
                return step.check(ctx);
            }

            @Override
            public List<Change> apply(MigrationContext ctx) {
                return step.apply(ctx);
            }

            @Override
            public Verification verify(MigrationContext ctx) {
                return step.verify(ctx);
            }
        };
    }

    @Test
    void aListenerThrowingAnErrorDoesNotBreakTheRun() {
        MigrationListener throwsError = new MigrationListener() {
            @Override
            public void stepStarted(MigrationEvent.StepStarted event) {
                throw new AssertionError("listener bug");
            }
        };
        MigrationResult result = plan(PlatformControl.assumeState(PlatformState.UNDEPLOYED), new MarkerStep("a", dir))
                .listener(throwsError).build().run();
        assertThat(result.status()).isEqualTo(PlanStatus.SUCCEEDED);
    }

    @Test
    void aStepThrowingAnErrorIsAFailedStepNotACrashedRun() throws Exception {
        LambdaStep step = new LambdaStep("asserting", ctx -> TestSteps.pendingOne("t"), ctx -> {
            throw new AssertionError("step bug");
        }, ctx -> TestSteps.passed());
        MigrationResult result = plan(PlatformControl.assumeState(PlatformState.UNDEPLOYED), step).build().run();
        assertThat(result.status()).isEqualTo(PlanStatus.FAILED);
        assertThat(result.message()).contains("apply failed: AssertionError: step bug");
        assertThat(Files.readAllLines(dir.resolve("state/journal.jsonl")))
                .anySatisfy(l -> assertThat(l).contains("STEP_FAILED"))
                .anySatisfy(l -> assertThat(l).contains("RUN_FINISHED"));
    }

    @Test
    void aControlThatCannotTellItsStateFailsTheRunWithACode() {
        PlatformControl broken = () -> {
            throw new IllegalStateException("kubectl not found");
        };
        MigrationResult result = plan(broken, new MarkerStep("a", dir)).build().run();
        assertThat(result.status()).isEqualTo(PlanStatus.FAILED);
        assertThat(result.errorCode()).isEqualTo(CoreErrorCode.PLATFORM_STATE);
        assertThat(result.message()).contains("kubectl not found");
    }

    /** Can undeploy, but deploying is the caller's business. */
    static final class UndeployOnly implements PlatformControl {
        PlatformState state = PlatformState.SOURCE_RUNNING;
        final List<String> events = new ArrayList<>();

        @Override
        public PlatformState current() {
            return state;
        }

        @Override
        public void undeploy() {
            events.add("undeploy");
        }

        @Override
        public void awaitUndeployed(Duration timeout) {
            state = PlatformState.UNDEPLOYED;
        }
    }

    @Test
    void aControlThatCanUndeployButNotDeployPausesAtTheTargetState() {
        UndeployOnly control = new UndeployOnly();
        List<String> transitions = new ArrayList<>();
        MigrationListener listener = new MigrationListener() {
            @Override
            public void platformTransition(MigrationEvent.PlatformTransition e) {
                transitions.add(e.from() + "->" + e.to());
            }
        };
        MarkerStep online = new MarkerStep("online", dir, PlatformState.TARGET_RUNNING, new ArrayList<>());
        MigrationResult result = MigrationPlan.builder()
                .step(new MarkerStep("offline", dir, PlatformState.UNDEPLOYED, new ArrayList<>()))
                .step(online)
                .platformControl(control).inMemoryState().listener(listener).build().run();

        assertThat(result.status()).isEqualTo(PlanStatus.PAUSED);
        assertThat(result.awaitingState()).isEqualTo(PlatformState.TARGET_RUNNING);
        assertThat(result.message()).contains("assumeState(PlatformState.TARGET_RUNNING)")
                .contains("the platform is in state UNDEPLOYED");
        assertThat(transitions).containsExactly("SOURCE_RUNNING->UNDEPLOYED");
        assertThat(online.checks.get()).isZero();
    }

    @Test
    void pauseThenResumeWorksWithInMemoryStateToo() {
        MarkerStep offline = new MarkerStep("offline", dir, PlatformState.UNDEPLOYED, new ArrayList<>());
        MarkerStep online = new MarkerStep("online", dir, PlatformState.TARGET_RUNNING, new ArrayList<>());
        MigrationPlan plan = MigrationPlan.builder().step(offline).step(online)
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED)).inMemoryState().build();
        assertThat(plan.run().status()).isEqualTo(PlanStatus.PAUSED);

        MigrationResult resumed = plan.toBuilder()
                .platformControl(PlatformControl.assumeState(PlatformState.TARGET_RUNNING)).build().run();

        assertThat(resumed.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(resumed.steps()).extracting(StepResult::status)
                .containsExactly(StepStatus.VERIFIED_EARLIER, StepStatus.APPLIED);
        assertThat(offline.applies.get()).isEqualTo(1);
    }

    @Test
    void aControlReportingTheWrongStateAfterMovingFailsTheRun() {
        PlatformControl liar = new PlatformControl() {
            @Override
            public PlatformState current() {
                return PlatformState.SOURCE_RUNNING;
            }

            @Override
            public void undeploy() {
            }
        };
        MigrationResult result = plan(liar, new MarkerStep("a", dir)).build().run();
        assertThat(result.status()).isEqualTo(PlanStatus.FAILED);
        assertThat(result.message()).contains("reports state SOURCE_RUNNING after moving the platform");
    }

    @Test
    void theDryRunAgreesWithTheRunAboutPlatformState() {
        MarkerStep offline = new MarkerStep("offline", dir);
        LambdaStep online = new LambdaStep("online", ctx -> {
            throw new IllegalStateException("connection refused");
        }, ctx -> List.of(), ctx -> TestSteps.passed());
        MigrationPlan past = plan(PlatformControl.assumeState(PlatformState.TARGET_RUNNING), offline).build();
        PlanPreview preview = past.check();
        assertThat(preview.blockers()).singleElement()
                .satisfies(s -> assertThat(((StepCheck.Blocked) s.check()).problem().code()).isEqualTo(CoreErrorCode.PLATFORM_STATE));
        assertThat(past.run().errorCode()).isEqualTo(CoreErrorCode.PLATFORM_STATE);

        PlanPreview early = plan(PlatformControl.assumeState(PlatformState.UNDEPLOYED),
                inState(PlatformState.TARGET_RUNNING, online)).build().check();
        assertThat(early.steps().get(0).check()).isInstanceOfSatisfying(StepCheck.Deferred.class, d -> {
            assertThat(d.state()).isEqualTo(PlatformState.TARGET_RUNNING);
            assertThat(d.reason()).contains("connection refused");
        });
        assertThat(early.isBlocked()).isFalse();
    }

    record Opaque(Object anything) {
    }

    @Test
    void aContextValueThatCannotBeReadBackIsRefusedWhenPut() {
        ContextKey<Opaque> key = ContextKey.of("test.opaque", Opaque.class);
        MigrationContext ctx = MigrationContext.standalone();
        assertThatThrownBy(() -> ctx.put(key, new Opaque(new Object())))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("read back");
    }

    @Test
    void aJournalLineHoldingNullIsReportedAsCorrupt() throws Exception {
        plan(PlatformControl.assumeState(PlatformState.UNDEPLOYED), new MarkerStep("a", dir)).build().run();
        Path journal = dir.resolve("state/journal.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(journal));
        lines.add(1, "null");
        Files.write(journal, lines);
        assertThatThrownBy(() -> plan(PlatformControl.assumeState(PlatformState.UNDEPLOYED), new MarkerStep("a", dir))
                .build().run())
                .satisfies(e -> assertThat(((MigrationException) e).code()).isEqualTo(CoreErrorCode.JOURNAL_CORRUPT))
                .hasMessageContaining("line 2");
    }

    @Test
    void aMalformedReportBodyIsReportInvalid() {
        String json = MigrationReport.toJson(MigrationReportTest.sampleResult()).replace("\"status\" : \"FAILED\"",
                "\"status\" : \"EXPLODED\"");
        assertThatThrownBy(() -> MigrationReport.parseResult(json))
                .isInstanceOf(MigrationException.class)
                .satisfies(e -> assertThat(((MigrationException) e).code()).isEqualTo(CoreErrorCode.REPORT_INVALID))
                .hasMessageContaining("EXPLODED");
    }
}
