package dev.kaapanamigrate.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The result of {@link MigrationPlan#run()} or of a verify-only pass, {@link MigrationPlan#verify()}: the plan's status
 * and every step's result, in order. Write it with {@link MigrationReport#write(MigrationResult, java.nio.file.Path)}.
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
 * @param operation     what produced the result: a run or a verify-only pass; {@link Operation#RUN} when {@code null}
 */
public record MigrationResult(UUID runId, PlanStatus status, Instant startedAt, Instant finishedAt,
                              List<StepResult> steps, ErrorCode errorCode, String message,
                              PlatformState awaitingState, List<String> notes, Operation operation) {

    /** What produced a result. */
    public enum Operation {
        /** {@link MigrationPlan#run()}: check, apply and verify. */
        RUN,
        /** {@link MigrationPlan#verify()}: every step's verify against the installation as it is now. */
        VERIFY
    }

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
     * @param operation     run or verify-only
     */
    public MigrationResult {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        steps = List.copyOf(steps);
        notes = notes == null ? List.of() : List.copyOf(notes);
        operation = operation == null ? Operation.RUN : operation;
    }

    /**
     * The result of a run.
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
    public MigrationResult(UUID runId, PlanStatus status, Instant startedAt, Instant finishedAt, List<StepResult> steps,
                           ErrorCode errorCode, String message, PlatformState awaitingState, List<String> notes) {
        this(runId, status, startedAt, finishedAt, steps, errorCode, message, awaitingState, notes, Operation.RUN);
    }

    /**
     * The guarantees the run could not prove, from every step's verification ({@link Verification.Basis#NOT_PROVEN}),
     * each named after its step: {@code "minio.verify: objects of the MinIO store: no client given"}.
     *
     * @return the unproven guarantees, in step order
     */
    public List<String> unproven() {
        List<String> out = new java.util.ArrayList<>();
        for (StepResult s : steps) {
            if (s.verification() != null) {
                for (Verification.Fact f : s.verification().unproven()) {
                    out.add(s.stepId() + ": " + f.name() + ": " + f.actual());
                }
            }
        }
        return out;
    }

    /**
     * The problem of the step that stopped the run, when it has a structured one.
     *
     * @return the problem, or empty
     */
    public Optional<Problem> problem() {
        return steps.stream().filter(s -> s.problem() != null && !s.status().isDone()
                && s.status() != StepStatus.NOT_RUN && s.status() != StepStatus.SKIPPED).map(StepResult::problem).findFirst();
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
     * Returns this result when the run succeeded (also {@link PlanStatus#INCOMPLETE}: every step done, some guarantees
     * not proven; see {@link #unproven()}), and otherwise throws the matching exception:
     * {@link PreconditionFailedException} when blocked or paused, {@link VerificationFailedException} when a
     * verification failed, {@link StepFailedException} when a step failed.
     *
     * @return this result
     */
    public MigrationResult orThrow() {
        switch (status) {
            case SUCCEEDED:
            case INCOMPLETE:
                return this;
            case BLOCKED:
            case PAUSED:
                if (problem().isPresent() && status == PlanStatus.BLOCKED) {
                    throw new PreconditionFailedException(problem().get());
                }
                throw new PreconditionFailedException(errorCode, message, null);
            default:
                Optional<StepResult> failed = steps.stream()
                        .filter(s -> s.status() == StepStatus.VERIFICATION_FAILED && s.verification() != null)
                        .findFirst();
                if (failed.isPresent()) {
                    throw new VerificationFailedException(failed.get().stepId(), failed.get().verification());
                }
                throw new StepFailedException(errorCode == null ? CoreErrorCode.STEP_FAILED : errorCode, message, null);
        }
    }
}
