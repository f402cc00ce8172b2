package dev.kaapanamigrate.core.internal;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.CrashPoints;
import dev.kaapanamigrate.core.ErrorCode;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.core.Verification;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Check, apply when pending, verify: one step, the same way in a plan's run and in {@code StepRunner}. Each stage is
 * recorded in the journal when there is one.
 */
public final class StepExecution {

    private static final Logger LOG = LoggerFactory.getLogger(StepExecution.class);

    /** Where the stages of a step are recorded; the plan journals them, a standalone call does not. */
    public interface Recorder {
        /** Records nothing. */
        Recorder NONE = entry -> { };

        /**
         * Records an entry.
         *
         * @param entry the entry
         */
        void record(JournalEntry entry);
    }

    private StepExecution() {
    }

    /**
     * Checks the step; then, unless blocked, applies it when pending and verifies it.
     *
     * @param step     the step
     * @param ctx      the context
     * @param clock    the clock
     * @param runId    the run
     * @param recorder where stages go
     * @param check    the step's check result when the caller already has it, else {@code null}
     * @return the result
     */
    public static StepResult execute(MigrationStep step, DefaultMigrationContext ctx, Clock clock, UUID runId,
                                     Recorder recorder, StepCheck check) {
        Instant start = clock.instant();
        List<Change> changes = List.of();
        Verification verification = null;
        String phase = "check";
        try {
            if (check == null) {
                check = step.check(ctx);
            }
            if (check == null) {
                throw new IllegalStateException("check() returned null");
            }
            if (check instanceof StepCheck.Blocked blocked) {
                Problem p = blocked.problem();
                recorder.record(JournalEntry.stepStopped(JournalEntry.Type.STEP_BLOCKED, runId, clock.instant(), step.id(),
                        p.code(), p.message()));
                return result(step, StepStatus.BLOCKED, List.of(), null, since(clock, start), p);
            }
            if (check instanceof StepCheck.Waiting waiting) {
                throw new MigrationException(CoreErrorCode.STEP_FAILED, "step '" + step.id() + "' says it waits for "
                        + waiting.stepIds() + " (" + waiting.reason() + "), but they are done; a step may wait only in "
                        + "a dry-run", null);
            }
            if (check instanceof StepCheck.Deferred deferred) {
                throw new MigrationException(CoreErrorCode.PLATFORM_STATE, "step '" + step.id() + "' deferred its check to "
                        + "state " + deferred.state() + " (" + deferred.reason() + ") although the platform is in "
                        + ctx.platformState() + ", the state the step requires; the step should require "
                        + deferred.state(), null);
            }
            if (check instanceof StepCheck.Skipped) {
                throw new IllegalStateException("check() returned Skipped, which only a plan sets");
            }
            String upToDate = check instanceof StepCheck.UpToDate u ? u.detail() : null;
            if (upToDate == null) {
                phase = "apply";
                CrashPoints.reach(step.id(), "before-apply");
                List<Change> applied = step.apply(ctx);
                changes = applied == null ? List.of() : applied;
                CrashPoints.reach(step.id(), "applied");
                recorder.record(JournalEntry.of(JournalEntry.Type.STEP_APPLIED, runId, clock.instant(), step.id()));
                CrashPoints.reach(step.id(), "apply-journaled");
            }
            phase = "verify";
            verification = step.verify(ctx);
            if (verification == null) {
                throw new IllegalStateException("verify() returned null");
            }
            if (!verification.passed()) {
                String message = "verification failed: " + verification.describeFailures();
                recorder.record(JournalEntry.stepStopped(JournalEntry.Type.STEP_FAILED, runId, clock.instant(), step.id(),
                        CoreErrorCode.VERIFICATION_FAILED, message));
                return new StepResult(step.id(), step.description(), step.requiredState(), StepStatus.VERIFICATION_FAILED,
                        changes, verification, since(clock, start), CoreErrorCode.VERIFICATION_FAILED, message,
                        Problem.of(CoreErrorCode.VERIFICATION_FAILED, verification.describeFailures(),
                                "every fact of the verification to hold", CoreErrorCode.VERIFICATION_FAILED.remedy()));
            }
            phase = "journal";
            CrashPoints.reach(step.id(), "verified");
            recorder.record(JournalEntry.verified(runId, clock.instant(), step.id(), verification));
            CrashPoints.reach(step.id(), "done");
            return new StepResult(step.id(), step.description(), step.requiredState(),
                    upToDate == null ? StepStatus.APPLIED : StepStatus.UP_TO_DATE, changes, verification,
                    since(clock, start), null, upToDate, null);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            return failed(step, e, phase, changes, verification, clock, start, runId, recorder);
        }
    }

    /**
     * The result of a step whose check, apply or verify threw, recorded as failed.
     *
     * @param step         the step
     * @param e            what it threw
     * @param phase        check, apply, verify or journal
     * @param changes      what apply changed before, if anything
     * @param verification the verification, if it ran
     * @param clock        the clock
     * @param start        when the step started
     * @param runId        the run
     * @param recorder     where the failure is recorded
     * @return the result
     */
    public static StepResult failed(MigrationStep step, Throwable e, String phase, List<Change> changes,
                                    Verification verification, Clock clock, Instant start, UUID runId, Recorder recorder) {
        LOG.error("Step '{}' failed in {}", step.id(), phase, e);
        Problem p = problemOf(e, step, phase);
        String message = phase + " failed: " + describe(e);
        try {
            recorder.record(JournalEntry.stepStopped(JournalEntry.Type.STEP_FAILED, runId, clock.instant(), step.id(),
                    p.code(), message));
        } catch (MigrationException journal) {
            e.addSuppressed(journal);
        }
        return new StepResult(step.id(), step.description(), step.requiredState(), StepStatus.FAILED, changes,
                verification, since(clock, start), p.code(), message, p);
    }

    /**
     * Verifies a step against the installation as it is now (a verify-only pass), never throwing for the step.
     *
     * @param step  the step
     * @param ctx   the context
     * @param clock the clock
     * @param runId the pass's id
     * @return {@link StepStatus#VERIFIED}, {@link StepStatus#VERIFICATION_FAILED} or {@link StepStatus#FAILED}
     */
    public static StepResult verifyOnly(MigrationStep step, MigrationContext ctx, Clock clock, UUID runId) {
        Instant start = clock.instant();
        try {
            Verification v = step.verify(ctx);
            if (v == null) {
                throw new IllegalStateException("verify() returned null");
            }
            Duration took = since(clock, start);
            if (v.passed()) {
                return new StepResult(step.id(), step.description(), step.requiredState(), StepStatus.VERIFIED, List.of(),
                        v, took, null, null, null);
            }
            Problem p = Problem.of(CoreErrorCode.VERIFICATION_FAILED, v.describeFailures(),
                    "every fact of the verification to hold", CoreErrorCode.VERIFICATION_FAILED.remedy());
            return new StepResult(step.id(), step.description(), step.requiredState(), StepStatus.VERIFICATION_FAILED,
                    List.of(), v, took, p.code(), "verification failed: " + v.describeFailures(), p);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            return failed(step, e, "verify", List.of(), null, clock, start, runId, Recorder.NONE);
        }
    }

    /**
     * The structured problem of a throwable: the exception's own, or one built from its message.
     *
     * @param e     the throwable
     * @param step  the step
     * @param phase check, apply or verify
     * @return the problem
     */
    public static Problem problemOf(Throwable e, MigrationStep step, String phase) {
        if (e instanceof MigrationException m && m.problem().isPresent()) {
            return m.problem().get();
        }
        ErrorCode code = codeOf(e);
        return Problem.of(code, "the " + phase + " of step '" + step.id() + "' failed: " + describe(e),
                "a " + phase + " that completes", code.remedy());
    }

    /**
     * The error code of a throwable.
     *
     * @param e the throwable
     * @return its code, or {@link CoreErrorCode#STEP_FAILED}
     */
    public static ErrorCode codeOf(Throwable e) {
        return e instanceof MigrationException m ? m.code() : CoreErrorCode.STEP_FAILED;
    }

    /**
     * A throwable in one line, without a stack trace.
     *
     * @param e the throwable
     * @return the description
     */
    public static String describe(Throwable e) {
        if (e instanceof MigrationException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    static StepResult result(MigrationStep step, StepStatus status, List<Change> changes, Verification verification,
                             Duration duration, Problem problem) {
        return new StepResult(step.id(), step.description(), step.requiredState(), status, changes, verification, duration,
                problem == null ? null : problem.code(), problem == null ? null : problem.message(), problem);
    }

    private static Duration since(Clock clock, Instant start) {
        return Duration.between(start, clock.instant());
    }
}
