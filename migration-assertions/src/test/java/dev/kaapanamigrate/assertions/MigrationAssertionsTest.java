package dev.kaapanamigrate.assertions;

import static dev.kaapanamigrate.assertions.MigrationAssertions.assertThatConsistency;
import static dev.kaapanamigrate.assertions.MigrationAssertions.assertThatMigration;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.kaapana.ConsistencyReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The result and consistency assertions on hand-made values: passing quietly, failing with readable messages. */
class MigrationAssertionsTest {

    private static StepResult verified(String id) {
        return new StepResult(id, id, PlatformState.UNDEPLOYED, StepStatus.APPLIED, List.of(),
                Verification.builder().fact("rows of " + id, "120", "120", true).build(), Duration.ZERO, null, null);
    }

    private static MigrationResult result(PlanStatus status, String message, StepResult... steps) {
        return new MigrationResult(UUID.randomUUID(), status, Instant.EPOCH, Instant.EPOCH, List.of(steps), null,
                message, null, List.of());
    }

    @Test
    void aSucceededRunPassesEveryResultAssertion() {
        MigrationResult ok = result(PlanStatus.SUCCEEDED, null, verified("a.one"), verified("a.two"));
        assertThatCode(() -> assertThatMigration(ok).succeeded().completed().allStepsVerified().hasNoUnprovenGuarantees()
                .ranStep("a.two")).doesNotThrowAnyException();
    }

    @Test
    void aFailedVerificationIsNamedWithItsFactsAndTheCount() {
        StepResult failed = new StepResult("postgres.migrate-backend", "migrate", PlatformState.UNDEPLOYED,
                StepStatus.VERIFICATION_FAILED, List.of(), Verification.builder()
                .fact("rows of job", "120", "119", false).fact("rows of dataset", "6", "6", true).build(), Duration.ZERO,
                CoreErrorCode.VERIFICATION_FAILED, "1 fact failed");
        MigrationResult broken = result(PlanStatus.FAILED, "postgres.migrate-backend failed its verification",
                verified("a.one"), failed);

        assertThatThrownBy(() -> assertThatMigration(broken).succeeded()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected the migration to have succeeded, but it ended FAILED: "
                        + "postgres.migrate-backend failed its verification (1 finding)")
                .hasMessageContaining("  - postgres.migrate-backend: VERIFICATION_FAILED: 1 fact failed; failing: "
                        + "rows of job (expected 120, found 119)");
        assertThatThrownBy(() -> assertThatMigration(broken).allStepsVerified())
                .hasMessageContaining("but 1 step of 2 are not:")
                .hasMessageContaining("rows of job (expected 120, found 119)")
                .hasMessageNotContaining("rows of dataset");
        assertThatThrownBy(() -> assertThatMigration(broken).ranStep("kaapana.consistency"))
                .hasMessageContaining("has no such step; its steps: a.one, postgres.migrate-backend");
    }

    @Test
    void aBlockedRunNamesTheProblemAndManyFindingsAreCutAfterTheFirstTen() {
        StepResult blocked = new StepResult("postgres.preflight", "preflight", PlatformState.UNDEPLOYED,
                StepStatus.BLOCKED, List.of(), null, Duration.ZERO, CoreErrorCode.PRECONDITION_FAILED, "blocked",
                Problem.of(CoreErrorCode.PRECONDITION_FAILED, "a live server on postgres-backend",
                        "no live server", "undeploy the platform"));
        assertThatThrownBy(() -> assertThatMigration(result(PlanStatus.BLOCKED, "blocked", blocked)).completed())
                .hasMessageContaining("postgres.preflight: BLOCKED: a live server on postgres-backend (expected: no live "
                        + "server; fix: undeploy the platform)");

        List<StepResult> many = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            many.add(new StepResult("s" + i, "s", PlatformState.UNDEPLOYED, StepStatus.APPLIED, List.of(),
                    Verification.builder().notProven("objects of bucket b" + i, "no client").build(), Duration.ZERO, null,
                    null));
        }
        MigrationResult incomplete = result(PlanStatus.INCOMPLETE, "13 guarantees not proven",
                many.toArray(StepResult[]::new));
        assertThatCode(() -> assertThatMigration(incomplete).completed().allStepsVerified()).doesNotThrowAnyException();
        assertThatThrownBy(() -> assertThatMigration(incomplete).hasNoUnprovenGuarantees())
                .hasMessageContaining("but 13 guarantees are not:")
                .hasMessageContaining("s9: objects of bucket b9: no client")
                .hasMessageNotContaining("b10")
                .hasMessageEndingWith("... and 3 more");
    }

    @Test
    void theConsistencyAssertionsNameEachKindFoundAndWhatWasNotChecked() {
        ConsistencyReport.ProjectCounts admin = new ConsistencyReport.ProjectCounts("admin", UUID.randomUUID().toString(),
                true, 60, 60, 6, 12, 60, 15, 45, null, null, true, true, true, true);
        ConsistencyReport clean = new ConsistencyReport(Instant.EPOCH, "run", "live", "/tmp", List.of(admin),
                List.of(new ConsistencyReport.Finding(ConsistencyReport.Kind.SERIES_WITHOUT_THUMBNAIL, "admin", 45,
                        List.of("1.2.3"))), List.of());
        assertThatCode(() -> assertThatConsistency(clean).isConsistent().hasProjectWithSeries("admin", 60))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> assertThatConsistency(clean).hasNoFindingsExcept(Set.of()))
                .hasMessageContaining("SERIES_WITHOUT_THUMBNAIL: 45 series without a thumbnail in the project's bucket "
                        + "(project admin): 1.2.3, and 44 more");

        ConsistencyReport broken = new ConsistencyReport(Instant.EPOCH, "run", "live", "/tmp", List.of(admin),
                List.of(new ConsistencyReport.Finding(ConsistencyReport.Kind.MAPPED_NOT_INDEXED, "neuro", 2,
                        List.of("9.9.1", "9.9.2"))), List.of("thumbnails per series: no thumbnail listing"));
        assertThatThrownBy(() -> assertThatConsistency(broken).isConsistent())
                .hasMessageContaining("but found 2 findings:")
                .hasMessageContaining("MAPPED_NOT_INDEXED: 2 series mapped to a project without a document in the "
                        + "project's index (project neuro): 9.9.1, 9.9.2")
                .hasMessageContaining("not checked: thumbnails per series: no thumbnail listing");
        assertThatThrownBy(() -> assertThatConsistency(broken).hasProjectWithSeries("neuro", 3))
                .hasMessageContaining("Expected project neuro in the consistency report, but it has only admin");
    }
}
