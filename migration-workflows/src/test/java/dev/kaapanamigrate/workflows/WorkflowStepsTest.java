package dev.kaapanamigrate.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.IdSource;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationEvent;
import dev.kaapanamigrate.core.MigrationListener;
import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.testkit.ReliabilityCounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The two steps, called directly and in a plan. */
@ExtendWith(ReliabilityCounts.class)
class WorkflowStepsTest {

    @TempDir
    Path tmp;

    Path fast;
    WorkflowScanner scanner;

    @BeforeEach
    void corpus() throws Exception {
        fast = Corpus.install(tmp.resolve("fast"));
        Files.delete(fast.resolve("workflows/dags/broken_unterminated.py"));
        scanner = WorkflowScanner.forKaapana(fast).build();
    }

    @Test
    void theScanChangesNothingAndReportsThroughDetailContextAndFacts() throws Exception {
        TreeMap<String, String> before = Corpus.digest(fast);
        ScanWorkflowsStep step = new ScanWorkflowsStep(scanner);
        MigrationContext ctx = MigrationContext.standalone(Clock.systemUTC(), IdSource.seeded(1), PlatformState.SOURCE_RUNNING,
                false);

        StepCheck check = step.check(ctx);

        assertThat(step.id()).isEqualTo("workflows.scan");
        assertThat(step.requiredState()).isEqualTo(PlatformState.SOURCE_RUNNING);
        assertThat(check).isInstanceOf(StepCheck.UpToDate.class);
        String detail = ((StepCheck.UpToDate) check).detail();
        ScanReport report = ctx.get(ScanWorkflowsStep.REPORT).orElseThrow();
        assertThat(detail).startsWith(report.summary()).contains("\n  dags/")
                .contains("more in the context value workflows.scan-report");
        assertThat(detail.lines().filter(l -> l.startsWith("  ") && !l.startsWith("  …")).count()).isEqualTo(20);
        assertThat(report.findingCount()).isEqualTo(Corpus.expected(fast.resolve("workflows"), "plugins/kaapana/").size());
        assertThat(step.apply(ctx)).isEmpty();

        Verification v = step.verify(ctx);
        assertThat(v.passed()).isTrue();
        assertThat(v.facts()).extracting(Verification.Fact::name).contains("workflow files scanned",
                "findings that break on Kaapana 0.5", "files that could not be scanned");
        assertThat(v.facts()).filteredOn(f -> f.name().startsWith("finding ")).hasSize((int) report.findingCount());
        assertThat(v.facts()).filteredOn(f -> f.name().equals("findings that break on Kaapana 0.5"))
                .singleElement().satisfies(f -> assertThat(f.actual()).isEqualTo(String.valueOf(report.count(Severity.BREAKS))));
        assertThat(Corpus.digest(fast)).isEqualTo(before);
    }

    @Test
    void theContextValueIsCappedButEveryFindingIsCounted() {
        WorkflowScanner small = scanner.toBuilder().maxFindingsKept(3).build();
        MigrationContext ctx = MigrationContext.standalone();
        new ScanWorkflowsStep(small).check(ctx);
        ScanReport report = ctx.get(ScanWorkflowsStep.REPORT).orElseThrow();
        assertThat(report.findings()).hasSize(3);
        assertThat(report.findingCount()).isGreaterThan(30);
        assertThat(report.findingsOmitted()).isEqualTo(report.findingCount() - 3);
        assertThat(new ScanWorkflowsStep(small).verify(ctx).facts()).extracting(Verification.Fact::name)
                .contains("further findings");
    }

    @Test
    void theRewriteShowsTheDiffsAppliesThemOnceAndVerifies() throws Exception {
        RewriteWorkflowsStep step = new RewriteWorkflowsStep(scanner);
        MigrationContext ctx = MigrationContext.standalone();
        TreeMap<String, String> before = Corpus.digest(fast);

        StepCheck check = step.check(ctx);

        assertThat(step.requiredState()).isEqualTo(PlatformState.UNDEPLOYED);
        assertThat(Corpus.digest(fast)).isEqualTo(before);
        assertThat(check.changes()).hasSize(10).allSatisfy(c -> {
            assertThat(c.kind()).isEqualTo(Change.Kind.UPDATE);
            assertThat(c.before()).contains("rewrite", "original sha256 ", "kept as ", ".kaapana-migrate-0.4.bak");
            assertThat(c.after()).startsWith("--- a/").contains("\n+++ b/", "\n@@ -");
        });
        assertThat(step.verify(ctx).passed()).isFalse(); // nothing applied yet

        List<Change> applied = step.apply(ctx);

        assertThat(applied).isEqualTo(check.changes());
        Verification v = step.verify(ctx);
        assertThat(v.passed()).as(v.describeFailures()).isTrue();
        assertThat(v.facts()).extracting(Verification.Fact::name, Verification.Fact::actual).contains(
                org.assertj.core.groups.Tuple.tuple("backups holding the originals (same SHA-256)", "10"),
                org.assertj.core.groups.Tuple.tuple("mechanical findings left in the workflow folders", "0"));
        RewrittenFiles files = ctx.get(RewriteWorkflowsStep.REWRITTEN).orElseThrow();
        assertThat(files.files()).hasSize(10);

        assertThat(step.check(ctx)).isInstanceOf(StepCheck.UpToDate.class);
        TreeMap<String, String> after = Corpus.digest(fast);
        assertThat(step.apply(ctx)).isEmpty();
        assertThat(Corpus.digest(fast)).isEqualTo(after);
        assertThat(step.verify(ctx).passed()).isTrue();

        // a backup replaced afterwards is caught
        Path backup = Path.of(files.files().get(0).root()).resolve(files.files().get(0).backup());
        Files.writeString(backup, "not the original");
        Verification broken = step.verify(ctx);
        assertThat(broken.passed()).isFalse();
        assertThat(broken.describeFailures()).contains(files.files().get(0).file() + ": backup", "the original, sha256");
    }

    @Test
    void aResumedRunVerifiesTheFilesAnInterruptedRunRewrote() throws Exception {
        RewriteWorkflowsStep step = new RewriteWorkflowsStep(scanner);
        MigrationContext first = MigrationContext.standalone();
        step.check(first); // journaled in a run: what this step is about to rewrite
        RewrittenFiles planned = first.get(RewriteWorkflowsStep.REWRITTEN).orElseThrow();
        // the run dies after rewriting the files (apply completes here, its context value is "lost")
        WorkflowRewriter.of(scanner).apply();

        MigrationContext resumed = MigrationContext.standalone();
        resumed.put(RewriteWorkflowsStep.REWRITTEN, planned); // read back from the journal
        assertThat(step.check(resumed)).isInstanceOf(StepCheck.UpToDate.class);
        Verification v = step.verify(resumed);
        assertThat(v.passed()).as(v.describeFailures()).isTrue();
        assertThat(v.facts()).extracting(Verification.Fact::name, Verification.Fact::actual).contains(
                org.assertj.core.groups.Tuple.tuple("backups holding the originals (same SHA-256)", "10"));
    }

    @Test
    void theRewriteRefusesALivePlatformAndBlocksOnABackupConflict() throws Exception {
        RewriteWorkflowsStep step = new RewriteWorkflowsStep(scanner);
        TreeMap<String, String> before = Corpus.digest(fast);
        MigrationContext live = MigrationContext.standalone(Clock.systemUTC(), IdSource.random(), PlatformState.SOURCE_RUNNING,
                false);
        assertThat(step.check(live)).isInstanceOf(StepCheck.Pending.class); // the preview works while 0.4 runs
        assertThatThrownBy(() -> step.apply(live)).isInstanceOf(PreconditionFailedException.class)
                .satisfies(e -> assertThat(((PreconditionFailedException) e).code()).isEqualTo(CoreErrorCode.PLATFORM_STATE))
                .hasMessageContaining("nothing was rewritten").hasMessageContaining("undeploy Kaapana")
                .hasMessageContaining("expected: the platform undeployed");
        assertThat(Corpus.digest(fast)).isEqualTo(before);
        ReliabilityCounts.proved(WorkflowStepsTest.class,
                "bad input: rewriting workflows while 0.4 runs refused, coded PLATFORM_STATE, workflows unchanged");

        Files.writeString(fast.resolve("workflows/dags/dag_site_thumbnails.py.kaapana-migrate-0.4.bak"), "older");
        TreeMap<String, String> withBackup = Corpus.digest(fast);
        StepCheck blocked = step.check(MigrationContext.standalone());
        assertThat(blocked).isInstanceOf(StepCheck.Blocked.class);
        var problem = ((StepCheck.Blocked) blocked).problem();
        assertThat(problem.code()).isEqualTo(CoreErrorCode.PRECONDITION_FAILED);
        assertThat(problem.found()).contains("dags/dag_site_thumbnails.py: BACKUP_CONFLICT", "nothing was written");
        assertThat(problem.expected()).contains("no backup beside a file to rewrite");
        assertThat(problem.fix()).contains("move each conflicting");
        assertThatThrownBy(() -> step.apply(MigrationContext.standalone())).isInstanceOf(PreconditionFailedException.class);
        assertThat(Corpus.digest(fast)).isEqualTo(withBackup);
        ReliabilityCounts.proved(WorkflowStepsTest.class,
                "bad input: a conflicting backup beside a workflow file refused, coded, workflows unchanged");
    }

    @Test
    void aBinaryWorkflowFileBlocksTheRewriteInAPlanBeforeAnyFileIsWritten() throws Exception {
        byte[] blob = {'i', 0, 'm', 'p', 'o', 'r', 't', '\n'};
        Files.write(fast.resolve("workflows/dags/compiled_blob.py"), blob);
        assertRefusedBeforeAnyWrite("dags/compiled_blob.py: BINARY", "NUL byte",
                "bad input: a binary workflow file (NUL bytes in a .py) blocks the rewrite, coded, with the fix; "
                        + "workflows unchanged");
    }

    @Test
    void anUnreadableWorkflowFileBlocksTheRewriteInAPlanBeforeAnyFileIsWritten() throws Exception {
        Path fifo = fast.resolve("workflows/dags/pipe.py");
        int made;
        try {
            made = new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        } catch (java.io.IOException noMkfifo) {
            made = -1;
        }
        assumeThat(made).as("mkfifo is not available here; the unreadable case was not checked").isZero();
        assertRefusedBeforeAnyWrite("dags/pipe.py: UNREADABLE", "not opened",
                "bad input: an unreadable workflow file (a FIFO named .py) blocks the rewrite, coded, with the fix; "
                        + "workflows unchanged");
    }

    @Test
    void aBinaryFileBeyondTheIssuesKeptStillBlocksAndAMissingExtraPathDoesNot() throws Exception {
        Files.writeString(fast.resolve("workflows/dags/aaa_unterminated.py"), "x = \"never closed\n");
        Files.write(fast.resolve("workflows/dags/zzz_blob.py"), new byte[] {'i', 0, 'm'});
        scanner = WorkflowScanner.forKaapana(fast).maxFindingsKept(1).build();
        TreeMap<String, String> before = Corpus.digest(fast);

        StepCheck check = new RewriteWorkflowsStep(scanner).check(MigrationContext.standalone());

        assertThat(check).isInstanceOf(StepCheck.Blocked.class);
        assertThat(((StepCheck.Blocked) check).problem().found()).contains("dags/zzz_blob.py: BINARY")
                .doesNotContain("aaa_unterminated");
        assertThat(Corpus.digest(fast)).isEqualTo(before);

        Files.delete(fast.resolve("workflows/dags/zzz_blob.py"));
        WorkflowScanner withMissingPath = WorkflowScanner.forKaapana(fast).path(fast.resolve("no-such-folder")).build();
        assertThat(new RewriteWorkflowsStep(withMissingPath).check(MigrationContext.standalone()))
                .as("a path that does not exist holds nothing to rewrite").isInstanceOf(StepCheck.Pending.class);
    }

    private void assertRefusedBeforeAnyWrite(String file, String reason, String claim) throws Exception {
        TreeMap<String, String> before = Corpus.digest(fast);
        MigrationResult run = MigrationPlan.builder().step(new RewriteWorkflowsStep(scanner))
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED)).inMemoryState().build().run();
        assertThat(run.status()).isEqualTo(PlanStatus.BLOCKED);
        StepResult result = run.step(RewriteWorkflowsStep.ID).orElseThrow();
        assertThat(result.status()).isEqualTo(StepStatus.BLOCKED);
        assertThat(result.errorCode()).isEqualTo(CoreErrorCode.PRECONDITION_FAILED);
        assertThat(result.problem().found()).contains(file, reason, "cannot be read as Python source",
                "nothing was written");
        assertThat(result.problem().expected()).contains("readable Python source");
        assertThat(result.problem().fix()).contains("move it out of the workflow folders", "exclude(glob)");
        assertThat(Corpus.digest(fast)).as("no workflow file written").isEqualTo(before);
        ReliabilityCounts.proved(WorkflowStepsTest.class, claim);
    }

    @Test
    void bothStepsInAPlanScanWhile04RunsAndRewriteOnceUndeployed() throws Exception {
        List<MigrationEvent.StepProgress> progress = new CopyOnWriteArrayList<>();
        MigrationListener listener = new MigrationListener() {
            @Override
            public void stepProgress(MigrationEvent.StepProgress event) {
                progress.add(event);
            }
        };
        MigrationPlan plan = MigrationPlan.builder()
                .step(new ScanWorkflowsStep(scanner))
                .step(new RewriteWorkflowsStep(scanner), ScanWorkflowsStep.ID)
                .platformControl(PlatformControl.assumeState(PlatformState.SOURCE_RUNNING))
                .inMemoryState()
                .listener(listener)
                .build();
        TreeMap<String, String> before = Corpus.digest(fast);

        PlanPreview preview = plan.check();

        assertThat(Corpus.digest(fast)).isEqualTo(before);
        assertThat(preview.step(ScanWorkflowsStep.ID).orElseThrow().check()).isInstanceOf(StepCheck.UpToDate.class);
        StepCheck rewritePreview = preview.step(RewriteWorkflowsStep.ID).orElseThrow().check();
        assertThat(rewritePreview.changes()).hasSize(10);

        MigrationResult first = plan.run();

        assertThat(first.status()).isEqualTo(PlanStatus.PAUSED);
        assertThat(first.awaitingState()).isEqualTo(PlatformState.UNDEPLOYED);
        assertThat(first.step(ScanWorkflowsStep.ID).orElseThrow().status()).isEqualTo(StepStatus.UP_TO_DATE);
        assertThat(first.step(ScanWorkflowsStep.ID).orElseThrow().message()).contains("breaks");
        assertThat(Corpus.digest(fast)).isEqualTo(before);
        assertThat(progress).isNotEmpty().allSatisfy(p -> assertThat(p.unit()).isEqualTo("files"));
        assertThat(progress.get(progress.size() - 1).done()).isEqualTo(progress.get(progress.size() - 1).total());

        MigrationResult second = plan.toBuilder().platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .build().run();

        assertThat(second.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(second.step(RewriteWorkflowsStep.ID).orElseThrow().changes()).isEqualTo(rewritePreview.changes());
        assertThat(second.step(RewriteWorkflowsStep.ID).orElseThrow().verification().passed()).isTrue();
        assertThat(Files.readString(fast.resolve("workflows/dags/dag_site_thumbnails.py")))
                .contains("get_ref_series_operator=get_ref");

        // Without a journal, a plan of the rewrite alone finds nothing left to do.
        MigrationResult third = MigrationPlan.builder().step(new RewriteWorkflowsStep(scanner))
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED)).inMemoryState().build().run();
        assertThat(third.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(third.step(RewriteWorkflowsStep.ID).orElseThrow().status()).isEqualTo(StepStatus.UP_TO_DATE);
    }
}
