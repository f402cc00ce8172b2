package dev.kaapanamigrate.core;

import dev.kaapanamigrate.core.internal.StepExecution;
import java.util.Objects;

/**
 * Runs one step outside a plan, as a plan would: check, then apply when the check finds work to do, then verify. For
 * tools that compose steps themselves; nothing is journaled and no lock is taken (use a {@link MigrationPlan} for that).
 *
 * <pre>{@code
 * try (StandaloneContext ctx = MigrationContext.standalone()) {
 *     StepResult result = StepRunner.run(new MigrateBackendStep(connections), ctx);
 *     if (!result.status().isDone()) {
 *         throw new IllegalStateException(result.message());
 *     }
 * }
 * }</pre>
 */
public final class StepRunner {

    private StepRunner() {
    }

    /**
     * Checks the step; unless it is blocked, applies it when its check found changes, and verifies it. Never throws
     * for a failing step: the result says how it ended ({@link StepStatus#BLOCKED}, {@link StepStatus#FAILED},
     * {@link StepStatus#VERIFICATION_FAILED} with the problem, or {@link StepStatus#APPLIED} /
     * {@link StepStatus#UP_TO_DATE}).
     *
     * @param step the step
     * @param ctx  the context, usually {@link MigrationContext#standalone()}
     * @return the result
     */
    public static StepResult run(MigrationStep step, StandaloneContext ctx) {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(ctx, "ctx");
        ctx.enterStep(step.id());
        if (ctx.dryRun()) {
            throw new ConfigurationException("StepRunner.run applies changes; the context is a dry-run context. Call "
                    + "step.check(ctx) for a dry-run, or create the context with dryRun = false.");
        }
        ctx.enterRunnerCall();
        try {
            return StepExecution.execute(step, ctx.delegate(), ctx.clock(), ctx.runId(), StepExecution.Recorder.NONE,
                    null);
        } finally {
            ctx.leaveRunnerCall();
        }
    }

    /**
     * Checks the step only (read-only), reporting a failure of the check as {@link StepCheck.Blocked} with its problem.
     *
     * @param step the step
     * @param ctx  the context
     * @return what the check found
     */
    public static StepCheck check(MigrationStep step, StandaloneContext ctx) {
        Objects.requireNonNull(step, "step");
        ctx.enterStep(step.id());
        ctx.enterRunnerCall();
        try {
            StepCheck check = step.check(ctx);
            return Objects.requireNonNull(check, "check() returned null");
        } catch (RuntimeException e) {
            return new StepCheck.Blocked(StepExecution.problemOf(e, step, "check"));
        } finally {
            ctx.leaveRunnerCall();
        }
    }

    /**
     * Verifies the step only, against the installation as it is now, reporting a failure of verify as
     * {@link StepStatus#FAILED}.
     *
     * @param step the step
     * @param ctx  the context
     * @return the result: {@link StepStatus#VERIFIED}, {@link StepStatus#VERIFICATION_FAILED} or {@link StepStatus#FAILED}
     */
    public static StepResult verify(MigrationStep step, StandaloneContext ctx) {
        Objects.requireNonNull(step, "step");
        ctx.enterStep(step.id());
        ctx.enterRunnerCall();
        try {
            return StepExecution.verifyOnly(step, ctx, ctx.clock(), ctx.runId());
        } finally {
            ctx.leaveRunnerCall();
        }
    }
}
