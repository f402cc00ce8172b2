package dev.kaapanamigrate.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The result of a dry-run, {@link MigrationPlan#check()}: every step's check, in run order, and nothing
 * changed.
 *
 * <pre>{@code
 * PlanPreview preview = plan.check();
 * preview.changes().forEach(c -> log.info(c.describe()));
 * if (preview.isBlocked()) { ... show preview.blockers() ... }
 * }</pre>
 *
 * @param runId         the dry-run's id
 * @param checkedAt     when the checks ran
 * @param platformState the platform state during the checks
 * @param steps         every step's preview, in run order
 * @param problems      problems of the plan itself that would stop a run before any step (its state directory, a
 *                      journal of another installation); empty when none
 */
public record PlanPreview(UUID runId, Instant checkedAt, PlatformState platformState, List<StepPreview> steps,
                          List<Problem> problems) {

    /**
     * Validates the components and copies the list.
     *
     * @param runId         the dry-run's id
     * @param checkedAt     when
     * @param platformState the platform state
     * @param steps         the previews
     * @param problems      the plan-level problems
     */
    public PlanPreview {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(checkedAt, "checkedAt");
        steps = List.copyOf(steps);
        problems = problems == null ? List.of() : List.copyOf(problems);
    }

    /**
     * A preview without plan-level problems.
     *
     * @param runId         the dry-run id
     * @param checkedAt     when
     * @param platformState the platform state
     * @param steps         the step previews
     */
    public PlanPreview(UUID runId, Instant checkedAt, PlatformState platformState, List<StepPreview> steps) {
        this(runId, checkedAt, platformState, steps, List.of());
    }

    /**
     * The preview of one step.
     *
     * @param stepId the step id
     * @return its preview, or empty when the plan has no such step
     */
    public java.util.Optional<StepPreview> step(String stepId) {
        return steps.stream().filter(s -> s.stepId().equals(stepId)).findFirst();
    }

    /**
     * Every change the run would make, in order.
     *
     * @return the changes
     */
    public List<Change> changes() {
        return steps.stream().flatMap(s -> s.check().changes().stream()).collect(Collectors.toUnmodifiableList());
    }

    /**
     * The steps whose check refused to run.
     *
     * @return the blocked previews
     */
    public List<StepPreview> blockers() {
        return steps.stream().filter(s -> s.check() instanceof StepCheck.Blocked).collect(Collectors.toUnmodifiableList());
    }

    /**
     * Whether a run would stop: a step is blocked, or the plan itself has a problem (its state directory cannot hold a
     * journal and lock, or the journal belongs to another installation).
     *
     * @return {@code true} if a run would not complete
     */
    public boolean isBlocked() {
        return !problems.isEmpty() || !blockers().isEmpty();
    }

    /**
     * Whether every step is already done.
     *
     * @return {@code true} when every check says up to date
     */
    public boolean isUpToDate() {
        return steps.stream().allMatch(s -> s.check() instanceof StepCheck.UpToDate);
    }
}
