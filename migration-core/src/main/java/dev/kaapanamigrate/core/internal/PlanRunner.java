package dev.kaapanamigrate.core.internal;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.ErrorCode;
import dev.kaapanamigrate.core.IdSource;
import dev.kaapanamigrate.core.LockHolder;
import dev.kaapanamigrate.core.MigrationEvent;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformCannotMoveException;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepPreview;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.core.Verification;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs and dry-runs a plan: the flow of {@code MigrationPlan.run()} and {@code check()}. */
public final class PlanRunner {

    private static final Logger LOG = LoggerFactory.getLogger(PlanRunner.class);

    private final List<MigrationStep> steps;
    private final PlatformControl control;
    private final StateStore store;
    private final SafeListener listener;
    private final Clock clock;
    private final IdSource ids;
    private final Duration platformTimeout;

    /**
     * Creates a runner for validated, ordered steps.
     *
     * @param steps           the steps in run order
     * @param control         the platform control
     * @param store           the journal and lock
     * @param listener        the listeners
     * @param clock           the clock
     * @param ids             the id source
     * @param platformTimeout how long to wait for a platform transition
     */
    public PlanRunner(List<MigrationStep> steps, PlatformControl control, StateStore store, SafeListener listener,
                      Clock clock, IdSource ids, Duration platformTimeout) {
        this.steps = steps;
        this.control = control;
        this.store = store;
        this.listener = listener;
        this.clock = clock;
        this.ids = ids;
        this.platformTimeout = platformTimeout;
    }

    // ---------------------------------------------------------------------------------------------- dry-run

    /**
     * Runs every step's check and nothing else.
     *
     * @return the preview
     */
    public PlanPreview check() {
        UUID runId = ids.newId();
        Instant at = clock.instant();
        JournalState journal = store.readJournal();
        PlatformState state = currentState();
        DefaultMigrationContext ctx = new DefaultMigrationContext(clock, ids, runId, state, true, null,
                journal.values(), listener);
        List<StepPreview> previews = new ArrayList<>();
        Set<String> notDone = new HashSet<>();
        try {
            for (MigrationStep step : steps) {
                StepCheck check = previewOf(step, journal, state, ctx, notDone);
                if (!(check instanceof StepCheck.UpToDate)) {
                    notDone.add(step.id());
                }
                previews.add(new StepPreview(step.id(), step.description(), step.requiredState(), check));
            }
        } finally {
            ctx.closeResources();
        }
        return new PlanPreview(runId, at, state, previews);
    }

    private StepCheck previewOf(MigrationStep step, JournalState journal, PlatformState state,
                                DefaultMigrationContext ctx, Set<String> notDone) {
        Optional<JournalState.Mark> verified = journal.verified(step.id());
        if (verified.isPresent()) {
            return StepCheck.upToDate(verifiedEarlier(verified.get()));
        }
        if (step.requiredState().compareTo(state) < 0) {
            // run() would refuse it: say so here too.
            return new StepCheck.Blocked(platformPast(state, step.requiredState()));
        }
        ctx.enterStep(step.id());
        List<String> waitingFor = step.dependsOn().stream().filter(notDone::contains).distinct().toList();
        try {
            StepCheck check = step.check(ctx);
            if (check == null) {
                throw new IllegalStateException("check() returned null");
            }
            return check;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            if (!waitingFor.isEmpty()) {
                // The step's input is what its dependencies will produce: it cannot be checked yet.
                return StepCheck.waitingFor(waitingFor, "its check needs their changes (" + describe(e) + ")");
            }
            if (step.requiredState().compareTo(state) > 0) {
                return StepCheck.deferred(step.requiredState(), "it cannot be checked while " + state.description()
                        + " (" + describe(e) + ")");
            }
            LOG.warn("Check of step '{}' failed", step.id(), e);
            return new StepCheck.Blocked(Problem.of(codeOf(e), "the check of step '" + step.id() + "' failed: "
                    + describe(e), "a check that completes", "fix the cause named here, then check again"));
        }
    }

    // -------------------------------------------------------------------------------------------------- run

    /**
     * Runs the plan: lock, then per step check, apply and verify, journaled.
     *
     * @return the result
     */
    public MigrationResult run() {
        UUID runId = ids.newId();
        Instant startedAt = clock.instant();
        LockHolder me = new LockHolder(ProcessHandle.current().pid(), HostName.get(), startedAt, runId);
        try (RunLock lock = store.lock(me); Journal journal = store.openJournal()) {
            return new Run(runId, startedAt, journal, lock).execute();
        }
    }

    /** The state of one run. */
    private final class Run {
        private final UUID runId;
        private final Instant startedAt;
        private final Journal journal;
        private final JournalState state;
        private final DefaultMigrationContext ctx;
        private final List<String> notes = new ArrayList<>();
        private final List<StepResult> results = new ArrayList<>();
        private boolean journalFailed;

        Run(UUID runId, Instant startedAt, Journal journal, RunLock lock) {
            this.runId = runId;
            this.startedAt = startedAt;
            this.journal = journal;
            this.state = journal.state();
            this.ctx = new DefaultMigrationContext(clock, ids, runId, null, false, journal, state.values(), listener);
            lock.staleHolder().ifPresent(h -> notes.add("took over the lock left by a run that is gone: " + h.describe()));
        }

        MigrationResult execute() {
            List<String> stepIds = steps.stream().map(MigrationStep::id).toList();
            journal.append(JournalEntry.runStarted(runId, startedAt, stepIds));
            listener.planStarted(new MigrationEvent.PlanStarted(runId, startedAt, stepIds));
            LOG.info("Migration run {} started: {} steps, state directory {}", runId, steps.size(), store);

            StepResult stoppedBy = null;
            PlanStatus status = PlanStatus.SUCCEEDED;
            PlatformState awaiting = null;
            for (MigrationStep step : steps) {
                if (stoppedBy != null) {
                    results.add(result(step, StepStatus.NOT_RUN, List.of(), null, Duration.ZERO, null, null));
                    continue;
                }
                Optional<JournalState.Mark> verified = state.verified(step.id());
                if (verified.isPresent()) {
                    results.add(result(step, StepStatus.VERIFIED_EARLIER, List.of(), null, Duration.ZERO, null,
                            verifiedEarlier(verified.get())));
                    continue;
                }
                Optional<PlatformStop> platformStop = reachState(step.requiredState());
                if (platformStop.isPresent()) {
                    Problem p = platformStop.get().problem();
                    boolean pause = platformStop.get().pause();
                    stoppedBy = result(step, pause ? StepStatus.NOT_RUN : StepStatus.FAILED, List.of(), null,
                            Duration.ZERO, p.code(), p.message());
                    results.add(stoppedBy);
                    status = pause ? PlanStatus.PAUSED : PlanStatus.FAILED;
                    awaiting = pause ? step.requiredState() : null;
                    continue;
                }
                Optional<JournalState.Mark> interrupted = state.interrupted(step.id());
                StepResult result = executeStep(step);
                interrupted.ifPresent(m -> notes.add("step '" + step.id() + "' was interrupted in run " + m.runId()
                        + " (started " + m.at() + "); this run checked it again: " + result.status()));
                results.add(result);
                if (!result.status().isDone()) {
                    stoppedBy = result;
                    status = result.status() == StepStatus.BLOCKED ? PlanStatus.BLOCKED : PlanStatus.FAILED;
                }
                if (journalFailed && stoppedBy == null) {
                    stoppedBy = result;
                    status = PlanStatus.FAILED;
                }
            }
            notes.addAll(ctx.closeResources());
            Instant finishedAt = clock.instant();
            ErrorCode code = stoppedBy == null ? null : journalFailed ? ErrorCode.JOURNAL_IO : stoppedBy.errorCode();
            String message = stoppedBy == null ? null : journalFailed
                    ? "the journal could not be written; the run stopped after step '" + stoppedBy.stepId()
                    + "'. Make the state directory writable and run again"
                    : "step '" + stoppedBy.stepId() + "': " + stoppedBy.message();
            record(JournalEntry.runFinished(runId, finishedAt, status, code));
            MigrationResult result = new MigrationResult(runId, status, startedAt, finishedAt, results, code, message,
                    awaiting, notes);
            LOG.info("Migration run {} finished: {}{}", runId, status, message == null ? "" : " at " + message);
            listener.planFinished(new MigrationEvent.PlanFinished(result));
            return result;
        }

        private StepResult executeStep(MigrationStep step) {
            Instant start = clock.instant();
            ctx.enterStep(step.id());
            listener.stepStarted(new MigrationEvent.StepStarted(runId, step.id(), step.requiredState(), start));
            LOG.info("Step '{}': {}", step.id(), step.description());
            List<Change> changes = List.of();
            Verification verification = null;
            String phase = "check";
            StepResult result;
            try {
                journal.append(JournalEntry.of(JournalEntry.Type.STEP_STARTED, runId, start, step.id()));
                StepCheck check = step.check(ctx);
                if (check == null) {
                    throw new IllegalStateException("check() returned null");
                }
                if (check instanceof StepCheck.Blocked blocked) {
                    Problem p = blocked.problem();
                    journal.append(JournalEntry.stepStopped(JournalEntry.Type.STEP_BLOCKED, runId, clock.instant(),
                            step.id(), p.code(), p.message()));
                    result = result(step, StepStatus.BLOCKED, List.of(), null, since(start), p.code(), p.message());
                } else if (check instanceof StepCheck.Waiting waiting) {
                    throw new MigrationException(ErrorCode.STEP_FAILED, "step '" + step.id() + "' says it waits for "
                            + waiting.stepIds() + " (" + waiting.reason() + "), but they are done; a step may wait only "
                            + "in a dry-run", null);
                } else if (check instanceof StepCheck.Deferred deferred) {
                    throw new MigrationException(ErrorCode.PLATFORM_STATE, "step '" + step.id() + "' deferred its check "
                            + "to state " + deferred.state() + " (" + deferred.reason() + ") although the platform is in "
                            + ctx.platformState() + ", the state the step requires; the step should require "
                            + deferred.state(), null);
                } else {
                    String upToDate = check instanceof StepCheck.UpToDate u ? u.detail() : null;
                    if (upToDate == null) {
                        phase = "apply";
                        List<Change> applied = step.apply(ctx);
                        changes = applied == null ? List.of() : applied;
                        journal.append(JournalEntry.of(JournalEntry.Type.STEP_APPLIED, runId, clock.instant(), step.id()));
                    }
                    phase = "verify";
                    verification = step.verify(ctx);
                    if (verification == null) {
                        throw new IllegalStateException("verify() returned null");
                    }
                    if (verification.passed()) {
                        phase = "journal";
                        journal.append(JournalEntry.of(JournalEntry.Type.STEP_VERIFIED, runId, clock.instant(), step.id()));
                        result = result(step, upToDate == null ? StepStatus.APPLIED : StepStatus.UP_TO_DATE, changes,
                                verification, since(start), null, upToDate);
                    } else {
                        String message = "verification failed: " + verification.describeFailures();
                        record(JournalEntry.stepStopped(JournalEntry.Type.STEP_FAILED, runId, clock.instant(), step.id(),
                                ErrorCode.VERIFICATION_FAILED, message));
                        result = result(step, StepStatus.VERIFICATION_FAILED, changes, verification, since(start),
                                ErrorCode.VERIFICATION_FAILED, message);
                    }
                }
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                ErrorCode code = codeOf(e);
                if (code == ErrorCode.JOURNAL_IO) {
                    journalFailed = true;
                }
                String message = phase + " failed: " + describe(e);
                LOG.error("Step '{}' failed in {}", step.id(), phase, e);
                record(JournalEntry.stepStopped(JournalEntry.Type.STEP_FAILED, runId, clock.instant(), step.id(), code,
                        message));
                result = result(step, StepStatus.FAILED, changes, verification, since(start), code, message);
            }
            LOG.info("Step '{}' {}{}", step.id(), result.status(), result.message() == null ? "" : ": " + result.message());
            listener.stepFinished(new MigrationEvent.StepFinished(runId, result));
            return result;
        }

        /** Appends unless the journal already failed in this run; a failure here stops the run after this step. */
        private void record(JournalEntry entry) {
            if (journalFailed) {
                return;
            }
            try {
                journal.append(entry);
            } catch (MigrationException e) {
                journalFailed = true;
                LOG.error("Cannot record {} in the journal: {}", entry.type(), e.getMessage());
            }
        }

        /** Moves the platform forward to {@code needed}; says why not when it cannot. */
        private Optional<PlatformStop> reachState(PlatformState needed) {
            PlatformState current;
            try {
                current = control.current();
                if (current == null) {
                    throw new IllegalStateException("current() returned null");
                }
            } catch (RuntimeException e) {
                return Optional.of(new PlatformStop(Problem.of(ErrorCode.PLATFORM_STATE, "the PlatformControl could not "
                        + "tell the platform state: " + describe(e), "the platform state", "check the PlatformControl"), false));
            }
            if (current == needed) {
                ctx.platformState(current);
                return Optional.empty();
            }
            if (current.compareTo(needed) > 0) {
                return Optional.of(new PlatformStop(platformPast(current, needed), false));
            }
            // What steps of this state opened (temporary servers on data folders) must not outlive it.
            notes.addAll(ctx.closeResources());
            try {
                if (current == PlatformState.SOURCE_RUNNING) {
                    control.undeploy();
                    transitionStarted(current, PlatformState.UNDEPLOYED);
                    control.awaitUndeployed(platformTimeout);
                    current = PlatformState.UNDEPLOYED;
                    ctx.platformState(current);
                }
                if (needed == PlatformState.TARGET_RUNNING) {
                    control.deploy();
                    transitionStarted(current, PlatformState.TARGET_RUNNING);
                    control.awaitReady(platformTimeout);
                }
            } catch (PlatformCannotMoveException e) {
                return Optional.of(new PlatformStop(PlatformCannotMoveException.pauseProblem(current, needed), true));
            } catch (RuntimeException e) {
                return Optional.of(new PlatformStop(Problem.of(e instanceof MigrationException m ? m.code()
                                : ErrorCode.PLATFORM_STATE, "moving the platform to " + needed + " failed: " + describe(e),
                        "the platform in state " + needed, "move the platform to " + needed + " yourself, then run "
                                + "again with PlatformControl.assumeState(PlatformState." + needed + ")"), false));
            }
            PlatformState reached = control.current();
            ctx.platformState(reached);
            if (reached != needed) {
                return Optional.of(new PlatformStop(Problem.of(ErrorCode.PLATFORM_STATE, "the PlatformControl reports "
                                + "state " + reached + " after moving the platform", "state " + needed,
                        "check the PlatformControl implementation: current() must report the state it moved to"), false));
            }
            return Optional.empty();
        }

        private void transitionStarted(PlatformState from, PlatformState to) {
            LOG.info("Moving the platform from {} to {}", from, to);
            listener.platformTransition(new MigrationEvent.PlatformTransition(runId, from, to, clock.instant()));
        }

        private Duration since(Instant start) {
            return Duration.between(start, clock.instant());
        }
    }

    /** Why the platform could not be brought to a state; {@code pause} when the control cannot move it. */
    private record PlatformStop(Problem problem, boolean pause) {
    }

    private PlatformState currentState() {
        PlatformState state = control.current();
        if (state == null) {
            throw new MigrationException(ErrorCode.PLATFORM_STATE, "The PlatformControl " + control
                    + " reports no current state; current() must return one.", null);
        }
        return state;
    }

    private static Problem platformPast(PlatformState current, PlatformState needed) {
        return Problem.of(ErrorCode.PLATFORM_STATE,
                "the platform is already in state " + current + " (" + current.description() + ")",
                "state " + needed + " for this step, which must run before the platform leaves that state",
                "a plan never moves the platform backwards: bring it back to " + needed
                        + " or restore the backup, then run again");
    }

    private static StepResult result(MigrationStep step, StepStatus status, List<Change> changes, Verification verification,
                                     Duration duration, ErrorCode code, String message) {
        return new StepResult(step.id(), step.description(), step.requiredState(), status, changes, verification,
                duration, code, message);
    }

    private static String verifiedEarlier(JournalState.Mark mark) {
        return "verified by run " + mark.runId() + " at " + mark.at();
    }

    private static ErrorCode codeOf(Throwable e) {
        return e instanceof MigrationException m ? m.code() : ErrorCode.STEP_FAILED;
    }

    private static String describe(Throwable e) {
        if (e instanceof MigrationException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
