package dev.kaapanamigrate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationReportTest {

    @TempDir
    Path dir;

    static MigrationResult sampleResult() {
        Verification v = Verification.builder().expect("rows in job", 10, 10).fact("digest", "abc", "abc", true).build();
        Verification failed = Verification.builder().expect("objects", 3, 2).build();
        return new MigrationResult(UUID.fromString("00000000-0000-4000-8000-000000000001"), PlanStatus.FAILED,
                Instant.parse("2026-11-25T10:00:00Z"), Instant.parse("2026-11-25T10:00:05.123Z"),
                List.of(new StepResult("postgres.rename-data-folders", "Move folders", PlatformState.UNDEPLOYED,
                                StepStatus.APPLIED, List.of(Change.of(Change.Kind.MOVE, "FAST", "postgres-backend",
                                "kaapana-backend-postgres-data", 1), Change.of(Change.Kind.UPDATE, "job.dag_id", "a", "b", 675_000)),
                                v, Duration.ofMillis(1234), null, null),
                        new StepResult("minio.verify", "Verify objects", PlatformState.TARGET_RUNNING,
                                StepStatus.VERIFICATION_FAILED, List.of(), failed, Duration.ofSeconds(2),
                                ErrorCode.VERIFICATION_FAILED, "verification failed: objects: expected 3, found 2"),
                        new StepResult("after", "After", PlatformState.TARGET_RUNNING, StepStatus.NOT_RUN, List.of(), null,
                                Duration.ZERO, null, null)),
                ErrorCode.VERIFICATION_FAILED, "step 'minio.verify': verification failed", null,
                List.of("took over the lock left by a run that is gone: pid 1"));
    }

    @Test
    void resultRoundTripsThroughAFile() {
        MigrationResult result = sampleResult();
        Path file = dir.resolve("reports/report.json");
        MigrationReport.write(result, file);
        assertThat(MigrationReport.readResult(file)).isEqualTo(result);
    }

    @Test
    void previewRoundTripsWithEveryKindOfCheck() {
        PlanPreview preview = new PlanPreview(UUID.randomUUID(), Instant.parse("2026-11-25T10:00:00Z"), PlatformState.UNDEPLOYED,
                List.of(new StepPreview("a", "A", PlatformState.UNDEPLOYED, StepCheck.upToDate("done")),
                        new StepPreview("b", "B", PlatformState.UNDEPLOYED,
                                StepCheck.pending(List.of(Change.of(Change.Kind.SCHEMA, "aii", "none", "6e751c62ecfa", 1)))),
                        new StepPreview("c", "C", PlatformState.UNDEPLOYED,
                                StepCheck.blocked(ErrorCode.PRECONDITION_FAILED, "f", "e", "x")),
                        new StepPreview("d", "D", PlatformState.TARGET_RUNNING,
                                StepCheck.deferred(PlatformState.TARGET_RUNNING, "needs 0.5")),
                        new StepPreview("e", "E", PlatformState.UNDEPLOYED,
                                StepCheck.waitingFor(List.of("b"), "needs the new schema"))));
        assertThat(MigrationReport.parsePreview(MigrationReport.toJson(preview))).isEqualTo(preview);
    }

    @Test
    void theFormatIsTheDocumentedOne() throws Exception {
        JsonNode json = new ObjectMapper().readTree(MigrationReport.toJson(sampleResult()));
        assertThat(json.path("format").asText()).isEqualTo("kaapana-migrate-report");
        assertThat(json.path("formatVersion").asInt()).isEqualTo(1);
        assertThat(json.path("kind").asText()).isEqualTo("run");
        JsonNode step = json.path("result").path("steps").get(0);
        assertThat(step.path("status").asText()).isEqualTo("APPLIED");
        assertThat(step.path("duration").asText()).isEqualTo("PT1.234S");
        assertThat(step.path("changes").get(1).path("count").asLong()).isEqualTo(675_000);
        assertThat(json.path("result").path("startedAt").asText()).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(json.path("result").has("awaitingState")).as("null fields are left out").isFalse();
        JsonNode preview = new ObjectMapper().readTree(MigrationReport.toJson(new PlanPreview(UUID.randomUUID(),
                Instant.EPOCH, PlatformState.UNDEPLOYED, List.of(new StepPreview("a", "A", PlatformState.UNDEPLOYED,
                StepCheck.upToDate("done"))))));
        assertThat(preview.path("preview").path("steps").get(0).path("check").path("outcome").asText()).isEqualTo("UP_TO_DATE");
        assertThat(preview.path("preview").has("blocked")).as("derived accessors are not written").isFalse();
    }

    @Test
    void readersIgnoreFieldsAddedLaterInVersionOne() {
        String json = MigrationReport.toJson(sampleResult()).replace("\"kind\" : \"run\",",
                "\"kind\" : \"run\", \"addedLater\" : {\"x\": 1},");
        assertThat(MigrationReport.parseResult(json)).isEqualTo(sampleResult());
    }

    @Test
    void otherVersionsAndKindsAreRefusedClearly() {
        String v2 = MigrationReport.toJson(sampleResult()).replace("\"formatVersion\" : 1", "\"formatVersion\" : 2");
        assertThatThrownBy(() -> MigrationReport.parseResult(v2))
                .isInstanceOf(MigrationException.class)
                .hasMessageContaining("format version 2")
                .satisfies(e -> assertThat(((MigrationException) e).code()).isEqualTo(ErrorCode.REPORT_INVALID));
        assertThatThrownBy(() -> MigrationReport.parsePreview(MigrationReport.toJson(sampleResult())))
                .hasMessageContaining("a report of kind 'run'");
        assertThatThrownBy(() -> MigrationReport.parseResult("not json")).hasMessageContaining("not JSON");
    }

    @Test
    void summaryNamesEveryStepAndChange() {
        String text = MigrationReport.summary(sampleResult());
        assertThat(text).contains("FAILED", "APPLIED", "postgres.rename-data-folders",
                "MOVE FAST: postgres-backend -> kaapana-backend-postgres-data", "(675000)",
                "VERIFICATION_FAILED", "objects: expected 3, found 2", "NOT_RUN", "Note: took over the lock");
    }
}
