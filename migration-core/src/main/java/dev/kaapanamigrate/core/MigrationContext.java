package dev.kaapanamigrate.core;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/**
 * What a step sees while it checks, applies or verifies: a clock, an id source, the platform state, typed
 * values shared between steps, a file area of its own, and a way to report progress. A plan creates one per run;
 * custom tooling that calls a step directly creates one with {@link #standalone()} and closes it when done.
 *
 * <pre>{@code
 * try (StandaloneContext ctx = MigrationContext.standalone()) {
 *     StepResult result = StepRunner.run(step, ctx);      // check, apply if needed, verify
 * }
 * }</pre>
 */
public interface MigrationContext {

    /**
     * The clock to read time from; seeded in tests.
     *
     * @return the clock
     */
    Clock clock();

    /**
     * The source of new UUIDs; seeded in tests.
     *
     * @return the id source
     */
    IdSource ids();

    /**
     * The id of this run (or of this dry-run).
     *
     * @return the run id
     */
    UUID runId();

    /**
     * The state the platform is in now, as the plan's {@link PlatformControl} reports it.
     *
     * @return the platform state
     */
    PlatformState platformState();

    /**
     * Whether this is a dry-run ({@link MigrationPlan#check()}): only {@code check} is called and nothing may change;
     * a step that needs a server to check may rehearse on a copy of the data.
     *
     * @return {@code true} in a dry-run
     */
    boolean dryRun();

    /**
     * Whether this check is a preview whose values are provisional: a dry-run, or the look-ahead with which a run
     * checks every step of a platform state before it changes anything. A step whose apply would produce a value
     * later steps need (new project ids, say) may put a provisional one so that their checks can run; provisional
     * values are never journaled and never seen by apply or verify.
     *
     * @return {@code true} during a dry-run or a run's look-ahead
     */
    default boolean provisional() {
        return dryRun();
    }

    /**
     * A directory of the current step's own, for data too large for the context (listings, baselines): in a plan
     * with a state directory {@code <state directory>/steps/<step id>}, kept across runs like the journal (a run
     * moved to another state directory starts without it). During a run it is created on first call; in a dry-run or
     * a verify-only pass it is returned but never created (it exists when an earlier run wrote it). In a plan with
     * in-memory state or a standalone context it lies in a temporary directory removed when the plan object is no
     * longer used or the context is closed.
     *
     * @return the directory
     */
    java.nio.file.Path fileArea();

    /**
     * Reads a shared value.
     *
     * @param key the key
     * @param <T> the value type
     * @return the value, or empty when no step put it
     */
    <T> Optional<T> get(ContextKey<T> key);

    /**
     * Reads a shared value that an earlier step must have put.
     *
     * @param key the key
     * @param <T> the value type
     * @return the value
     * @throws PreconditionFailedException with code {@link CoreErrorCode#CONTEXT_VALUE_MISSING} when absent
     */
    default <T> T require(ContextKey<T> key) {
        return get(key).orElseThrow(() -> new PreconditionFailedException(Problem.of(CoreErrorCode.CONTEXT_VALUE_MISSING,
                "no value for '" + key.name() + "' in the migration context",
                "an earlier step to have put it",
                "add the step that produces '" + key.name() + "' to the plan before this one, or give the value with "
                        + "MigrationPlan.Builder.contextValue(...)")));
    }

    /**
     * Shares a value with later steps (and, during a run, with a resumed run: it is journaled).
     *
     * @param key   the key
     * @param value the value, plain data without secrets
     * @param <T>   the value type
     */
    <T> void put(ContextKey<T> key, T value);

    /**
     * Shares bookkeeping that must survive a crash even when it is put during a check: the process id of a server a
     * check started, say, which the next run must stop if this one is killed. During a run it is journaled, also from
     * the run's look-ahead checks (where {@link #put} keeps values provisional); elsewhere it is {@link #put}.
     *
     * @param key   the key
     * @param value the value, plain data without secrets
     * @param <T>   the value type
     */
    default <T> void putDurable(ContextKey<T> key, T value) {
        put(key, value);
    }

    /**
     * Reports progress of the current step to the plan's listeners.
     *
     * @param done  how many units are done
     * @param total how many units there are, or -1 when unknown
     * @param unit  what is counted, for example {@code "rows"} or {@code "objects"}
     */
    void progress(long done, long total, String unit);

    /**
     * Reports progress of the current step and names the unit just finished, for example
     * {@code ctx.progress(2, 4, "tables migrated", "identifier2dataset")}.
     *
     * <p>This default drops {@code item} and calls {@link #progress(long, long, String)}; the plan's own context passes
     * it on in {@link MigrationEvent.StepProgress#item()}.
     *
     * @param done  how many units are done
     * @param total how many units there are, or -1 when unknown
     * @param unit  what is counted
     * @param item  the unit just finished; {@code null} is taken as none
     */
    default void progress(long done, long total, String unit, String item) {
        progress(done, total, unit);
    }

    /**
     * Hands a resource the step opened for later steps of the same platform state (a temporary database
     * server, say) to the plan, which closes it, in reverse order of registration, before it moves the
     * platform to another state and when the run or dry-run ends, whether it succeeded or not. A failure
     * to close is logged and noted in the result; it does not fail the run. A {@linkplain #standalone()
     * standalone} context closes what was registered when it is closed itself.
     *
     * @param resource the resource
     */
    void closeBeforeLeavingState(AutoCloseable resource);

    /**
     * Hands a resource that may stay open only while a runner drives the steps (a database connection kept for the
     * next transaction, say) to the context. A plan's run, dry-run or verification closes it with the resources of
     * {@link #closeBeforeLeavingState}: before the platform moves to another state and when the run ends. A
     * {@linkplain #standalone() standalone} context takes it only during a {@link StepRunner} call, and closes it when
     * that call returns. A step called directly ({@code check}, {@code apply} or {@code verify} on a standalone
     * context) has no runner: its caller may use the databases as soon as the call returns (copy one as a template,
     * drop it), so the context refuses, and the step must close the resource before it returns.
     *
     * <p>This default refuses: a context of the caller's own knows nothing of a runner's end.
     *
     * @param resource the resource
     * @return {@code true} when the context took the resource and will close it; {@code false} when it did not
     */
    default boolean closeWhenRunEnds(AutoCloseable resource) {
        return false;
    }

    /**
     * A context for calling steps directly, outside a plan: system clock, random ids, platform assumed
     * {@link PlatformState#UNDEPLOYED}, values kept in memory, progress ignored. Close it when done: that closes what
     * the steps registered and removes its file areas.
     *
     * @return a new context
     */
    static StandaloneContext standalone() {
        return new StandaloneContext(Clock.systemUTC(), IdSource.random(), PlatformState.UNDEPLOYED, false);
    }

    /**
     * A context for calling steps directly, with the given clock, ids and platform state.
     *
     * @param clock  the clock
     * @param ids    the id source
     * @param state  the state the platform is in
     * @param dryRun whether this is a dry-run
     * @return a new context
     */
    static StandaloneContext standalone(Clock clock, IdSource ids, PlatformState state, boolean dryRun) {
        return new StandaloneContext(clock, ids, state, dryRun);
    }
}
