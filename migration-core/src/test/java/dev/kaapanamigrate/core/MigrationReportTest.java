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
        Verification v = Verification.builder().againstBaseline("rows in job", 10, 10).fact("digest", "abc", "abc", true)
                .build();
        Verification failed = Verification.builder().expect("objects", 3, 2).build();
        Problem problem = Problem.of(CoreErrorCode.VERIFICATION_FAILED, "objects: expected 3, found 2",
                "every fact of the verification to hold", "restore from the backup");
        return new MigrationResult(UUID.fromString("00000000-0000-4000-8000-000000000001"), PlanStatus.FAILED,
                Instant.parse("2026-11-25T10:00:00Z"), Instant.parse("2026-11-25T10:00:05.123Z"),
                List.of(new StepResult("postgres.rename-data-folders", "Move folders", PlatformState.UNDEPLOYED,
                                StepStatus.APPLIED, List.of(Change.of(Change.Kind.MOVE, "FAST", "postgres-backend",
                                "kaapana-backend-postgres-data", 1), Change.of(Change.Kind.UPDATE, "job.dag_id", "a", "b", 675_000)),
                                v, Duration.ofMillis(1234), null, null),
                        new StepResult("minio.verify", "Verify objects", PlatformState.TARGET_RUNNING,
                                StepStatus.VERIFICATION_FAILED, List.of(), failed, Duration.ofSeconds(2),
                                CoreErrorCode.VERIFICATION_FAILED, "verification failed: objects: expected 3, found 2",
                                problem),
                        new StepResult("after", "After", PlatformState.TARGET_RUNNING, StepStatus.NOT_RUN, List.of(), null,
                                Duration.ZERO, null, null)),
                CoreErrorCode.VERIFICATION_FAILED, "step 'minio.verify': verification failed", null,
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
                                StepCheck.blocked(CoreErrorCode.PRECONDITION_FAILED, "f", "e", "x")),
                        new StepPreview("d", "D", PlatformState.TARGET_RUNNING,
                                StepCheck.deferred(PlatformState.TARGET_RUNNING, "needs 0.5")),
                        new StepPreview("e", "E", PlatformState.UNDEPLOYED,
                                StepCheck.waitingFor(List.of("b"), "needs the new schema")),
                        new StepPreview("f", "F", PlatformState.SOURCE_RUNNING,
                                new StepCheck.Skipped("the baseline is taken while 0.4 runs; the offline one stands in")),
                        new StepPreview("g", "G", PlatformState.UNDEPLOYED,
                                StepCheck.pending(List.of(Change.of(Change.Kind.MOVE, "FAST", "keycloak/db-files",
                                        "keycloak-postgres-data", 1)), List.of("keycloak is kept: it holds themes")))),
                List.of(Problem.of(CoreErrorCode.JOURNAL_IO, "the state directory is immutable", "writable", "chattr -i")));
        assertThat(MigrationReport.parsePreview(MigrationReport.toJson(preview))).isEqualTo(preview);
        assertThat(preview.isBlocked()).as("a plan-level problem blocks").isTrue();
        assertThat(MigrationReport.summary(preview)).contains("SKIPPED", "offline one stands in", "PLAN", "chattr -i",
                "NOTE keycloak is kept: it holds themes");
        assertThat(MigrationReport.toJson(preview)).containsOnlyOnce("\"notes\"");
    }

    @Test
    void theFormatIsTheDocumentedOne() throws Exception {
        JsonNode json = new ObjectMapper().readTree(MigrationReport.toJson(sampleResult()));
        assertThat(json.path("format").asText()).isEqualTo("kaapana-migrate-report");
        assertThat(json.path("formatVersion").asInt()).isEqualTo(2);
        assertThat(json.path("kind").asText()).isEqualTo("run");
        JsonNode step = json.path("result").path("steps").get(0);
        assertThat(step.path("status").asText()).isEqualTo("APPLIED");
        assertThat(step.path("duration").asText()).isEqualTo("PT1.234S");
        assertThat(step.path("changes").get(1).path("count").asLong()).isEqualTo(675_000);
        assertThat(step.path("verification").path("facts").get(0).path("basis").asText()).isEqualTo("BASELINE");
        assertThat(step.path("verification").path("facts").get(1).path("basis").asText()).isEqualTo("POSTCONDITION");
        JsonNode failed = json.path("result").path("steps").get(1);
        assertThat(failed.path("errorCode").asText()).isEqualTo("VERIFICATION_FAILED");
        assertThat(failed.path("problem").path("code").asText()).isEqualTo("VERIFICATION_FAILED");
        assertThat(failed.path("problem").path("fix").asText()).isEqualTo("restore from the backup");
        assertThat(json.path("result").path("operation").asText()).isEqualTo("RUN");
        assertThat(json.path("result").path("startedAt").asText()).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(json.path("result").has("awaitingState")).as("null fields are left out").isFalse();
        JsonNode preview = new ObjectMapper().readTree(MigrationReport.toJson(new PlanPreview(UUID.randomUUID(),
                Instant.EPOCH, PlatformState.UNDEPLOYED, List.of(new StepPreview("a", "A", PlatformState.UNDEPLOYED,
                StepCheck.upToDate("done"))))));
        assertThat(preview.path("preview").path("steps").get(0).path("check").path("outcome").asText()).isEqualTo("UP_TO_DATE");
        assertThat(preview.path("preview").has("blocked")).as("derived accessors are not written").isFalse();
    }

    @Test
    void readersIgnoreFieldsAddedLaterInTheirVersion() {
        String json = MigrationReport.toJson(sampleResult()).replace("\"kind\" : \"run\",",
                "\"kind\" : \"run\", \"addedLater\" : {\"x\": 1},");
        assertThat(MigrationReport.parseResult(json)).isEqualTo(sampleResult());
    }

    @Test
    void otherVersionsAndKindsAreRefusedClearly() {
        String v3 = MigrationReport.toJson(sampleResult()).replace("\"formatVersion\" : 2", "\"formatVersion\" : 3");
        assertThatThrownBy(() -> MigrationReport.parseResult(v3))
                .isInstanceOf(MigrationException.class)
                .hasMessageContaining("format version 3")
                .satisfies(e -> assertThat(((MigrationException) e).code()).isEqualTo(CoreErrorCode.REPORT_INVALID));
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

    @Test
    void aVersionOneReportIsStillReadAndAnUnknownCodeIsKeptAsItsString() {
        String v1 = """
                {
                  "format" : "kaapana-migrate-report",
                  "formatVersion" : 1,
                  "kind" : "run",
                  "result" : {
                    "runId" : "00000000-0000-4000-8000-000000000002",
                    "status" : "FAILED",
                    "startedAt" : "2026-11-25T10:00:00Z",
                    "finishedAt" : "2026-11-25T10:00:01Z",
                    "steps" : [ {
                      "stepId" : "postgres.migrate-backend",
                      "description" : "Migrate",
                      "state" : "UNDEPLOYED",
                      "status" : "FAILED",
                      "changes" : [ ],
                      "verification" : { "passed" : true, "facts" : [ { "name" : "rows", "expected" : "1",
                                         "actual" : "1", "passed" : true } ] },
                      "duration" : "PT1S",
                      "errorCode" : "DATABASE_SERVER",
                      "message" : "the server did not start"
                    } ],
                    "errorCode" : "DATABASE_SERVER",
                    "message" : "step 'postgres.migrate-backend': the server did not start",
                    "notes" : [ ]
                  }
                }
                """;
        MigrationResult result = MigrationReport.parseResult(v1);
        assertThat(result.errorCode().code()).isEqualTo("DATABASE_SERVER");
        assertThat(result.errorCode().summary()).contains("does not know");
        assertThat(result.operation()).isEqualTo(MigrationResult.Operation.RUN);
        StepResult step = result.steps().get(0);
        assertThat(step.problem()).isNull();
        assertThat(step.verification().facts().get(0).basis()).isEqualTo(Verification.Basis.POSTCONDITION);
        // written again, the unknown code keeps its string
        assertThat(MigrationReport.toJson(result)).contains("\"errorCode\" : \"DATABASE_SERVER\"");
    }

    @Test
    void errorCodesOfEveryModuleOnTheClassPathAreKnownByTheirString() {
        assertThat(ErrorCode.of("PRECONDITION_FAILED")).isSameAs(CoreErrorCode.PRECONDITION_FAILED);
        assertThat(ErrorCode.of("JOURNAL_MISMATCH")).isSameAs(CoreErrorCode.JOURNAL_MISMATCH);
        ErrorCode unknown = ErrorCode.of("MINIO_SOMETHING_NEW");
        assertThat(unknown.code()).isEqualTo("MINIO_SOMETHING_NEW");
        assertThat(unknown).isEqualTo(ErrorCode.of("MINIO_SOMETHING_NEW"));
    }
}
