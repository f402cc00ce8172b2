package dev.kaapanamigrate.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The result of {@link MigrationPlan#run()}: the plan's status and every step's result, in order. Write it
 * with {@link MigrationReport#write(MigrationResult, java.nio.file.Path)}.
 *
 * <pre>{@code
 * MigrationResult result = plan.run();
 * MigrationReport.write(result, Path.of("migration-report.json"));
 * result.orThrow();    // throws the matching MigrationException unless SUCCEEDED
 * }</pre>
 *
 * @param runId         the run id
 * @param status        how the run ended
 * @param startedAt     when it started
 * @param finishedAt    when it finished
 * @param steps         every step's result, in run order
 * @param errorCode     the error code of the step that stopped the run, or {@code null}
 * @param message       what stopped the run, or {@code null} when it succeeded
 * @param awaitingState the platform state needed to go on when {@link PlanStatus#PAUSED}, else {@code null}
 * @param notes         plan-level remarks (a stale lock taken over, an interrupted run resumed)
 */
public record MigrationResult(UUID runId, PlanStatus status, Instant startedAt, Instant finishedAt,
                              List<StepResult> steps, ErrorCode errorCode, String message,
                              PlatformState awaitingState, List<String> notes) {

    /**
     * Validates the components and copies the lists.
     *
     * @param runId         the run id
     * @param status        the status
     * @param startedAt     the start
     * @param finishedAt    the end
     * @param steps         the step results
     * @param errorCode     the error code or {@code null}
     * @param message       the message or {@code null}
     * @param awaitingState the awaited state or {@code null}
     * @param notes         the notes
     */
    public MigrationResult {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        steps = List.copyOf(steps);
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    /**
     * Whether every step is done and verified.
     *
     * @return {@code true} when {@link PlanStatus#SUCCEEDED}
     */
    public boolean succeeded() {
        return status == PlanStatus.SUCCEEDED;
    }

    /**
     * How long the run took.
     *
     * @return the duration
     */
    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }

    /**
     * The result of one step.
     *
     * @param stepId the step id
     * @return the step's result, or empty when the plan has no such step
     */
    public Optional<StepResult> step(String stepId) {
        return steps.stream().filter(s -> s.stepId().equals(stepId)).findFirst();
    }

    /**
     * Returns this result when the run succeeded, and otherwise throws the matching exception:
     * {@link PreconditionFailedException} when blocked or paused, {@link VerificationFailedException} when a
     * verification failed, {@link StepFailedException} when a step failed.
     *
     * @return this result
     */
    public MigrationResult orThrow() {
        switch (status) {
            case SUCCEEDED:
                return this;
            case BLOCKED:
            case PAUSED:
                throw new PreconditionFailedException(errorCode, message, null);
            default:
                Optional<StepResult> failed = steps.stream()
                        .filter(s -> s.status() == StepStatus.VERIFICATION_FAILED && s.verification() != null)
                        .findFirst();
                if (failed.isPresent()) {
                    throw new VerificationFailedException(failed.get().stepId(), failed.get().verification());
                }
                throw new StepFailedException(errorCode == null ? ErrorCode.STEP_FAILED : errorCode, message, null);
        }
    }
}
