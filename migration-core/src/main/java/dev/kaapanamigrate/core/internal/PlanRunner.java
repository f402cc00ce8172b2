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

    /**
     * Runs every step's check and nothing else.
     *
     * @return the preview
     */
    public PlanPreview check() {
        UUID runId = ids.newId();
        Instant at = clock.instant();
        JournalState journal = store.readJournal();
        PlatformState state = control.current();
        DefaultMigrationContext ctx = new DefaultMigrationContext(clock, ids, runId, state, true, null,
                journal.values(), listener);
        List<StepPreview> previews = new ArrayList<>();
        Set<String> notDone = new HashSet<>();
        for (MigrationStep step : steps) {
            StepCheck check;
            Optional<JournalState.Mark> verified = journal.verified(step.id());
            if (verified.isPresent()) {
                check = StepCheck.upToDate("verified by run " + verified.get().runId() + " at " + verified.get().at());
            } else {
                ctx.enterStep(step.id());
                List<String> waitingFor = step.dependsOn().stream().filter(notDone::contains).distinct().toList();
                try {
                    check = step.check(ctx);
                    if (check == null) {
                        throw new IllegalStateException("check() returned null");
                    }
                } catch (RuntimeException e) {
                    if (waitingFor.isEmpty()) {
                        LOG.warn("Check of step '{}' failed", step.id(), e);
                        check = new StepCheck.Blocked(failedCheck(step, e));
                    } else {
                        // The step's input is what its dependencies will produce: it cannot be checked yet.
                        check = StepCheck.waitingFor(waitingFor, "its check needs their changes (" + describe(e) + ")");
                    }
                }
            }
            if (!(check instanceof StepCheck.UpToDate)) {
                notDone.add(step.id());
            }
            previews.add(new StepPreview(step.id(), step.description(), step.requiredState(), check));
        }
        return new PlanPreview(runId, at, state, previews);
    }

    private static Problem failedCheck(MigrationStep step, RuntimeException e) {
        ErrorCode code = e instanceof MigrationException m ? m.code() : ErrorCode.STEP_FAILED;
        return Problem.of(code, "the check of step '" + step.id() + "' failed: " + describe(e),
                "a check that completes", "fix the cause named here, then check again");
    }

    /**
     * Runs the plan: lock, then per step check, apply and verify, journaled.
     *
     * @return the result
     */
    public MigrationResult run() {
        UUID runId = ids.newId();
        Instant startedAt = clock.instant();
        LockHolder me = new LockHolder(ProcessHandle.current().pid(), HostName.get(), startedAt, runId);
        List<String> notes = new ArrayList<>();
        try (RunLock lock = store.lock(me); Journal journal = store.openJournal()) {
            lock.staleHolder().ifPresent(h -> notes.add("took over the lock left by a run that is gone: " + h.describe()));
            JournalState state = journal.state();
            DefaultMigrationContext ctx = new DefaultMigrationContext(clock, ids, runId, control.current(), false,
                    journal, state.values(), listener);
            journal.append(new JournalEntry(JournalEntry.VERSION, JournalEntry.Type.RUN_STARTED, runId, startedAt,
                    null, steps.stream().map(MigrationStep::id).toList(), null, null, null, null, null));
            listener.planStarted(new MigrationEvent.PlanStarted(runId, startedAt,
                    steps.stream().map(MigrationStep::id).toList(), false));
            LOG.info("Migration run {} started: {} steps, state directory {}", runId, steps.size(), store);

            List<StepResult> results = new ArrayList<>();
            StepResult stoppedBy = null;
            PlanStatus status = PlanStatus.SUCCEEDED;
            PlatformState awaiting = null;
            for (MigrationStep step : steps) {
                if (stoppedBy != null || awaiting != null) {
                    results.add(notRun(step));
                    continue;
                }
                Optional<JournalState.Mark> verified = state.verified(step.id());
                if (verified.isPresent()) {
                    results.add(new StepResult(step.id(), step.description(), step.requiredState(),
                            StepStatus.VERIFIED_EARLIER, List.of(), null, Duration.ZERO, null,
                            "verified by run " + verified.get().runId() + " at " + verified.get().at()));
                    continue;
                }
                Optional<PlatformStop> platformStop = reachState(step.requiredState(), ctx, runId);
                if (platformStop.isPresent()) {
                    Problem p = platformStop.get().problem();
                    if (platformStop.get().pause()) {
                        awaiting = step.requiredState();
                        status = PlanStatus.PAUSED;
                        stoppedBy = new StepResult(step.id(), step.description(), step.requiredState(),
                                StepStatus.NOT_RUN, List.of(), null, Duration.ZERO, p.code(), p.message());
                        results.add(stoppedBy);
                    } else {
                        stoppedBy = new StepResult(step.id(), step.description(), step.requiredState(),
                                StepStatus.FAILED, List.of(), null, Duration.ZERO, p.code(), p.message());
                        results.add(stoppedBy);
                        status = PlanStatus.FAILED;
                    }
                    continue;
                }
                state.interrupted(step.id()).ifPresent(m -> notes.add("step '" + step.id()
                        + "' was interrupted in run " + m.runId() + " (started " + m.at() + "); it was checked and resumed"));
                StepResult result = execute(step, ctx, journal, runId);
                results.add(result);
                if (!result.status().isDone()) {
                    stoppedBy = result;
                    status = result.status() == StepStatus.BLOCKED ? PlanStatus.BLOCKED : PlanStatus.FAILED;
                }
            }
            Instant finishedAt = clock.instant();
            journal.append(new JournalEntry(JournalEntry.VERSION, JournalEntry.Type.RUN_FINISHED, runId, finishedAt,
                    null, null, null, null, status, stoppedBy == null ? null : stoppedBy.errorCode(), null));
            MigrationResult result = new MigrationResult(runId, status, startedAt, finishedAt, results,
                    stoppedBy == null ? null : stoppedBy.errorCode(),
                    stoppedBy == null ? null : "step '" + stoppedBy.stepId() + "': " + stoppedBy.message(),
                    awaiting, notes);
            LOG.info("Migration run {} finished: {}{}", runId, status,
                    stoppedBy == null ? "" : " at step '" + stoppedBy.stepId() + "': " + stoppedBy.message());
            listener.planFinished(new MigrationEvent.PlanFinished(result));
            return result;
        }
    }

    /** Why the platform could not be brought to a state; {@code pause} when the control cannot move it. */
    private record PlatformStop(Problem problem, boolean pause) {
    }

    /** Moves the platform forward to {@code needed}; says why not when it cannot. */
    private Optional<PlatformStop> reachState(PlatformState needed, DefaultMigrationContext ctx, UUID runId) {
        PlatformState current = control.current();
        if (current == needed) {
            ctx.platformState(current);
            return Optional.empty();
        }
        if (current.compareTo(needed) > 0) {
            return Optional.of(new PlatformStop(Problem.of(ErrorCode.PLATFORM_STATE,
                    "the platform is already in state " + current + " (" + current.description() + ")",
                    "state " + needed + " for the next step, which must run before the platform leaves that state",
                    "a plan never moves the platform backwards: bring it back to " + needed
                            + " or restore the backup, then run again"), false));
        }
        try {
            if (current == PlatformState.SOURCE_RUNNING) {
                transition(runId, current, PlatformState.UNDEPLOYED);
                control.undeploy();
                control.awaitUndeployed(platformTimeout);
                current = PlatformState.UNDEPLOYED;
            }
            if (needed == PlatformState.TARGET_RUNNING) {
                transition(runId, current, PlatformState.TARGET_RUNNING);
                control.deploy();
                control.awaitReady(platformTimeout);
            }
        } catch (MigrationException e) {
            // A control that cannot move the platform says so with PLATFORM_STATE: the plan pauses.
            boolean cannotMove = e.code() == ErrorCode.PLATFORM_STATE;
            return Optional.of(new PlatformStop(e.problem().orElse(Problem.of(e.code(), e.getMessage(),
                    "the platform in state " + needed, "move the platform to " + needed + " yourself, then run again")),
                    cannotMove));
        } catch (RuntimeException e) {
            return Optional.of(new PlatformStop(Problem.of(ErrorCode.PLATFORM_STATE, "moving the platform to " + needed
                    + " failed: " + describe(e), "the platform in state " + needed, "move the platform to " + needed
                    + " yourself, then run again with PlatformControl.assumeState(PlatformState." + needed + ")"), false));
        }
        PlatformState reached = control.current();
        ctx.platformState(reached);
        if (reached != needed) {
            return Optional.of(new PlatformStop(Problem.of(ErrorCode.PLATFORM_STATE, "the PlatformControl reports state "
                            + reached + " after moving the platform", "state " + needed,
                    "check the PlatformControl implementation: current() must report the state it moved to"), false));
        }
        return Optional.empty();
    }

    private void transition(UUID runId, PlatformState from, PlatformState to) {
        LOG.info("Moving the platform from {} to {}", from, to);
        listener.platformTransition(new MigrationEvent.PlatformTransition(runId, from, to, clock.instant()));
    }

    private StepResult execute(MigrationStep step, DefaultMigrationContext ctx, Journal journal, UUID runId) {
        Instant start = clock.instant();
        ctx.enterStep(step.id());
        listener.stepStarted(new MigrationEvent.StepStarted(runId, step.id(), step.requiredState(), start));
        journal.append(JournalEntry.of(JournalEntry.Type.STEP_STARTED, runId, start, step.id()));
        LOG.info("Step '{}': {}", step.id(), step.description());
        StepResult result;
        List<Change> changes = List.of();
        Verification verification = null;
        String phase = "check";
        try {
            StepCheck check = step.check(ctx);
            if (check == null) {
                throw new IllegalStateException("check() returned null");
            }
            if (check instanceof StepCheck.Blocked blocked) {
                Problem p = blocked.problem();
                journal.append(new JournalEntry(JournalEntry.VERSION, JournalEntry.Type.STEP_BLOCKED, runId,
                        clock.instant(), step.id(), null, null, null, null, p.code(), p.message()));
                result = stepResult(step, StepStatus.BLOCKED, List.of(), null, start, p.code(), p.message());
            } else if (check instanceof StepCheck.Waiting waiting) {
                throw new MigrationException(ErrorCode.STEP_FAILED, "step '" + step.id() + "' says it waits for "
                        + waiting.stepIds() + " (" + waiting.reason() + "), but they are done; a step may wait only in a "
                        + "dry-run", null);
            } else if (check instanceof StepCheck.Deferred deferred) {
                throw new MigrationException(ErrorCode.PLATFORM_STATE, "step '" + step.id() + "' deferred its check to state "
                        + deferred.state() + " (" + deferred.reason() + ") although the platform is in " + ctx.platformState()
                        + ", the state the step requires; the step should require " + deferred.state(), null);
            } else {
                String detail = null;
                if (check instanceof StepCheck.Pending) {
                    phase = "apply";
                    List<Change> applied = step.apply(ctx);
                    changes = applied == null ? List.of() : applied;
                    journal.append(JournalEntry.of(JournalEntry.Type.STEP_APPLIED, runId, clock.instant(), step.id()));
                } else {
                    detail = ((StepCheck.UpToDate) check).detail();
                }
                phase = "verify";
                verification = step.verify(ctx);
                if (verification == null) {
                    throw new IllegalStateException("verify() returned null");
                }
                if (verification.passed()) {
                    journal.append(JournalEntry.of(JournalEntry.Type.STEP_VERIFIED, runId, clock.instant(), step.id()));
                    result = stepResult(step, detail == null ? StepStatus.APPLIED : StepStatus.UP_TO_DATE, changes,
                            verification, start, null, detail);
                } else {
                    String message = "verification failed: " + verification.describeFailures();
                    journal.append(new JournalEntry(JournalEntry.VERSION, JournalEntry.Type.STEP_FAILED, runId,
                            clock.instant(), step.id(), null, null, null, null, ErrorCode.VERIFICATION_FAILED, message));
                    result = stepResult(step, StepStatus.VERIFICATION_FAILED, changes, verification, start,
                            ErrorCode.VERIFICATION_FAILED, message);
                }
            }
        } catch (RuntimeException e) {
            ErrorCode code = e instanceof MigrationException m ? m.code() : ErrorCode.STEP_FAILED;
            String message = phase + " failed: " + describe(e);
            LOG.error("Step '{}' failed in {}", step.id(), phase, e);
            journal.append(new JournalEntry(JournalEntry.VERSION, JournalEntry.Type.STEP_FAILED, runId, clock.instant(),
                    step.id(), null, null, null, null, code, message));
            result = stepResult(step, StepStatus.FAILED, changes, verification, start, code, message);
        }
        LOG.info("Step '{}' {}{}", step.id(), result.status(), result.message() == null ? "" : ": " + result.message());
        listener.stepFinished(new MigrationEvent.StepFinished(runId, result));
        return result;
    }

    private StepResult stepResult(MigrationStep step, StepStatus status, List<Change> changes, Verification verification,
                                  Instant start, ErrorCode code, String message) {
        return new StepResult(step.id(), step.description(), step.requiredState(), status, changes, verification,
                Duration.between(start, clock.instant()), code, message);
    }

    private static StepResult notRun(MigrationStep step) {
        return new StepResult(step.id(), step.description(), step.requiredState(), StepStatus.NOT_RUN, List.of(), null,
                Duration.ZERO, null, null);
    }

    private static String describe(RuntimeException e) {
        if (e instanceof MigrationException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
