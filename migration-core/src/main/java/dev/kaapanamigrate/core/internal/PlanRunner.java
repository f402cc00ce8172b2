package dev.kaapanamigrate.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.CrashPoints;
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
import dev.kaapanamigrate.core.PreconditionFailedException;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs, dry-runs and verifies a plan: the flow of {@code MigrationPlan.run()}, {@code check()} and {@code verify()}.
 *
 * <p>What the journal records as done is trusted only as far as the installation bears it out: a journal of another
 * installation is refused; a step of the current state that the journal records as verified is checked again and must
 * be up to date; a step of a state the platform has left is trusted only when the journal is bound to this
 * installation. Before a run changes anything in a platform state it checks every step of that state it can check
 * (the look-ahead), and refuses with every problem found.
 */
public final class PlanRunner {

    private static final Logger LOG = LoggerFactory.getLogger(PlanRunner.class);

    private final List<MigrationStep> steps;
    private final Map<String, List<String>> dependencies;
    private final PlatformControl control;
    private final StateStore store;
    private final SafeListener listener;
    private final Clock clock;
    private final IdSource ids;
    private final Duration platformTimeout;
    private final Map<String, JsonNode> givenValues;

    /**
     * Creates a runner for validated, ordered steps.
     *
     * @param steps           the steps in run order
     * @param dependencies    per step id, the steps that must be done first
     * @param control         the platform control
     * @param store           the journal, lock and file areas
     * @param listener        the listeners
     * @param clock           the clock
     * @param ids             the id source
     * @param platformTimeout how long to wait for a platform transition
     * @param givenValues     context values the caller gave, by key name, as JSON
     */
    public PlanRunner(List<MigrationStep> steps, Map<String, List<String>> dependencies, PlatformControl control,
                      StateStore store, SafeListener listener, Clock clock, IdSource ids, Duration platformTimeout,
                      Map<String, JsonNode> givenValues) {
        this.steps = steps;
        this.dependencies = dependencies;
        this.control = control;
        this.store = store;
        this.listener = listener;
        this.clock = clock;
        this.ids = ids;
        this.platformTimeout = platformTimeout;
        this.givenValues = givenValues;
    }

    private List<String> dependenciesOf(MigrationStep step) {
        return dependencies.getOrDefault(step.id(), List.of());
    }

    /** Journaled values, then the caller's (which win). */
    private Map<String, JsonNode> startingValues(JournalState journal, boolean useJournal) {
        Map<String, JsonNode> values = new LinkedHashMap<>(useJournal ? journal.values() : Map.of());
        values.putAll(givenValues);
        return values;
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
        List<Problem> planProblems = new ArrayList<>(store.problems());
        JournalState journal = new JournalState();
        if (store.exists() && planProblems.isEmpty()) {
            try {
                journal = store.readJournal();
            } catch (MigrationException e) {
                planProblems.add(e.problem().orElse(Problem.of(e.code(), StepExecution.describe(e),
                        "a readable journal", e.code().remedy())));
            }
        }
        JournalTrust trust = JournalTrust.assess(store, journal);
        if (trust.mismatch() != null) {
            planProblems.add(trust.mismatch());
        }
        PlatformState state = currentState();
        DefaultMigrationContext ctx = new DefaultMigrationContext(clock, ids, runId, state, DefaultMigrationContext.Mode.DRY_RUN,
                null, startingValues(journal, trust.mismatch() == null), listener, store.fileAreas());
        listener.previewStarted(new MigrationEvent.PreviewStarted(runId, at, stepIds()));
        List<StepPreview> previews = new ArrayList<>();
        Set<String> notDone = new HashSet<>();
        Set<String> cannotRun = new HashSet<>();
        try {
            for (MigrationStep step : steps) {
                ctx.enterStep(step.id());
                listener.stepStarted(new MigrationEvent.StepStarted(runId, step.id(), step.requiredState(), clock.instant()));
                StepCheck check = previewOf(step, journal, trust, state, ctx, notDone);
                if (check instanceof StepCheck.Waiting w) {
                    List<String> behind = w.stepIds().stream().filter(cannotRun::contains).toList();
                    if (!behind.isEmpty()) {
                        // Not "add the producing step": it is in the plan, but it cannot run.
                        check = StepCheck.waitingFor(w.stepIds(), "it waits for " + String.join(", ", behind)
                                + ", which cannot run as things are: fix that first");
                        cannotRun.add(step.id());
                    }
                } else if (check instanceof StepCheck.Blocked) {
                    cannotRun.add(step.id());
                }
                if (!(check instanceof StepCheck.UpToDate) && !(check instanceof StepCheck.Skipped)) {
                    notDone.add(step.id());
                }
                StepPreview preview = new StepPreview(step.id(), step.description(), step.requiredState(), check);
                previews.add(preview);
                listener.stepChecked(new MigrationEvent.StepChecked(runId, preview));
            }
        } finally {
            ctx.closeResources();
        }
        PlanPreview preview = new PlanPreview(runId, at, state, previews, planProblems);
        listener.previewFinished(new MigrationEvent.PreviewFinished(preview));
        return preview;
    }

    private StepCheck previewOf(MigrationStep step, JournalState journal, JournalTrust trust, PlatformState state,
                                DefaultMigrationContext ctx, Set<String> notDone) {
        int order = step.requiredState().compareTo(state);
        Optional<JournalState.Mark> verified = trust.mismatch() == null ? journal.verified(step.id()) : Optional.empty();
        if (verified.isPresent()) {
            if (order < 0) {
                return trust.bound() ? StepCheck.upToDate(verifiedEarlier(verified.get()))
                        : new StepCheck.Blocked(JournalTrust.unboundLeftState(store, step.id(), step.requiredState(), state));
            }
            if (order > 0) {
                return StepCheck.upToDate(verifiedEarlier(verified.get()) + "; checked again in state " + step.requiredState());
            }
            StepCheck now = safeCheck(step, ctx, List.of(), state);
            return now instanceof StepCheck.UpToDate ? StepCheck.upToDate(verifiedEarlier(verified.get()))
                    : new StepCheck.Blocked(JournalTrust.contradicted(store, step.id(), verified.get(), now));
        }
        if (order < 0) {
            Optional<String> skip = step.optionalOnceStatePassed();
            if (skip.isPresent()) {
                return new StepCheck.Skipped(skip.get());
            }
            // run() would refuse it: say so here too.
            return new StepCheck.Blocked(platformPast(state, step.requiredState()));
        }
        List<String> waitingFor = dependenciesOf(step).stream().filter(notDone::contains).distinct().toList();
        return safeCheck(step, ctx, waitingFor, state);
    }

    /** A check that never throws: a failure is waiting, deferred or blocked, as a dry-run reports it. */
    private StepCheck safeCheck(MigrationStep step, DefaultMigrationContext ctx, List<String> waitingFor,
                                PlatformState state) {
        try {
            StepCheck check = step.check(ctx);
            if (check == null) {
                throw new IllegalStateException("check() returned null");
            }
            return check;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            if (step.requiredState().compareTo(state) > 0) {
                // Before anything else: in this state the step's check cannot run at all.
                return StepCheck.deferred(step.requiredState(), "it cannot be checked while " + state.description()
                        + " (" + StepExecution.describe(e) + ")");
            }
            if (!waitingFor.isEmpty()) {
                // The step's input is what its dependencies will produce: it cannot be checked yet.
                String reason = e instanceof MigrationException m && m.code() == CoreErrorCode.CONTEXT_VALUE_MISSING
                        ? "its check needs what they produce" : "its check needs their changes (" + StepExecution.describe(e) + ")";
                return StepCheck.waitingFor(waitingFor, reason);
            }
            if (e instanceof MigrationException m && m.problem().isPresent()) {
                // a coded problem with its own fix: the blocker is that problem, not a generic "check failed"
                LOG.debug("Check of step '{}' is blocked: {}", step.id(), m.problem().get().message());
                return new StepCheck.Blocked(m.problem().get());
            }
            LOG.warn("Check of step '{}' failed", step.id(), e);
            return new StepCheck.Blocked(Problem.of(StepExecution.codeOf(e), "the check of step '" + step.id()
                    + "' failed: " + StepExecution.describe(e), "a check that completes",
                    "fix the cause named here, then check again"));
        }
    }

    // -------------------------------------------------------------------------------------------------- run

    /**
     * Runs the plan: lock, then per step check, apply and verify, journaled.
     *
     * @return the result
     */
    public MigrationResult run() {
        List<Problem> problems = store.problems();
        if (!problems.isEmpty()) {
            throw new PreconditionFailedException(combine(problems, "the run cannot keep its journal and lock in " + store));
        }
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
        private final JournalTrust trust;
        private final DefaultMigrationContext ctx;
        private final List<String> notes = new ArrayList<>();
        private final Map<String, StepResult> results = new LinkedHashMap<>();
        /** Steps of the current state that the look-ahead could not check yet. */
        private final Set<String> unchecked = new LinkedHashSet<>();
        /** Journal-verified steps of the current state whose check the look-ahead found up to date. */
        private final Set<String> confirmed = new HashSet<>();
        private final Set<String> done = new HashSet<>();
        /** Look-ahead checks valid as the step's own check while no step was applied since. */
        private final Map<String, ReusableCheck> reusable = new HashMap<>();
        private final Stop[] refusedBy = new Stop[1];
        private int applies;
        private PlatformState lookedAhead;
        private boolean journalFailed;

        Run(UUID runId, Instant startedAt, Journal journal, RunLock lock) {
            this.runId = runId;
            this.startedAt = startedAt;
            this.journal = journal;
            this.state = journal.state();
            this.trust = JournalTrust.assess(store, state);
            this.ctx = new DefaultMigrationContext(clock, ids, runId, null, DefaultMigrationContext.Mode.RUN, journal,
                    startingValues(state, true), listener, store.fileAreas());
            lock.staleHolder().ifPresent(h -> notes.add("took over the lock left by a run that is gone: " + h.describe()));
        }

        MigrationResult execute() {
            List<String> stepIds = stepIds();
            if (trust.mismatch() != null) {
                // The journal is another installation's: record nothing in it, change nothing.
                return finish(PlanStatus.BLOCKED, trust.mismatch(), null, false);
            }
            journal.append(JournalEntry.runStarted(runId, startedAt, stepIds, store.installation().orElse(null)));
            listener.planStarted(new MigrationEvent.PlanStarted(runId, startedAt, stepIds));
            LOG.info("Migration run {} started: {} steps, state directory {}", runId, steps.size(), store);

            Problem stop = null;
            PlanStatus status = PlanStatus.SUCCEEDED;
            PlatformState awaiting = null;
            for (MigrationStep step : steps) {
                if (stop != null || results.containsKey(step.id())) {
                    continue;
                }
                Optional<JournalState.Mark> verified = state.verified(step.id());
                PlatformState now = currentOrNull();
                if (now != null && step.requiredState().compareTo(now) < 0) {
                    // A state already left: only the journal can say the step is done.
                    if (verified.isPresent() && trust.bound()) {
                        finished(verifiedEarlierResult(step, verified.get()));
                        continue;
                    }
                    if (verified.isPresent()) {
                        stop = JournalTrust.unboundLeftState(store, step.id(), step.requiredState(), now);
                        finished(StepExecution.result(step, StepStatus.BLOCKED, List.of(), null, Duration.ZERO, stop));
                        status = PlanStatus.BLOCKED;
                        continue;
                    }
                    Optional<String> skip = step.optionalOnceStatePassed();
                    if (skip.isPresent()) {
                        StepResult skipped = new StepResult(step.id(), step.description(), step.requiredState(),
                                StepStatus.SKIPPED, List.of(), null, Duration.ZERO, null, skip.get(), null);
                        finished(skipped);
                        listener.stepFinished(new MigrationEvent.StepFinished(runId, skipped));
                        continue;
                    }
                }
                Optional<PlatformStop> platformStop = reachState(step.requiredState());
                if (platformStop.isPresent()) {
                    stop = platformStop.get().problem();
                    boolean pause = platformStop.get().pause();
                    finished(StepExecution.result(step, pause ? StepStatus.NOT_RUN : StepStatus.FAILED, List.of(), null,
                            Duration.ZERO, stop));
                    status = pause ? PlanStatus.PAUSED : PlanStatus.FAILED;
                    awaiting = pause ? step.requiredState() : null;
                    continue;
                }
                if (lookedAhead != step.requiredState()) {
                    lookedAhead = step.requiredState();
                    Optional<Stop> refused = lookAheadOnEntry(step.requiredState());
                    if (refused.isPresent()) {
                        stop = refused.get().problem();
                        status = refused.get().status();
                        continue;
                    }
                }
                if (verified.isPresent() && confirmed.contains(step.id())) {
                    finished(verifiedEarlierResult(step, verified.get()));
                    continue;
                }
                StepResult result = executeStep(step, s -> refusedBy[0] = s);
                if (result == null) {
                    // the look-ahead refused before the step's apply; it recorded every stopped step
                    stop = refusedBy[0].problem();
                    status = refusedBy[0].status();
                    continue;
                }
                finished(result);
                if (!result.status().isDone()) {
                    stop = result.problem();
                    status = result.status() == StepStatus.BLOCKED ? PlanStatus.BLOCKED : PlanStatus.FAILED;
                } else if (journalFailed) {
                    stop = Problem.of(CoreErrorCode.JOURNAL_IO, "the journal could not be written; the run stopped after "
                            + "step '" + step.id() + "'", "a writable journal", "make the state directory writable and "
                            + "run again");
                    status = PlanStatus.FAILED;
                }
            }
            return finish(status, stop, awaiting, true);
        }

        private MigrationResult finish(PlanStatus status, Problem stop, PlatformState awaiting, boolean started) {
            notes.addAll(ctx.closeResources());
            Instant finishedAt = clock.instant();
            List<StepResult> ordered = new ArrayList<>();
            for (MigrationStep step : steps) {
                ordered.add(results.getOrDefault(step.id(), StepExecution.result(step, StepStatus.NOT_RUN, List.of(),
                        null, Duration.ZERO, null)));
            }
            ErrorCode code = stop == null ? null : stop.code();
            String message = stop == null ? null : messageOf(ordered, stop);
            PlanStatus ended = status == PlanStatus.SUCCEEDED && ordered.stream().anyMatch(r -> r.verification() != null
                    && !r.verification().unproven().isEmpty()) ? PlanStatus.INCOMPLETE : status;
            if (started) {
                record(JournalEntry.runFinished(runId, finishedAt, ended, code));
            }
            MigrationResult result = new MigrationResult(runId, ended, startedAt, finishedAt, ordered, code, message,
                    awaiting, notes, MigrationResult.Operation.RUN);
            LOG.info("Migration run {} finished: {}{}", runId, ended, message == null ? "" : " at " + message);
            if (started) {
                listener.planFinished(new MigrationEvent.PlanFinished(result));
            }
            return result;
        }

        private String messageOf(List<StepResult> ordered, Problem stop) {
            List<StepResult> blocked = ordered.stream().filter(r -> r.status() == StepStatus.BLOCKED).toList();
            if (blocked.size() > 1) {
                return blocked.size() + " steps are blocked; nothing of them was changed: " + blocked.stream()
                        .map(r -> "step '" + r.stepId() + "': " + r.message()).collect(Collectors.joining(" | "));
            }
            Optional<StepResult> at = ordered.stream().filter(r -> stop.equals(r.problem())).findFirst();
            return at.map(r -> "step '" + r.stepId() + "': " + (r.message() != null ? r.message() : stop.message()))
                    .orElse(stop.message());
        }

        private void finished(StepResult result) {
            results.put(result.stepId(), result);
            if (result.status().isDone() || result.status() == StepStatus.SKIPPED) {
                done.add(result.stepId());
            }
        }

        private StepResult verifiedEarlierResult(MigrationStep step, JournalState.Mark mark) {
            StepResult result = new StepResult(step.id(), step.description(), step.requiredState(),
                    StepStatus.VERIFIED_EARLIER, List.of(), mark.verification(), Duration.ZERO, null,
                    verifiedEarlier(mark), null);
            listener.stepFinished(new MigrationEvent.StepFinished(runId, result));
            return result;
        }

        /**
         * On entering a state: confirms the journal's verified steps of that state by their checks and checks every
         * other step of it that can be checked. Empty when nothing stops the run.
         */
        private Optional<Stop> lookAheadOnEntry(PlatformState platformState) {
            unchecked.clear();
            List<MigrationStep> ofState = steps.stream().filter(s -> s.requiredState() == platformState
                    && !results.containsKey(s.id())).toList();
            ofState.forEach(s -> unchecked.add(s.id()));
            return lookAhead(ofState);
        }

        /**
         * Checks steps in a look-ahead context. When a step is blocked, or its check fails while nothing it depends on
         * is still to be done, records every such step and returns why the run stops; nothing was changed by them.
         */
        private Optional<Stop> lookAhead(List<MigrationStep> candidates) {
            DefaultMigrationContext ahead = ctx.lookAhead();
            Set<String> notDoneYet = new HashSet<>();
            for (MigrationStep s : steps) {
                if (!done.contains(s.id()) && !confirmed.contains(s.id())) {
                    notDoneYet.add(s.id());
                }
            }
            List<StepResult> stopped = new ArrayList<>();
            for (MigrationStep step : candidates) {
                if (!unchecked.contains(step.id())) {
                    continue;
                }
                ahead.enterStep(step.id());
                Optional<JournalState.Mark> verified = state.verified(step.id());
                List<String> waitingFor = verified.isPresent() ? List.of()
                        : dependenciesOf(step).stream().filter(notDoneYet::contains).distinct().toList();
                boolean cleanBefore = !ahead.holdsOwnValues();
                Instant start = clock.instant();
                StepCheck check;
                try {
                    check = step.check(ahead);
                    if (check == null) {
                        throw new IllegalStateException("check() returned null");
                    }
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Throwable e) {
                    if (verified.isPresent()) {
                        // the journal says done, yet the step cannot even be checked: the installation changed
                        unchecked.remove(step.id());
                        stopped.add(StepExecution.result(step, StepStatus.BLOCKED, List.of(), null, Duration.ZERO,
                                JournalTrust.contradicted(store, step.id(), verified.get(),
                                        new StepCheck.Blocked(StepExecution.problemOf(e, step, "check")))));
                        continue;
                    }
                    if (!waitingFor.isEmpty()) {
                        continue; // its input is what its dependencies will produce: checked again later
                    }
                    unchecked.remove(step.id());
                    stopped.add(StepExecution.failed(step, e, "check", List.of(), null, clock, start, runId,
                            StepExecution.Recorder.NONE));
                    continue;
                }
                if (verified.isPresent()) {
                    unchecked.remove(step.id());
                    if (check instanceof StepCheck.UpToDate) {
                        confirmed.add(step.id());
                    } else {
                        stopped.add(StepExecution.result(step, StepStatus.BLOCKED, List.of(), null, Duration.ZERO,
                                JournalTrust.contradicted(store, step.id(), verified.get(), check)));
                    }
                    continue;
                }
                if (check instanceof StepCheck.Blocked b) {
                    unchecked.remove(step.id());
                    stopped.add(StepExecution.result(step, StepStatus.BLOCKED, List.of(), null, Duration.ZERO, b.problem()));
                } else if (check instanceof StepCheck.UpToDate || check instanceof StepCheck.Pending) {
                    unchecked.remove(step.id());
                    if (cleanBefore && !ahead.holdsOwnValues()) {
                        // Read nothing provisional and put nothing: valid as the step's own check until something changes.
                        reusable.put(step.id(), new ReusableCheck(check, applies));
                    }
                }
                // Waiting or deferred: checked again before the next change
            }
            if (stopped.isEmpty()) {
                return Optional.empty();
            }
            for (StepResult r : stopped) {
                // The step's problem is reported once, as its result (a LoggingListener warns with it) and in the run's
                // last line; logging it here as well made every look-ahead refusal appear twice.
                LOG.info("Look-ahead: step '{}' {} ({}); nothing is changed in this state", r.stepId(), r.status(),
                        r.errorCode() == null ? "no code" : r.errorCode().code());
                record(JournalEntry.stepStopped(r.status() == StepStatus.BLOCKED ? JournalEntry.Type.STEP_BLOCKED
                        : JournalEntry.Type.STEP_FAILED, runId, clock.instant(), r.stepId(), r.errorCode(), r.message()));
                results.put(r.stepId(), r);
                listener.stepFinished(new MigrationEvent.StepFinished(runId, r));
            }
            boolean anyFailed = stopped.stream().anyMatch(r -> r.status() == StepStatus.FAILED);
            return Optional.of(new Stop(anyFailed ? PlanStatus.FAILED : PlanStatus.BLOCKED, stopped.get(0).problem()));
        }

        /** Check, then (after the look-ahead allows it) apply and verify; {@code null} when the look-ahead refused. */
        private StepResult executeStep(MigrationStep step, java.util.function.Consumer<Stop> refusal) {
            ctx.enterStep(step.id());
            listener.stepStarted(new MigrationEvent.StepStarted(runId, step.id(), step.requiredState(), clock.instant()));
            LOG.info("Step '{}': {}", step.id(), step.description());
            Optional<JournalState.Mark> interrupted = state.interrupted(step.id());
            StepExecution.Recorder recorder = this::append;
            Instant start = clock.instant();
            StepCheck check;
            try {
                append(JournalEntry.of(JournalEntry.Type.STEP_STARTED, runId, start, step.id()));
                ReusableCheck cached = reusable.remove(step.id());
                check = cached != null && cached.appliesBefore() == applies ? cached.check() : step.check(ctx);
                if (check == null) {
                    throw new IllegalStateException("check() returned null");
                }
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                return report(step, StepExecution.failed(step, e, "check", List.of(), null, clock, start, runId, recorder),
                        interrupted);
            }
            unchecked.remove(step.id());
            if (check instanceof StepCheck.Pending && !unchecked.isEmpty()) {
                // Before a change, check the steps whose checks could not run yet, this one first (it may provide
                // provisional values they need).
                List<MigrationStep> ahead = new ArrayList<>();
                ahead.add(step);
                unchecked.add(step.id());
                steps.stream().filter(s -> unchecked.contains(s.id()) && s != step).forEach(ahead::add);
                Optional<Stop> refused = lookAhead(ahead);
                unchecked.remove(step.id());
                reusable.remove(step.id());
                if (refused.isPresent()) {
                    if (!results.containsKey(step.id())) {
                        record(JournalEntry.stepStopped(JournalEntry.Type.STEP_BLOCKED, runId, clock.instant(), step.id(),
                                refused.get().problem().code(), "not applied: the look-ahead found steps that cannot run"));
                        results.put(step.id(), StepExecution.result(step, StepStatus.NOT_RUN, List.of(), null,
                                Duration.ZERO, null));
                    }
                    refusal.accept(refused.get());
                    return null;
                }
            }
            if (check instanceof StepCheck.Pending) {
                applies++;
            }
            return report(step, StepExecution.execute(step, ctx, clock, runId, recorder, check), interrupted);
        }

        private StepResult report(MigrationStep step, StepResult result, Optional<JournalState.Mark> interrupted) {
            interrupted.ifPresent(m -> notes.add("step '" + step.id() + "' was interrupted in run " + m.runId()
                    + " (started " + m.at() + "); this run checked it again: " + result.status()));
            LOG.info("Step '{}' {}{}", step.id(), result.status(), result.message() == null ? "" : ": " + result.message());
            listener.stepFinished(new MigrationEvent.StepFinished(runId, result));
            return result;
        }

        /** Appends; a failure stops the run after the current step. */
        private void append(JournalEntry entry) {
            try {
                journal.append(entry);
            } catch (MigrationException e) {
                journalFailed = true;
                throw e;
            }
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

        private PlatformState currentOrNull() {
            try {
                return control.current();
            } catch (RuntimeException e) {
                return null;
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
                return Optional.of(new PlatformStop(Problem.of(CoreErrorCode.PLATFORM_STATE, "the PlatformControl could not "
                        + "tell the platform state: " + StepExecution.describe(e), "the platform state",
                        "check the PlatformControl"), false));
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
                    CrashPoints.reach("platform:before-undeploy");
                    control.undeploy();
                    CrashPoints.reach("platform:undeploy-requested");
                    transitionStarted(current, PlatformState.UNDEPLOYED);
                    control.awaitUndeployed(platformTimeout);
                    CrashPoints.reach("platform:undeployed");
                    current = PlatformState.UNDEPLOYED;
                    ctx.platformState(current);
                }
                if (needed == PlatformState.TARGET_RUNNING) {
                    CrashPoints.reach("platform:before-deploy");
                    control.deploy();
                    CrashPoints.reach("platform:deploy-requested");
                    transitionStarted(current, PlatformState.TARGET_RUNNING);
                    control.awaitReady(platformTimeout);
                    CrashPoints.reach("platform:deployed");
                }
            } catch (PlatformCannotMoveException e) {
                return Optional.of(new PlatformStop(PlatformCannotMoveException.pauseProblem(current, needed), true));
            } catch (RuntimeException e) {
                return Optional.of(new PlatformStop(Problem.of(e instanceof MigrationException m ? m.code()
                                : CoreErrorCode.PLATFORM_STATE, "moving the platform to " + needed + " failed: "
                                + StepExecution.describe(e), "the platform in state " + needed, "move the platform to "
                                + needed + " yourself, then run again with PlatformControl.assumeState(PlatformState."
                                + needed + ")"), false));
            }
            PlatformState reached = control.current();
            ctx.platformState(reached);
            if (reached != needed) {
                return Optional.of(new PlatformStop(Problem.of(CoreErrorCode.PLATFORM_STATE, "the PlatformControl reports "
                                + "state " + reached + " after moving the platform", "state " + needed,
                        "check the PlatformControl implementation: current() must report the state it moved to"), false));
            }
            return Optional.empty();
        }

        private void transitionStarted(PlatformState from, PlatformState to) {
            LOG.info("Moving the platform from {} to {}", from, to);
            listener.platformTransition(new MigrationEvent.PlatformTransition(runId, from, to, clock.instant()));
        }
    }

    // ------------------------------------------------------------------------------------------ verify-only

    /**
     * Runs every step's verify against the installation as it is now: the journal's "verified" marks are ignored, the
     * baselines it holds for this installation are used. Steps of a later platform state are not verified.
     *
     * @return the result
     */
    public MigrationResult verify() {
        UUID runId = ids.newId();
        Instant startedAt = clock.instant();
        LockHolder me = new LockHolder(ProcessHandle.current().pid(), HostName.get(), startedAt, runId);
        // Take the lock where a run made the state directory, so that no run changes things under the verification.
        RunLock lock = store.exists() && store.problems().isEmpty() ? store.lock(me) : null;
        try {
            return verifyLocked(runId, startedAt);
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }

    private MigrationResult verifyLocked(UUID runId, Instant startedAt) {
        JournalState journal = store.exists() ? store.readJournal() : new JournalState();
        JournalTrust trust = JournalTrust.assess(store, journal);
        List<String> notes = new ArrayList<>();
        PlatformState state = currentState();
        boolean useBaselines = trust.mismatch() == null && trust.bound();
        if (!useBaselines && journal.hasRuns()) {
            notes.add("the journal in " + store + " is not bound to this installation: its baselines were not used, so "
                    + "only postconditions are proven");
        }
        DefaultMigrationContext ctx = new DefaultMigrationContext(clock, ids, runId, state, DefaultMigrationContext.Mode.VERIFY,
                null, startingValues(journal, useBaselines), listener, store.fileAreas());
        listener.planStarted(new MigrationEvent.PlanStarted(runId, startedAt, stepIds()));
        List<StepResult> results = new ArrayList<>();
        try {
            for (MigrationStep step : steps) {
                if (step.requiredState().compareTo(state) > 0) {
                    results.add(new StepResult(step.id(), step.description(), step.requiredState(), StepStatus.NOT_RUN,
                            List.of(), null, Duration.ZERO, null, "verified once the platform is in state "
                            + step.requiredState(), null));
                    continue;
                }
                ctx.enterStep(step.id());
                listener.stepStarted(new MigrationEvent.StepStarted(runId, step.id(), step.requiredState(), clock.instant()));
                StepResult result = StepExecution.verifyOnly(step, ctx, clock, runId);
                results.add(result);
                listener.stepFinished(new MigrationEvent.StepFinished(runId, result));
            }
        } finally {
            notes.addAll(ctx.closeResources());
        }
        Optional<StepResult> failed = results.stream().filter(r -> r.status() == StepStatus.VERIFICATION_FAILED
                || r.status() == StepStatus.FAILED).findFirst();
        long failures = results.stream().filter(r -> r.status() == StepStatus.VERIFICATION_FAILED
                || r.status() == StepStatus.FAILED).count();
        boolean unproven = results.stream().anyMatch(r -> r.verification() != null && !r.verification().unproven().isEmpty());
        MigrationResult result = new MigrationResult(runId, failed.isPresent() ? PlanStatus.FAILED
                : unproven ? PlanStatus.INCOMPLETE : PlanStatus.SUCCEEDED,
                startedAt, clock.instant(), results, failed.map(StepResult::errorCode).orElse(null),
                failed.map(r -> failures + " step(s) did not verify; first: step '" + r.stepId() + "': " + r.message())
                        .orElse(null), null, notes, MigrationResult.Operation.VERIFY);
        listener.planFinished(new MigrationEvent.PlanFinished(result));
        return result;
    }

    // --------------------------------------------------------------------------------------------- shared

    /** Why a run stops before it changes anything. */
    private record Stop(PlanStatus status, Problem problem) {
    }

    /** A look-ahead check and how many applies preceded it. */
    private record ReusableCheck(StepCheck check, int appliesBefore) {
    }

    /** Why the platform could not be brought to a state; {@code pause} when the control cannot move it. */
    private record PlatformStop(Problem problem, boolean pause) {
    }

    private List<String> stepIds() {
        return steps.stream().map(MigrationStep::id).toList();
    }

    private PlatformState currentState() {
        PlatformState state = control.current();
        if (state == null) {
            throw new MigrationException(CoreErrorCode.PLATFORM_STATE, "The PlatformControl " + control
                    + " reports no current state; current() must return one.", null);
        }
        return state;
    }

    private static Problem platformPast(PlatformState current, PlatformState needed) {
        return Problem.of(CoreErrorCode.PLATFORM_STATE,
                "the platform is already in state " + current + " (" + current.description() + ")",
                "state " + needed + " for this step, which must run before the platform leaves that state",
                "a plan never moves the platform backwards: bring it back to " + needed
                        + " or restore the backup, then run again");
    }

    private static String verifiedEarlier(JournalState.Mark mark) {
        return "verified by run " + mark.runId() + " at " + mark.at();
    }

    /** Several problems as one: numbered findings and fixes, the first one's code. */
    static Problem combine(List<Problem> problems, String context) {
        if (problems.size() == 1) {
            return problems.get(0);
        }
        StringBuilder found = new StringBuilder(context).append(": ");
        StringBuilder fix = new StringBuilder();
        for (int i = 0; i < problems.size(); i++) {
            Problem p = problems.get(i);
            found.append(i == 0 ? "" : "; ").append(i + 1).append(") ").append(p.found());
            fix.append(i == 0 ? "" : "; ").append(i + 1).append(") ").append(p.fix());
        }
        return Problem.of(problems.get(0).code(), found.toString(), problems.get(0).expected(), fix.toString());
    }
}
