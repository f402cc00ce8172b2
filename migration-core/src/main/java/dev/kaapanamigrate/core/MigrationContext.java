package dev.kaapanamigrate.core;

import dev.kaapanamigrate.core.internal.DefaultMigrationContext;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/**
 * What a step sees while it checks, applies or verifies: a clock, an id source, the platform state, typed
 * values shared between steps, and a way to report progress. A plan creates one per run; custom tooling
 * that calls a single step directly creates one with {@link #standalone()}.
 *
 * <pre>{@code
 * MigrationContext ctx = MigrationContext.standalone();
 * StepCheck check = step.check(ctx);
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
     * Whether this is a dry-run: only {@code check} is called and nothing may change.
     *
     * @return {@code true} in a dry-run
     */
    boolean dryRun();

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
     * @throws PreconditionFailedException with code {@link ErrorCode#CONTEXT_VALUE_MISSING} when absent
     */
    default <T> T require(ContextKey<T> key) {
        return get(key).orElseThrow(() -> new PreconditionFailedException(Problem.of(ErrorCode.CONTEXT_VALUE_MISSING,
                "no value for '" + key.name() + "' in the migration context",
                "an earlier step to have put it",
                "add the step that produces '" + key.name() + "' to the plan and name it in dependsOn()")));
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
     * standalone} context has no end: its caller closes what it registered with {@link #closeResources()}.
     *
     * @param resource the resource
     */
    void closeBeforeLeavingState(AutoCloseable resource);

    /**
     * Closes the resources registered with {@link #closeBeforeLeavingState(AutoCloseable)}, newest first,
     * now. Plans call this themselves; callers of standalone contexts call it when they are done.
     *
     * @return a message per resource that failed to close; empty when all closed
     */
    java.util.List<String> closeResources();

    /**
     * A context for calling steps directly, outside a plan: system clock, random ids, platform assumed
     * {@link PlatformState#UNDEPLOYED}, values kept in memory, progress ignored.
     *
     * @return a new context
     */
    static MigrationContext standalone() {
        return DefaultMigrationContext.standalone(Clock.systemUTC(), IdSource.random(), PlatformState.UNDEPLOYED, false);
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
    static MigrationContext standalone(Clock clock, IdSource ids, PlatformState state, boolean dryRun) {
        return DefaultMigrationContext.standalone(clock, ids, state, dryRun);
    }
}
