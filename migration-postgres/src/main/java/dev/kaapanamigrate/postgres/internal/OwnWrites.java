package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.core.MigrationContext;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;

/**
 * The transactions a run's own database migrations wrote in, so that a {@link ReadFence} taken in one database still
 * holds after the run migrated another database of the same server: a plan checks every step before its first change,
 * then applies them one by one, and each apply's commit moves the server's transaction horizon that the fences of the
 * other databases compare (issue 19: the backend's reads were taken again only because the access-information and
 * dicom-web-filter migrations had committed meanwhile).
 *
 * <p>Only transactions that write nothing but their own database's tables are recorded here (the three schema
 * migrations): a transaction is confined to the database it connected to, shared catalogues (roles, databases)
 * excepted, and these write none. A fence then holds when every transaction id assigned since it was taken belongs to
 * such a transaction of the same run in another database of the same server; any other id, a subtransaction's
 * included, still breaks it.
 *
 * <p>Kept in memory only, never in the journal, and only while a runner drives the steps: the run's entry is dropped
 * when the run ends or the platform moves ({@link MigrationContext#closeWhenRunEnds}); a step called directly records
 * nothing.
 */
public final class OwnWrites {

    /** How many transaction ids a fence looks through before it gives up and reads again. */
    private static final int MAX_IDS = 256;

    private record Write(long serverStarted, long database, long xid) {
    }

    private static final Map<UUID, Set<Write>> RUNS = new ConcurrentHashMap<>();

    private OwnWrites() {
    }

    /**
     * Records the current transaction as one of the run's own, writing only the current database's tables; call it
     * inside the transaction, before its first write.
     *
     * @param h   the handle, inside the writing transaction
     * @param ctx the step's context
     */
    public static void record(Handle h, MigrationContext ctx) {
        UUID runId = ctx.runId();
        Set<Write> writes = RUNS.get(runId);
        if (writes == null) {
            if (!ctx.closeWhenRunEnds(() -> RUNS.remove(runId))) {
                return;
            }
            writes = RUNS.computeIfAbsent(runId, id -> ConcurrentHashMap.newKeySet());
        }
        writes.add(h.createQuery("SELECT " + QuietFence.SERVER_STARTED + ", " + ReadFence.DATABASE
                        + ", pg_current_xact_id()::text::bigint")
                .map((rs, sc) -> new Write(rs.getLong(1), rs.getLong(2), rs.getLong(3))).one());
    }

    /**
     * Whether every transaction id from {@code from} (inclusive) to {@code to} (exclusive) is one of the run's own
     * writes on the given server in a database other than {@code database}.
     *
     * @param runId         the run
     * @param serverStarted the server's start time, in microseconds since the epoch
     * @param database      the database the fence vouches for
     * @param from          the first id
     * @param to            one above the last id
     * @return whether those transactions wrote nothing in {@code database}
     */
    static boolean elsewhere(UUID runId, long serverStarted, long database, long from, long to) {
        Set<Write> writes = RUNS.get(runId);
        if (writes == null || to < from || to - from > MAX_IDS) {
            return false;
        }
        for (long xid = from; xid < to; xid++) {
            long id = xid;
            if (writes.stream().noneMatch(w -> w.xid == id && w.serverStarted == serverStarted && w.database != database)) {
                return false;
            }
        }
        return true;
    }
}
