package dev.kaapanamigrate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.TestSteps.LambdaStep;
import dev.kaapanamigrate.core.TestSteps.MarkerStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run trusts the installation over its journal and refuses before it changes anything: journals bound to their
 * installation, the look-ahead over a platform state, and the state directory checked without writing.
 */
class PlanSafetyTest {

    @TempDir
    Path dir;

    private MigrationPlan.Builder plan(Path installation, MigrationStep... steps) {
        return TestSteps.wire(MigrationPlan.builder(), steps)
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .stateDirectory(installation.resolve(".state"));
    }

    // ----------------------------------------------------------------------------------- journal vs installation

    @Test
    void aStepTheJournalCallsVerifiedButWhoseCheckFindsWorkAgainRefusesTheRunAndTheDryRun() throws IOException {
        Path fast = Files.createDirectories(dir.resolve("fast"));
        assertThat(plan(fast, new MarkerStep("a", fast), new MarkerStep("b", fast, "a")).build().run().succeeded()).isTrue();
        // "restore from a backup" while keeping the state directory: the markers are gone again
        Files.delete(fast.resolve("a.txt"));
        Files.delete(fast.resolve("b.txt"));
        List<String> before = DryRunTest.tree(fast);

        MarkerStep a = new MarkerStep("a", fast);
        MarkerStep b = new MarkerStep("b", fast, "a");
        PlanPreview preview = plan(fast, a, b).build().check();
        MigrationResult result = plan(fast, a, b).build().run();

        assertThat(preview.isBlocked()).isTrue();
        assertThat(preview.blockers()).extracting(StepPreview::stepId).containsExactly("a", "b");
        assertThat(((StepCheck.Blocked) preview.blockers().get(0).check()).problem().code())
                .isEqualTo(CoreErrorCode.JOURNAL_MISMATCH);
        assertThat(result.status()).isEqualTo(PlanStatus.BLOCKED);
        assertThat(result.errorCode()).isEqualTo(CoreErrorCode.JOURNAL_MISMATCH);
        assertThat(result.message()).contains("records step 'a' as verified", "finds work to do", "mv ");
        assertThat(result.steps()).extracting(StepResult::status).containsExactly(StepStatus.BLOCKED, StepStatus.BLOCKED);
        assertThat(a.applies.get() + b.applies.get()).isZero();
        List<String> after = DryRunTest.tree(fast);
        assertThat(after.stream().filter(l -> !l.startsWith(".state")).toList())
                .isEqualTo(before.stream().filter(l -> !l.startsWith(".state")).toList());
    }

    @Test
    void aStateDirectorySharedByTwoInstallationsIsRefusedAndItsJournalIsLeftAsItWas() throws IOException {
        Path one = Files.createDirectories(dir.resolve("one"));
        Path two = Files.createDirectories(dir.resolve("two"));
        Path shared = dir.resolve("shared-state");
        MigrationPlan.Builder first = MigrationPlan.builder().step(new MarkerStep("a", one))
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .stateDirectory(shared).installationRoot(one);
        assertThat(first.build().run().succeeded()).isTrue();
        byte[] journal = Files.readAllBytes(shared.resolve("journal.jsonl"));

        MarkerStep other = new MarkerStep("a", two);
        MigrationPlan second = MigrationPlan.builder().step(other)
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .stateDirectory(shared).installationRoot(two).build();
        MigrationResult result = second.run();

        assertThat(result.status()).isEqualTo(PlanStatus.BLOCKED);
        assertThat(result.errorCode()).isEqualTo(CoreErrorCode.JOURNAL_MISMATCH);
        assertThat(result.message()).contains("was written for the installation", one.toRealPath().toString(),
                "but this plan migrates", two.toRealPath().toString(), "move the state directory aside");
        assertThat(other.checks.get() + other.applies.get()).isZero();
        other.checks.set(0);
        assertThat(two.resolve("a.txt")).doesNotExist();
        assertThat(Files.readAllBytes(shared.resolve("journal.jsonl"))).isEqualTo(journal);
        assertThat(second.check().problems()).singleElement()
                .satisfies(p -> assertThat(p.code()).isEqualTo(CoreErrorCode.JOURNAL_MISMATCH));
    }

    @Test
    void aStepOfAStateAlreadyLeftIsTrustedOnlyFromAJournalBoundToThisInstallation() throws IOException {
        Path fast = Files.createDirectories(dir.resolve("fast"));
        MarkerStep early = new MarkerStep("early", fast, PlatformState.SOURCE_RUNNING, new java.util.ArrayList<>());
        MigrationPlan.Builder running = MigrationPlan.builder().step(early)
                .step(new MarkerStep("late", fast))
                .platformControl(PlatformControl.assumeState(PlatformState.SOURCE_RUNNING))
                .stateDirectory(fast.resolve(".state"));
        assertThat(running.build().run().status()).isEqualTo(PlanStatus.PAUSED);

        MigrationResult resumed = running.platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED)).build().run();
        assertThat(resumed.steps()).extracting(StepResult::status)
                .containsExactly(StepStatus.VERIFIED_EARLIER, StepStatus.APPLIED);

        // A journal of an older version records no installation: the left state's step cannot be trusted.
        Path journal = fast.resolve(".state/journal.jsonl");
        String v1 = Files.readString(journal).replaceAll(",\"installation\":\\{[^}]*\\}", "").replace("\"v\":2", "\"v\":1");
        Files.writeString(journal, v1);
        MigrationResult unbound = running.platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED)).build()
                .run();
        assertThat(unbound.status()).isEqualTo(PlanStatus.BLOCKED);
        assertThat(unbound.errorCode()).isEqualTo(CoreErrorCode.JOURNAL_MISMATCH);
        assertThat(unbound.message()).contains("does not say which installation it belongs to", "cannot be checked again");
    }

    // --------------------------------------------------------------------------------------------- look-ahead

    @Test
    void aBlockedLaterStepOfTheStateStopsTheRunBeforeTheFirstChange() throws IOException {
        Path fast = Files.createDirectories(dir.resolve("fast"));
        MarkerStep first = new MarkerStep("first", fast);
        LambdaStep blocked = new LambdaStep("blocked", ctx -> StepCheck.blocked(CoreErrorCode.PRECONDITION_FAILED,
                "a series mapped to project 7", "projects that exist", "map it to a known project"),
                ctx -> List.of(), ctx -> TestSteps.passed());
        LambdaStep alsoBlocked = new LambdaStep("also-blocked", ctx -> StepCheck.blocked(CoreErrorCode.PRECONDITION_FAILED,
                "an unknown revision", "a known revision", "restore the database"), ctx -> List.of(), ctx -> TestSteps.passed());

        MigrationResult result = plan(fast, first, blocked, alsoBlocked).build().run();

        assertThat(result.status()).isEqualTo(PlanStatus.BLOCKED);
        assertThat(first.applies.get()).isZero();
        assertThat(fast.resolve("first.txt")).doesNotExist();
        assertThat(result.steps()).extracting(StepResult::status)
                .containsExactly(StepStatus.NOT_RUN, StepStatus.BLOCKED, StepStatus.BLOCKED);
        assertThat(result.message()).contains("2 steps are blocked", "project 7", "unknown revision");
        assertThatThrownBy(result::orThrow).isInstanceOf(PreconditionFailedException.class)
                .hasMessageContaining("map it to a known project");
    }

    @Test
    void aStepTheLookAheadBlocksIsWarnedAboutOnceWithALoggingListener() throws IOException {
        Path fast = Files.createDirectories(dir.resolve("fast"));
        MarkerStep first = new MarkerStep("first", fast);
        LambdaStep blocked = new LambdaStep("blocked", ctx -> StepCheck.blocked(CoreErrorCode.PRECONDITION_FAILED,
                "1 row maps a series to the unknown project id 99", "projects that exist", "choose REMAP_TO_ADMIN"),
                ctx -> List.of(), ctx -> TestSteps.passed());
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        java.io.PrintStream err = System.err;
        MigrationResult result;
        System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            result = plan(fast, first, blocked).listener(new LoggingListener()).build().run();
        } finally {
            System.setErr(err);
        }

        assertThat(result.status()).isEqualTo(PlanStatus.BLOCKED);
        String warnings = log.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(warnings.lines().filter(l -> l.contains("unknown project id 99"))).as(warnings).hasSize(1)
                .allSatisfy(l -> assertThat(l).startsWith("WARN").contains("Step blocked BLOCKED", "choose REMAP_TO_ADMIN"));
    }

    @Test
    void stepsThatCanOnlyBeCheckedAfterAReversibleChangeAreCheckedWithProvisionalValuesBeforeTheNextOne() throws IOException {
        Path fast = Files.createDirectories(dir.resolve("fast"));
        ContextKey<String> projects = ContextKey.of("test.projects", String.class);
        MarkerStep move = new MarkerStep("move", fast);
        AtomicBoolean committed = new AtomicBoolean();
        // "migrate access-information": checkable only after the move; in a preview it puts provisional ids
        LambdaStep producer = new LambdaStep("producer", ctx -> {
            if (!Files.exists(fast.resolve("move.txt"))) {
                throw new IllegalStateException("the folder is not moved yet");
            }
            if (ctx.provisional()) {
                ctx.put(projects, "provisional");
            }
            return TestSteps.pendingOne("aii");
        }, ctx -> {
            committed.set(true);
            ctx.put(projects, "real");
            return List.of(Change.of(Change.Kind.UPDATE, "aii"));
        }, ctx -> TestSteps.passed());
        // "migrate dicom-web-filter": needs the project list and finds a series of an unknown project
        LambdaStep consumer = new LambdaStep("consumer", ctx -> {
            ctx.require(projects);
            return StepCheck.blocked(CoreErrorCode.PRECONDITION_FAILED, "series of unknown project 9", "known projects",
                    "choose REMAP_TO_ADMIN or DROP");
        }, ctx -> List.of(), ctx -> TestSteps.passed());

        MigrationResult result = plan(fast, move).step(producer, "move").step(consumer, "producer").build().run();

        assertThat(result.status()).isEqualTo(PlanStatus.BLOCKED);
        assertThat(fast.resolve("move.txt")).as("the reversible move came first").exists();
        assertThat(committed).as("nothing was committed while a later step was blocked").isFalse();
        assertThat(result.steps()).extracting(StepResult::status)
                .containsExactly(StepStatus.APPLIED, StepStatus.NOT_RUN, StepStatus.BLOCKED);
        assertThat(result.message()).contains("unknown project 9");
    }

    @Test
    void aLookAheadCheckIsTheStepsOwnCheckWhileNothingChangedInBetween() throws IOException {
        Path fast = Files.createDirectories(dir.resolve("fast"));
        MarkerStep a = new MarkerStep("a", fast);
        MarkerStep b = new MarkerStep("b", fast);
        MarkerStep c = new MarkerStep("c", fast);

        assertThat(plan(fast, a, b, c).build().run().succeeded()).isTrue();

        assertThat(a.checks.get()).as("checked once, by the look-ahead").isEqualTo(1);
        assertThat(b.checks.get()).as("checked by the look-ahead, and again after a changed things").isEqualTo(2);
    }

    // -------------------------------------------------------------------------------------- state directory

    @Test
    void aMistypedInstallationFolderCreatesNothingAndSaysItDoesNotExist() {
        Path typo = dir.resolve("fsat");
        MigrationPlan plan = plan(typo, new MarkerStep("a", typo)).build();

        PlanPreview preview = plan.check();
        assertThat(preview.isBlocked()).isTrue();
        assertThat(preview.problems()).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo(CoreErrorCode.CONFIGURATION_INVALID);
            assertThat(p.found()).contains(typo.toString(), "does not exist");
            assertThat(p.fix()).contains("typo");
        });
        assertThatThrownBy(plan::run).isInstanceOf(PreconditionFailedException.class)
                .hasMessageContaining("does not exist");
        assertThat(typo).doesNotExist();
    }

    @Test
    void theDryRunReportsEveryReasonTheRunCouldNotKeepItsJournalAndLock() throws IOException {
        Path fast = Files.createDirectories(dir.resolve("fast"));
        Files.createDirectories(fast.resolve(".state/run.lock"));
        Files.createDirectories(fast.resolve(".state/journal.jsonl"));
        MigrationPlan plan = plan(fast, new MarkerStep("a", fast)).build();

        PlanPreview preview = plan.check();

        assertThat(preview.problems()).hasSize(2).allSatisfy(p -> {
            assertThat(p.code()).isEqualTo(CoreErrorCode.JOURNAL_IO);
            assertThat(p.found()).contains("is a folder");
            assertThat(p.fix()).contains("remove the folder");
        });
        assertThatThrownBy(plan::run).isInstanceOf(PreconditionFailedException.class)
                .hasMessageContaining("1) ").hasMessageContaining("2) ");
        assertThat(fast.resolve("a.txt")).doesNotExist();
    }

    @Test
    void aStateDirectoryThatIsAFileIsNamedAsSuch() throws IOException {
        Path fast = Files.createDirectories(dir.resolve("fast"));
        Files.writeString(fast.resolve(".state"), "x");
        assertThat(plan(fast, new MarkerStep("a", fast)).build().check().problems()).singleElement()
                .satisfies(p -> assertThat(p.found()).contains("is a regular file"));
        Path file = Files.writeString(dir.resolve("fast-file"), "x");
        assertThat(plan(file, new MarkerStep("a", file)).build().check().problems()).singleElement()
                .satisfies(p -> assertThat(p.found()).contains("is a regular file, not a folder"));
    }
}
