package dev.kaapanamigrate.postgres.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Proof, cheap and taken from the server, that tables a migration's transaction did not write are still as they were
 * when the migration read them, so that the verification in the same run may take the migration's digests of them as
 * they are now instead of reading every row again (issue 19: each full pass at most once per run).
 *
 * <p>Taken at the end of the migration's transaction, after its last statement: (1) the transaction wrote no row of
 * those tables ({@code pg_stat_get_xact_tuples_inserted/updated/deleted}, which count the current transaction's own
 * writes exactly, not the shared statistics that arrive late) and none was truncated or rewritten (same file node as
 * when the transaction locked them); (2) every transaction id below this transaction's has completed and none above
 * it has ({@code pg_current_snapshot()}: no id in progress, {@code xmax} = this transaction's id). It holds in the
 * verification when the server's next completed-id horizon is exactly one above the migration's id: every write
 * needs a transaction id, so no transaction that could have written anything, in any database of the server, has
 * completed since the migration committed (one still running is invisible to the verification's reads anyway). The
 * server must be the same one, not restarted (start time and database oid compared). Anything else, including a
 * verification in another run or another process (the fence lives only in the step's memory, keyed by run, never in
 * the journal), reads the tables again.
 *
 * @param runId         the run whose migration took it
 * @param database      the database's oid
 * @param serverStarted the server's start time, as text
 * @param xid           the migration's transaction id
 * @param tables        the tables it vouches for
 */
public record QuietFence(UUID runId, long database, String serverStarted, long xid, Set<String> tables) {

    /**
     * The file nodes of tables, to compare at the end of the transaction.
     *
     * @param h      the handle, in the migration's transaction, holding locks that keep writers out
     * @param tables table names in {@code public}
     * @return table → file node
     */
    public static Map<String, Long> fileNodes(Handle h, Collection<String> tables) {
        Map<String, Long> nodes = new java.util.TreeMap<>();
        h.createQuery("SELECT c.relname, pg_relation_filenode(c.oid) FROM pg_class c WHERE c.relnamespace = "
                        + "'public'::regnamespace AND c.relkind = 'r' AND c.relname = ANY (?::text[])")
                .bindArray(0, String.class, List.copyOf(tables))
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2))).forEach(e -> nodes.put(e.getKey(), e.getValue()));
        return nodes;
    }

    /**
     * Takes the fence at the end of the migration's transaction, if it can vouch for the tables.
     *
     * @param h         the handle, in the migration's transaction, after its last write
     * @param runId     the run
     * @param fileNodes the tables' file nodes when the transaction locked them ({@link #fileNodes(Handle, Collection)})
     * @return the fence, or empty when the transaction wrote a row of one of them, one was rewritten, or another
     *         transaction was in progress or completed after this one began
     */
    public static Optional<QuietFence> take(Handle h, UUID runId, Map<String, Long> fileNodes) {
        if (!fileNodes(h, fileNodes.keySet()).equals(fileNodes)) {
            return Optional.empty();
        }
        long written = h.createQuery("SELECT coalesce(sum(pg_stat_get_xact_tuples_inserted(c.oid) "
                        + "+ pg_stat_get_xact_tuples_updated(c.oid) + pg_stat_get_xact_tuples_deleted(c.oid)), 0) "
                        + "FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' "
                        + "AND c.relname = ANY (?::text[])")
                .bindArray(0, String.class, List.copyOf(fileNodes.keySet())).mapTo(long.class).one();
        if (written != 0) {
            return Optional.empty();
        }
        return h.createQuery("SELECT pg_current_xact_id()::text::bigint, "
                        + "pg_snapshot_xmax(pg_current_snapshot())::text::bigint, "
                        + "(SELECT count(*) FROM pg_snapshot_xip(pg_current_snapshot())), "
                        + "(SELECT oid FROM pg_database WHERE datname = current_database()), pg_postmaster_start_time()::text")
                .map((rs, ctx) -> rs.getLong(2) == rs.getLong(1) && rs.getLong(3) == 0
                        ? Optional.of(new QuietFence(runId, rs.getLong(4), rs.getString(5), rs.getLong(1),
                        Set.copyOf(fileNodes.keySet())))
                        : Optional.<QuietFence>empty()).one();
    }

    /**
     * Whether the fence still holds: the same run, server and database, and no transaction completed since the
     * migration's.
     *
     * @param h     the handle, in the verification's transaction
     * @param runId the verification's run
     * @return whether the migration's digests of {@link #tables()} are the tables' digests now
     */
    public boolean holds(Handle h, UUID runId) {
        if (!this.runId.equals(runId)) {
            return false;
        }
        return h.createQuery("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint = ? "
                        + "AND (SELECT oid FROM pg_database WHERE datname = current_database()) = ? "
                        + "AND pg_postmaster_start_time()::text = ?")
                .bind(0, xid + 1).bind(1, database).bind(2, serverStarted).mapTo(boolean.class).one();
    }
}
