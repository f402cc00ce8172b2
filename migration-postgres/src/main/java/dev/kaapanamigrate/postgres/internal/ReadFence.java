package dev.kaapanamigrate.postgres.internal;

import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Proof, cheap and taken from the server, that nothing has been written on it since a read-only transaction began to
 * read ({@link #take}), or since a writing transaction committed ({@link #atCommit}): a step's check may then hand its
 * counts to its apply in the same run, and an apply what it read after its last write to its verification, instead of
 * the next stage reading every row again (issue 19: each full pass at most once per run).
 *
 * <p>Taken before the check's first read: every transaction id below the snapshot's {@code xmax} has completed (none
 * is in progress). It holds in the apply, after the apply has locked the tables it writes, when {@code xmax} is still
 * the same: {@code xmax} is one above the newest completed transaction id, and every write needs a transaction id, so
 * no transaction that could have changed anything, in any database of the server, has completed since the check
 * began to read. A transaction still running then is invisible to the apply's reads; one that writes a table the
 * apply locks has had to complete before the lock was granted, which moved {@code xmax}. The server must be the same
 * one, not restarted (start time and database oid compared). The one exception: transactions of the same run that
 * wrote only other databases of the server ({@link OwnWrites}, the run's own schema migrations), which cannot have
 * changed this one. Anything else, including an apply in another run or another process (the fence lives only in the
 * step's memory, keyed by run, never in the journal), reads again.
 *
 * @param runId         the run whose check took it
 * @param database      the database's oid
 * @param serverStarted the server's start time, in microseconds since the epoch
 * @param xmax          the horizon that must not have moved: one above the newest transaction id completed when the
 *                      check began to read, or when the writing transaction committed
 */
public record ReadFence(UUID runId, long database, long serverStarted, long xmax) {

    /** The current database's oid: a fence holds only in the database it was taken in. */
    static final String DATABASE = "(SELECT oid FROM pg_database WHERE datname = current_database())";

    /**
     * Takes the fence; call it before the check's first read of what it vouches for, in the check's transaction.
     *
     * @param h     the handle
     * @param runId the run
     * @return the fence, or empty while a transaction with an id below the snapshot's {@code xmax} is in progress (one
     *         whose id is not below it is not listed; its end moves {@code xmax}, which is what {@link #holds} tests)
     */
    public static Optional<ReadFence> take(Handle h, UUID runId) {
        return h.createQuery("SELECT pg_snapshot_xmax(s)::text::bigint, (SELECT count(*) FROM pg_snapshot_xip(s)), "
                        + DATABASE + ", "
                        + QuietFence.SERVER_STARTED + " FROM pg_current_snapshot() s")
                .map((rs, ctx) -> rs.getLong(2) == 0
                        ? Optional.of(new ReadFence(runId, rs.getLong(3), rs.getLong(4), rs.getLong(1)))
                        : Optional.<ReadFence>empty()).one();
    }

    /**
     * Takes, as the last statement of a writing transaction, the fence its commit leaves: a later transaction of the same
     * run may then take what this one read after its last write (a verification, an apply's scan of what it wrote)
     * instead of reading every row again.
     *
     * <p>Taken only when no other transaction is in progress with an id below the snapshot's {@code xmax} (the own id
     * is never listed) and the own id is not above {@code xmax}: every id below it then has completed or is the own one,
     * and a transaction still running holds an id above the own one (ids grow). Once this one has committed, and as long
     * as nothing else completes, {@code xmax} is the larger of the two horizons, {@code xmax} and the own id + 1; any
     * other transaction completing later holds an id above both and moves it further. (With the own id above
     * {@code xmax}, an older transaction still running would not be listed, and its end after this commit would not move
     * the horizon: refused.) The caller keeps the fence only once the commit succeeded.
     *
     * @param h     the handle, in the writing transaction, after its last write and its last read
     * @param runId the run
     * @return the fence, or empty while another transaction could still complete unseen
     */
    public static Optional<ReadFence> atCommit(Handle h, UUID runId) {
        return h.createQuery("SELECT pg_current_xact_id()::text::bigint, pg_snapshot_xmax(s)::text::bigint, "
                        + "(SELECT count(*) FROM pg_snapshot_xip(s)), "
                        + DATABASE + ", "
                        + QuietFence.SERVER_STARTED + " FROM pg_current_snapshot() s")
                .map((rs, ctx) -> {
                    long own = rs.getLong(1);
                    long xmax = rs.getLong(2);
                    return rs.getLong(3) == 0 && own <= xmax
                            ? Optional.of(new ReadFence(runId, rs.getLong(4), rs.getLong(5), Math.max(xmax, own + 1)))
                            : Optional.<ReadFence>empty();
                }).one();
    }

    /**
     * Whether the fence still holds: the same run, server and database, and no transaction completed since it was taken
     * but the run's own migrations of other databases of the server ({@link OwnWrites}).
     *
     * @param h     the handle, in the apply's transaction, after its locks and before its first write
     * @param runId the apply's run
     * @return whether what the check read is what the database holds now
     */
    public boolean holds(Handle h, UUID runId) {
        if (!this.runId.equals(runId)) {
            return false;
        }
        return h.createQuery("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint, "
                        + DATABASE + " = ? AND " + QuietFence.SERVER_STARTED + " = ?")
                .bind(0, database).bind(1, serverStarted)
                .map((rs, ctx) -> rs.getBoolean(2) && (rs.getLong(1) == xmax
                        || OwnWrites.elsewhere(runId, serverStarted, database, xmax, rs.getLong(1))))
                .one();
    }
}
