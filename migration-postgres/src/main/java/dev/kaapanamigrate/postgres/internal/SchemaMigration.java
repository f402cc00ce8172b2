package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.domain.ServiceDatabase;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opening the three database migration steps share, each phase in one transaction: check and apply read the
 * schema state first ({@link SchemaState}) and decide up to date / blocked / to migrate the same way (apply takes the
 * state from the step's last check while nothing was written since, and locks the step's tables before it reads
 * anything else); verify starts with the 0.5.2 catalogue and the head revision. The step
 * supplies only what is its own: what it reads and changes when the database is to be migrated, and its extra facts.
 *
 * @param db                 the database
 * @param resource           its name in the shipped schema descriptions ({@code aii}, {@code dwf}, {@code backend})
 * @param initialRevision    the revision upstream's 0.5.2 service records before it upgrades a 0.4 database
 * @param randomRevisionIs04 whether any 12-hex revision means a 0.4 database (the backend's boot-time autogenerate)
 * @param lockedTables       the tables apply locks ({@code ACCESS EXCLUSIVE}) before it reads the source
 */
public record SchemaMigration(ServiceDatabase db, String resource, String initialRevision, boolean randomRevisionIs04,
                              String lockedTables) {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigration.class);
    private static final String NOTHING_CHANGED = "nothing was changed";

    /**
     * Validates the parts.
     *
     * @param db                 the database
     * @param resource           its name in the shipped schema descriptions
     * @param initialRevision    upstream's initial revision
     * @param randomRevisionIs04 whether any 12-hex revision means a 0.4 database
     * @param lockedTables       the tables apply locks
     */
    public SchemaMigration {
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(initialRevision, "initialRevision");
        Objects.requireNonNull(lockedTables, "lockedTables");
    }

    /**
     * The step's own work on a database in a given state, inside the phase's transaction.
     *
     * @param <T> the result type
     */
    @FunctionalInterface
    public interface Work<T> {
        /**
         * Does the work.
         *
         * @param h     the handle, inside the transaction
         * @param state the database's state
         * @return the result
         * @throws SQLException on failure
         */
        T run(Handle h, SchemaState state) throws SQLException;
    }

    /**
     * The step's own facts, after the schema and revision facts.
     */
    @FunctionalInterface
    public interface Facts {
        /**
         * Adds facts.
         *
         * @param h the handle, inside the read-only transaction
         * @param v the facts so far
         * @throws SQLException on failure
         */
        void add(Handle h, Verification.Builder v) throws SQLException;
    }

    /**
     * Reads and judges the database's schema.
     *
     * @param h the handle, inside a transaction
     * @return the state
     */
    public SchemaState inspect(Handle h) {
        return SchemaState.inspect(h, resource, initialRevision, db.targetRevision(), randomRevisionIs04);
    }

    /**
     * What a check read from a database: a check the schema alone settles (without the owner's privileges, up to date,
     * or in a state the migration does not handle), or the state of a database to migrate and what the step read from
     * it. A {@link CheckMemo} keeps it, so that a later check of the same run, and the apply once it holds its locks,
     * take the reads instead of reading again while the fence holds; the check is judged from them each time, with
     * what the context holds then (the project list).
     *
     * @param settled the check, when the schema settles it, else {@code null}
     * @param state   the database's state
     * @param source  what the step read from a database to migrate, else {@code null}
     * @param <R>     what the step reads
     */
    public record Reading<R>(StepCheck settled, SchemaState state, R source) {
    }

    /**
     * The step's judgement of a database to migrate, from what it read.
     *
     * @param <R> what the step reads
     */
    @FunctionalInterface
    public interface Judge<R> {
        /**
         * Judges.
         *
         * @param state  the database's state
         * @param source what the step read
         * @return the check
         */
        StepCheck check(SchemaState state, R source);
    }

    /**
     * The check, read-only: blocked without the owner's privileges or for a state the migration does not handle, up to
     * date at head (with the plain description), else what {@code judge} says of what {@code read} read. The reads are
     * handed out again by {@code memo} (see {@link #remembered}) for equal {@code inputs}; with {@code null} inputs (a
     * read that would depend on what the context does not hold yet) they are always read.
     *
     * @param jdbi   the database
     * @param memo   the step's memo
     * @param ctx    the context
     * @param inputs what the reads take from the context or the options ({@code equals} compared), or {@code null}
     * @param read   the step's reads of a database to migrate
     * @param judge  the step's check from them
     * @param <R>    what the step reads
     * @return the check
     */
    public <R> StepCheck check(Jdbi jdbi, CheckMemo<Reading<R>> memo, MigrationContext ctx, Object inputs, Work<R> read,
                               Judge<R> judge) {
        return Sql.blockedWhenUnreachable(() -> {
            HandleCallback<Reading<R>, SQLException> reading = h -> {
                List<Reading<R>> toMigrate = new java.util.ArrayList<>(1);
                StepCheck settled = checkOn(h, upToDate(), (hh, state) -> {
                    toMigrate.add(new Reading<>(null, state, read.run(hh, state)));
                    return null;
                });
                return settled != null ? new Reading<>(settled, null, null) : toMigrate.get(0);
            };
            Reading<R> r = inputs == null ? Sql.read(jdbi, db.stableName(), "check", reading)
                    : remembered(jdbi, memo, ctx.runId(), inputs, reading);
            return r.settled() != null ? r.settled() : judge.check(r.state(), r.source());
        });
    }

    /**
     * A check's read-only transaction, or the last one's result handed out again: when {@code memo} may reuse it (the
     * same run, equal inputs, nothing written on the server since it began to read), else {@code read} with a
     * {@link ReadFence} taken before its first read, and its result kept.
     *
     * @param jdbi   the database
     * @param memo   the step's memo
     * @param runId  the run
     * @param inputs what the check takes from the context or its options ({@code equals} compared)
     * @param read   the check's reads
     * @param <T>    what the check gives
     * @return the result
     */
    public <T> T remembered(Jdbi jdbi, CheckMemo<T> memo, UUID runId, Object inputs,
                            HandleCallback<T, SQLException> read) {
        return Sql.read(jdbi, db.stableName(), "check", h -> {
            Optional<T> kept = memo.reuse(h, runId, inputs);
            if (kept.isPresent()) {
                LOG.debug("The {} database's check reads are handed out again: no transaction has completed on the "
                        + "server since, but this run's migrations of other databases", db.stableName());
                return kept.get();
            }
            Optional<ReadFence> fence = ReadFence.take(h, runId);
            T result = read.withHandle(h);
            memo.keep(fence, inputs, result);
            return result;
        });
    }

    /** A database at head: up to date, with the plain description of its state. */
    private Work<StepCheck> upToDate() {
        return (h, state) -> StepCheck.upToDate(db.stableName() + " is " + state.description());
    }

    /**
     * The check on a handle inside its transaction: blocked without the owner's privileges or for a state the migration
     * does not handle, else what {@code upToDate} or {@code pending} says.
     *
     * @param h        the handle
     * @param upToDate the step's check of a database at head with the 0.5.2 schema
     * @param pending  the step's check of a database to migrate
     * @return the check
     * @throws SQLException on failure
     */
    public StepCheck checkOn(Handle h, Work<StepCheck> upToDate, Work<StepCheck> pending) throws SQLException {
        Optional<Problem> denied = Privileges.ownerProblem(h, db, "migrates the schema and the rows");
        if (denied.isPresent()) {
            return new StepCheck.Blocked(denied.get());
        }
        SchemaState state = inspect(h);
        return switch (state.kind()) {
            case UP_TO_DATE -> upToDate.run(h, state);
            case BLOCKED -> new StepCheck.Blocked(DatabaseSteps.blocked(db, state));
            case MIGRATE -> pending.run(h, state);
        };
    }

    /**
     * Where a step's apply finds its last check in this run: the step's memo, what the check's reads took from the
     * context or the options, and the schema state of a database the check found to migrate.
     *
     * @param memo           the step's memo
     * @param inputs         what the apply's reads would take from the context or the options ({@code equals}
     *                       compared with the check's)
     * @param stateToMigrate gives the state a kept check read when it found the database to migrate, else
     *                       {@code null}
     * @param <K>            what the memo keeps
     */
    public record Checked<K>(CheckMemo<K> memo, Object inputs, java.util.function.Function<K, SchemaState> stateToMigrate) {
        /**
         * Validates the parts.
         *
         * @param memo           the memo
         * @param inputs         the inputs
         * @param stateToMigrate gives the state of a check that found the database to migrate
         */
        public Checked {
            Objects.requireNonNull(memo, "memo");
            Objects.requireNonNull(inputs, "inputs");
            Objects.requireNonNull(stateToMigrate, "stateToMigrate");
        }
    }

    /**
     * A step's migration, given what its last check in this run kept.
     *
     * @param <T> the result type
     * @param <K> what the memo keeps
     */
    @FunctionalInterface
    public interface Migration<T, K> {
        /**
         * Migrates.
         *
         * @param h     the handle, inside the transaction, the step's tables locked
         * @param state the database's state
         * @param kept  the step's last check in this run, when nothing was written since it read (then the step need
         *              not read again), else empty
         * @return the result
         * @throws SQLException on failure
         */
        T run(Handle h, SchemaState state, Optional<K> kept) throws SQLException;
    }

    /**
     * The migration, in one transaction committed at the end: refused without the owner's privileges or for a state
     * the migration does not handle (nothing changed), {@code atHead} for a database already migrated, else the step's
     * tables locked and {@code migrate}.
     *
     * <p>The schema state is the last check's when it found the database to migrate and nothing has completed on the
     * server since it read it but this run's migrations of other databases (see {@link ReadFence}): a schema change or
     * a new revision would have ended the fence. That spares each apply the catalogue's reading (20–30 ms a database).
     * The fence is looked at again once the tables are locked: the check itself goes to {@code migrate} then, and if the
     * fence ended between the two looks, the schema is read and judged again under the locks. The owner's privileges
     * are always checked again: they depend on the role the connection logs in as.
     *
     * @param jdbi    the database
     * @param ctx     the step's context: the transaction is one of the run's own ({@link OwnWrites})
     * @param checked where the step's last check is kept
     * @param atHead  what apply returns for a database at head with the 0.5.2 schema
     * @param migrate the migration
     * @param <T>     the result type
     * @param <K>     what the memo keeps
     * @return the result
     * @throws PreconditionFailedException without the owner's privileges or for a state the migration does not handle
     */
    public <T, K> T apply(Jdbi jdbi, MigrationContext ctx, Checked<K> checked, Work<T> atHead, Migration<T, K> migrate) {
        return Sql.write(jdbi, db.stableName(), "migration", h -> {
            // The connected role's own privileges, always: the check may have run as another role.
            Optional<Problem> denied = Privileges.ownerProblem(h, db, "migrates the schema and the rows");
            if (denied.isPresent()) {
                throw new PreconditionFailedException(denied.get());
            }
            Optional<SchemaState> fromCheck = checked.memo().reuse(h, ctx.runId(), checked.inputs())
                    .map(checked.stateToMigrate());
            if (fromCheck.isEmpty()) {
                return decide(h, ctx, inspect(h), false, atHead, migrate);
            }
            LOG.debug("The {} database's schema state is taken from the check for the apply: no transaction has "
                    + "completed on the server since, but this run's migrations of other databases", db.stableName());
            lock(h, ctx);
            Optional<K> kept = checked.memo().reuse(h, ctx.runId(), checked.inputs());
            if (kept.isPresent()) {
                return migrate.run(h, fromCheck.get(), kept);
            }
            LOG.debug("A transaction completed on the server before the {} database's tables were locked: its schema is "
                    + "read and judged again under the locks", db.stableName());
            return decide(h, ctx, inspect(h), true, atHead, migrate);
        });
    }

    /** Up to date, refused, or the tables locked (unless they are) and migrated without a kept check. */
    private <T, K> T decide(Handle h, MigrationContext ctx, SchemaState state, boolean locked, Work<T> atHead,
                            Migration<T, K> migrate) throws SQLException {
        return switch (state.kind()) {
            case UP_TO_DATE -> atHead.run(h, state);
            case BLOCKED -> throw new PreconditionFailedException(DatabaseSteps.blocked(db, state));
            case MIGRATE -> {
                if (!locked) {
                    lock(h, ctx);
                }
                // a check kept from before a completed transaction is no longer kept: the step reads
                yield migrate.run(h, state, Optional.empty());
            }
        };
    }

    /** Takes the step's locks in a transaction that is one of the run's own writes. */
    private void lock(Handle h, MigrationContext ctx) {
        OwnWrites.record(h, ctx); // it writes this database's tables only
        h.execute("LOCK TABLE " + lockedTables + " IN ACCESS EXCLUSIVE MODE");
    }

    /**
     * What a kept check read, for an apply that takes it instead of reading again; says so in the log.
     *
     * @param kept  the step's last check in this run, as {@link Migration#run} gets it
     * @param reads what the apply takes from it
     * @param <K>   what the memo keeps
     * @param <R>   what the step reads
     * @return the reads, or empty: then read
     */
    public <K, R> Optional<R> readsFrom(Optional<K> kept, java.util.function.Function<K, R> reads) {
        Optional<R> taken = kept.map(reads);
        if (taken.isPresent()) {
            LOG.info("The {} database's reads are taken from the check for the apply: no transaction has completed on "
                    + "the server since, but this run's migrations of other databases", db.stableName());
        }
        return taken;
    }

    /**
     * The verification, read-only: the catalogue equals the shipped 0.5.2 description and {@code alembic_version}
     * holds the head, then the step's own facts.
     *
     * @param jdbi  the database
     * @param facts the step's facts
     * @return the verification
     */
    public Verification verify(Jdbi jdbi, Facts facts) {
        return Sql.read(jdbi, db.stableName(), "verification", h -> {
            Verification.Builder v = Verification.builder();
            DatabaseSteps.verifySchema(h, db, resource, v);
            facts.add(h, v);
            return v.build();
        });
    }

    /**
     * What a check of a database to migrate says once the step read its source: blocked by the findings (nothing was
     * changed), else pending with the changes.
     *
     * @param findings what keeps the migration from running
     * @param changes  the changes it would make
     * @return the check
     */
    public static StepCheck pendingUnless(List<Finding> findings, Supplier<List<Change>> changes) {
        return findings.isEmpty() ? StepCheck.pending(changes.get())
                : new StepCheck.Blocked(Finding.problem(findings, NOTHING_CHANGED));
    }

    /**
     * What an apply does once it read the source of a database to migrate: refuses when there are findings (the
     * transaction rolls back, nothing was changed).
     *
     * @param findings what keeps the migration from running
     * @throws PreconditionFailedException naming every finding, when there is one
     */
    public static void refuseIf(List<Finding> findings) {
        if (!findings.isEmpty()) {
            throw new PreconditionFailedException(Finding.problem(findings, NOTHING_CHANGED));
        }
    }
}
