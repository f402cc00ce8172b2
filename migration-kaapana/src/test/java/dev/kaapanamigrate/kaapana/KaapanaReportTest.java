package dev.kaapanamigrate.kaapana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.core.Verification;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run report's views, JSON with platform commands and HTML page, on the report of a real demo run. */
class KaapanaReportTest {

    @TempDir
    Path tmp;

    private static String demoJson() throws IOException {
        try (InputStream in = KaapanaReportTest.class.getResourceAsStream("demo-run-report.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void countsPerStoreAndProjectComeFromTheVerifiedFacts() throws IOException {
        KaapanaReport report = KaapanaReport.parse(demoJson());

        List<StoreCount> counts = report.counts();
        assertThat(counts).extracting(StoreCount::store).containsSubsequence("PostgreSQL", "MinIO", "OpenSearch");
        assertThat(counts).filteredOn(c -> c.item().equals("backend.dataset")).singleElement()
                .satisfies(c -> {
                    assertThat(c.project()).isEqualTo("backend");
                    assertThat(c.before()).isEqualTo(6L);
                    assertThat(c.after()).isEqualTo(6L);
                    assertThat(c.passed()).isTrue();
                });
        assertThat(counts).filteredOn(c -> c.item().equals("project-admin")).singleElement().satisfies(c -> {
            assertThat(c.store()).isEqualTo("MinIO");
            assertThat(c.project()).isEqualTo("admin");
            assertThat(c.before()).isEqualTo(21L);
            assertThat(c.after()).isEqualTo(21L);
            assertThat(c.stepId()).isEqualTo("minio.verify");
        });
        assertThat(counts).filteredOn(c -> c.item().equals("uploads")).singleElement()
                .satisfies(c -> assertThat(c.project()).isEqualTo("(global)"));
        assertThat(counts).filteredOn(c -> c.item().equals("project_admin")).singleElement().satisfies(c -> {
            assertThat(c.store()).isEqualTo("OpenSearch");
            assertThat(c.before()).isEqualTo(60L);
            assertThat(c.after()).isEqualTo(60L);
        });
        assertThat(report.problems()).isEmpty();
        assertThat(report.followUps()).anySatisfy(f -> assertThat(f).startsWith("postgres.report-extension-dags: 1 DAG"))
                .anySatisfy(f -> assertThat(f).startsWith("kaapana.orphaned-folders: left in place"));
        assertThat(report.platformState()).isEqualTo(PlatformState.TARGET_RUNNING);
        assertThat(report.brief()).startsWith("Migration SUCCEEDED in ").contains("23 steps",
                "Platform: Kaapana 0.5 runs on the migrated installation.", "To do: postgres.report-extension-dags");
    }

    @Test
    void missingObjectsAreCountedFromTheDifference() {
        StepResult baseline = step("minio.baseline", PlatformState.SOURCE_RUNNING, StepStatus.APPLIED, List.of(
                new Verification.Fact("baseline listing of bucket project-x intact (objects, bytes, digest)",
                        "10 objects, 100 bytes, ab", "10 objects, 100 bytes, ab", true)));
        StepResult verify = step("minio.verify", PlatformState.TARGET_RUNNING, StepStatus.VERIFICATION_FAILED, List.of(
                new Verification.Fact("http://s3 bucket project-x since the baseline of 2026-01-01T00:00:00Z",
                        "no object missing or changed (additions allowed)", "2 missing: a, b; 1 added: c", false,
                        Verification.Basis.BASELINE)));
        MigrationResult result = result(PlanStatus.FAILED, List.of(baseline, verify));

        KaapanaReport report = KaapanaReport.of(result);
        assertThat(report.counts()).singleElement().satisfies(c -> {
            assertThat(c.before()).isEqualTo(10L);
            assertThat(c.after()).isEqualTo(9L);
            assertThat(c.passed()).isFalse();
        });
        assertThat(report.problems()).singleElement().satisfies(i -> {
            assertThat(i.stepId()).isEqualTo("minio.verify");
            assertThat(i.problem().found()).contains("2 missing: a, b");
        });
        assertThat(report.toHtml()).contains("data-item=\"project-x\" data-before=\"10\" data-after=\"9\"",
                "class=\"badge bad\">differs");
    }

    @Test
    void theJsonCarriesThePlatformCommandsAndReadsBack() throws IOException {
        PlatformCommand command = new PlatformCommand("undeploy Kaapana 0.4", List.of("/opt/deploy_platform.sh",
                "--quiet", "--undeploy"), Instant.parse("2026-12-01T10:00:00Z"), Duration.ofMillis(41_200), 0, false,
                "undeploying <all> & done");
        KaapanaReport report = KaapanaReport.parse(demoJson()).withCommands(List.of(command));

        Path json = tmp.resolve("reports/run.json");
        Path html = report.write(json);

        assertThat(html).isEqualTo(tmp.resolve("reports/run.html")).exists();
        KaapanaReport again = KaapanaReport.read(json);
        assertThat(again.commands()).containsExactly(command);
        assertThat(again.result()).contains(report.result().orElseThrow());
        String page = Files.readString(html);
        assertThat(page).contains("Content-Security-Policy", "default-src 'none'", "undeploying &lt;all&gt; &amp; done",
                "id=\"timeline\"", "id=\"counts\"", "data-step-id=\"postgres.migrate-backend\"")
                .doesNotContain("<script", "src=", "href=", "<link", "@font-face", "url(");
        assertThat(page.split("class=\"step\"", -1)).hasSize(report.result().orElseThrow().steps().size() + 1);
    }

    @Test
    void theOptionsGoIntoTheJsonAndThePageInTheirOrderAndReadBack() throws IOException {
        java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
        options.put("tls", "not verified (--insecure)");
        options.put("databases", "servers <own>");
        KaapanaReport report = KaapanaReport.parse(demoJson()).withOptions(options);

        Path json = tmp.resolve("options/run.json");
        Path html = report.write(json);

        KaapanaReport again = KaapanaReport.read(json);
        assertThat(again.options()).containsExactly(java.util.Map.entry("tls", "not verified (--insecure)"),
                java.util.Map.entry("databases", "servers <own>"));
        assertThat(Files.readString(html)).contains("id=\"options\"", "<th>tls</th><td>not verified (--insecure)</td>",
                "servers &lt;own&gt;");
        assertThat(KaapanaReport.parse(demoJson()).options()).as("a report without options").isEmpty();
        assertThat(KaapanaReport.parse(demoJson()).toJson()).doesNotContain("\"options\"");
    }

    @Test
    void aDryRunReportHasTheStepsAndTheirOutcomes() {
        var preview = new dev.kaapanamigrate.core.PlanPreview(UUID.randomUUID(), Instant.now(),
                PlatformState.SOURCE_RUNNING, List.of(
                new dev.kaapanamigrate.core.StepPreview("kaapana.backup", "back up", PlatformState.UNDEPLOYED,
                        dev.kaapanamigrate.core.StepCheck.blocked(KaapanaErrorCode.BACKUP_TARGET_INVALID,
                                "the target /home/kaapana/b lies inside FAST_DATA_DIR", "a target outside",
                                "pass a folder outside FAST_DATA_DIR")),
                new dev.kaapanamigrate.core.StepPreview("minio.verify", "verify", PlatformState.TARGET_RUNNING,
                        dev.kaapanamigrate.core.StepCheck.deferred(PlatformState.TARGET_RUNNING, "once 0.5 runs"))));
        KaapanaReport report = KaapanaReport.of(preview);

        assertThat(report.problems()).singleElement().satisfies(i -> assertThat(i.stepId()).isEqualTo("kaapana.backup"));
        assertThat(report.followUps()).containsExactly("minio.verify: checked once the platform is 0.5 running (once 0.5 runs)");
        assertThat(report.brief()).startsWith("Dry-run: BLOCKED").contains("Fix: pass a folder outside FAST_DATA_DIR");
        assertThat(report.toHtml()).contains("data-status=\"BLOCKED\"", "data-step-id=\"minio.verify\"");
    }

    @Test
    void somethingElseIsRefusedAsAReport() throws IOException {
        Path file = tmp.resolve("not-a-report.json");
        Files.writeString(file, "{\"format\":\"something\"}");
        assertThatThrownBy(() -> KaapanaReport.read(file)).isInstanceOf(MigrationException.class)
                .satisfies(e -> assertThat(((MigrationException) e).code()).isEqualTo(CoreErrorCode.REPORT_INVALID));
    }

    private static StepResult step(String id, PlatformState state, StepStatus status, List<Verification.Fact> facts) {
        return new StepResult(id, id, state, status, List.<Change>of(), Verification.of(new ArrayList<>(facts)),
                Duration.ofMillis(120), null, null, null);
    }

    private static MigrationResult result(PlanStatus status, List<StepResult> steps) {
        return new MigrationResult(UUID.randomUUID(), status, Instant.parse("2026-12-01T10:00:00Z"),
                Instant.parse("2026-12-01T10:01:00Z"), steps, null, "stopped", null, List.of());
    }

    @Test
    void theInstallationStateAndNextStepsOfARunGoIntoTheBriefTheJsonAndThePageAndReadBack() throws IOException {
        MigrationResult result = KaapanaReport.parse(demoJson()).result().orElseThrow();
        KaapanaRun run = new KaapanaRun(result, InstallationState.PARTLY_MIGRATED,
                List.of("Keep the platform undeployed.", "Run again."), null, null);

        KaapanaReport report = KaapanaReport.of(run);
        Path html = report.write(tmp.resolve("run.json"));

        assertThat(report.brief()).contains("Installation: " + InstallationState.PARTLY_MIGRATED.description(),
                "Next 1: Keep the platform undeployed.", "Next 2: Run again.");
        assertThat(Files.readString(html)).contains("Next 2: Run again.");
        KaapanaReport back = KaapanaReport.read(tmp.resolve("run.json"));
        assertThat(back.installation()).hasValue(new KaapanaReport.Installation(InstallationState.PARTLY_MIGRATED,
                List.of("Keep the platform undeployed.", "Run again."), ""));
        assertThat(KaapanaReport.parse(demoJson()).installation()).as("a plan's report has none").isEmpty();
        assertThatThrownBy(() -> KaapanaReport.parse(Files.readString(tmp.resolve("run.json"))
                .replace("\"PARTLY_MIGRATED\"", "\"HALF_DONE\""))).isInstanceOf(MigrationException.class)
                .hasMessageContaining("HALF_DONE");
    }
}
