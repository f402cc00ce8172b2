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
 * writes exactly, not the shared statistics that arrive late; refused unless {@code track_counts} is on, without which
 * they stay 0), none was truncated or rewritten (same file node as when the transaction locked them) and none changed
 * its columns without writing a row ({@code ADD COLUMN … DEFAULT} a constant, {@code DROP COLUMN}, a binary-coercible
 * {@code ALTER COLUMN … TYPE}: the same {@code pg_attribute} rows, name, type, type modifier, dropped and has-missing,
 * as then); (2) no other transaction can complete unseen after its commit ({@link ReadFence#atCommit}: none in
 * progress below the snapshot's horizon, the own id not above it). It holds in the verification when the server's
 * completed-id horizon is still the one the migration's commit left: every write needs a transaction id, so no
 * transaction that could have written anything, in any database of the server, has completed since the migration
 * committed (one still running is invisible to the verification's reads anyway). The server must be the same one,
 * not restarted (start time, as microseconds since the epoch, and database oid compared). Anything else, including a
 * verification in another run or another process (the fence lives only in the step's memory, keyed by run, never in
 * the journal), reads the tables again.
 *
 * <p>It may also vouch for tables the transaction did write (a table rebuilt by one {@code INSERT … SELECT}), each
 * digested after the transaction's last statement on it: at the end, the transaction's counters of the table are still
 * those of that moment (no row inserted, updated or deleted since, and no {@code TRUNCATE}, which resets them), and
 * the table has the file node and columns it had then, so its digest then is its digest at the commit. What the
 * counters cannot tell: a {@code TRUNCATE} of a table created in the same transaction (which keeps its file node)
 * followed by as many inserted rows as before; hence the digest after the transaction's last statement on the table,
 * so that only statements on other tables and the fence's own reads follow it.
 *
 * @param horizon the fence the migration's commit left
 * @param tables  the tables it vouches for
 * @param rebuilt of those, the tables the transaction wrote, vouched for from their digests after the copy
 */
public record QuietFence(ReadFence horizon, Set<String> tables, Set<String> rebuilt) {

    /**
     * A table the migration's transaction wrote, as it was when digested after the transaction's last statement on it.
     *
     * @param state    its state then ({@link #tableStates(Handle, Collection)})
     * @param inserted the rows the transaction had inserted into it
     * @param changed  the rows the transaction had updated or deleted in it
     */
    public record Rebuilt(String state, long inserted, long changed) {

        /**
         * The table as it is now.
         *
         * @param h     the handle, in the migration's transaction, right after the table's digest
         * @param table the table, in {@code public}
         * @return its state and the transaction's counters of it
         */
        public static Rebuilt now(Handle h, String table) {
            long[] w = writes(h, List.of(table)).getOrDefault(table, new long[] {-1, -1});
            return new Rebuilt(tableStates(h, List.of(table)).get(table), w[0], w[1]);
        }
    }

    /**
     * A rebuilt table digested, and counted by a condition, in one scan after the transaction's last statement on it,
     * with its state then: the digest for the baseline, the state for {@link #take}, the count for the verification.
     *
     * @param counted its digest and the rows that met the condition
     * @param rebuilt its state and the transaction's counters of it, right after the digest
     */
    public record Digested(TableDigests.Counted counted, Rebuilt rebuilt) {

        /**
         * Digests and counts the table, then takes its state.
         *
         * @param h         the handle, in the migration's transaction, after its last statement on the table
         * @param table     the table, in {@code public}
         * @param query     the query of its business columns
         * @param condition what the counted rows meet, as SQL on the query's columns (alias {@code r})
         * @return the digest, the count and the state
         */
        public static Digested after(Handle h, String table, String query, String condition) {
            TableDigests.Counted counted = TableDigests.computeCounting(h, query, condition);
            return new Digested(counted, Rebuilt.now(h, table));
        }
    }

    /** The server's start time in microseconds since the epoch: a number, whatever the session's date settings. */
    static final String SERVER_STARTED = "(extract(epoch from pg_postmaster_start_time()) * 1000000)::bigint";

    /**
     * The state of tables to compare at the end of the transaction: each one's file node and a fingerprint of its
     * columns ({@code pg_attribute} rows with {@code attnum > 0}: number, name, type, type modifier,
     * {@code attisdropped}, {@code atthasmissing}).
     *
     * @param h      the handle, in the migration's transaction, holding locks that keep writers out
     * @param tables table names in {@code public}
     * @return table → file node and column fingerprint
     */
    public static Map<String, String> tableStates(Handle h, Collection<String> tables) {
        Map<String, String> states = new java.util.TreeMap<>();
        h.createQuery("SELECT c.relname, pg_relation_filenode(c.oid)::text || ' ' || coalesce((SELECT md5(string_agg("
                        + "concat_ws(',', a.attnum, a.attname, a.atttypid, a.atttypmod, a.attisdropped, a.atthasmissing), "
                        + "';' ORDER BY a.attnum)) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0), '') "
                        + "FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' "
                        + "AND c.relname = ANY (?::text[])")
                .bindArray(0, String.class, List.copyOf(tables))
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> states.put(e.getKey(), e.getValue()));
        return states;
    }

    /**
     * Takes the fence at the end of the migration's transaction, if it can vouch for the tables.
     *
     * @param h           the handle, in the migration's transaction, after its last write
     * @param runId       the run
     * @param tableStates the tables' states when the transaction locked them ({@link #tableStates(Handle, Collection)})
     * @return the fence, or empty when {@code track_counts} is off, the transaction wrote a row of one of them, one was
     *         rewritten or changed its columns, or another transaction could still complete unseen
     */
    public static Optional<QuietFence> take(Handle h, UUID runId, Map<String, String> tableStates) {
        return take(h, runId, tableStates, Map.of());
    }

    /**
     * Takes the fence at the end of the migration's transaction, if it can vouch for the tables it did not write and
     * for those it rebuilt.
     *
     * @param h         the handle, in the migration's transaction, after its last write
     * @param runId     the run
     * @param untouched the states of the tables it did not write, when it locked them
     * @param rebuilt   the tables it wrote, each as it was when digested after the transaction's last statement on it
     * @return the fence, or empty when {@code track_counts} is off, one of the tables was written otherwise (any row of
     *         an untouched table; a rebuilt one beyond its copy), rewritten or changed its columns, or another
     *         transaction could still complete unseen
     */
    public static Optional<QuietFence> take(Handle h, UUID runId, Map<String, String> untouched,
                                            Map<String, Rebuilt> rebuilt) {
        // Without track_counts the transaction's own counters stay 0 and prove nothing.
        if (!h.createQuery("SELECT current_setting('track_counts')::bool").mapTo(boolean.class).one()) {
            return Optional.empty();
        }
        Map<String, String> expected = new java.util.TreeMap<>(untouched);
        rebuilt.forEach((table, r) -> expected.put(table, r.state()));
        if (!tableStates(h, expected.keySet()).equals(expected)) {
            return Optional.empty();
        }
        Map<String, long[]> writes = writes(h, expected.keySet());
        for (String table : untouched.keySet()) {
            long[] w = writes.get(table);
            if (w == null || w[0] + w[1] != 0) {
                return Optional.empty();
            }
        }
        for (Map.Entry<String, Rebuilt> e : rebuilt.entrySet()) {
            long[] w = writes.get(e.getKey());
            if (w == null || w[0] != e.getValue().inserted() || w[1] != e.getValue().changed()) {
                return Optional.empty();
            }
        }
        return ReadFence.atCommit(h, runId).map(horizon -> new QuietFence(horizon, Set.copyOf(expected.keySet()),
                Set.copyOf(rebuilt.keySet())));
    }

    /** Per table: the rows this transaction inserted, and those it updated or deleted. */
    private static Map<String, long[]> writes(Handle h, Collection<String> tables) {
        Map<String, long[]> writes = new java.util.HashMap<>();
        h.createQuery("SELECT c.relname, pg_stat_get_xact_tuples_inserted(c.oid), "
                        + "pg_stat_get_xact_tuples_updated(c.oid) + pg_stat_get_xact_tuples_deleted(c.oid) "
                        + "FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' "
                        + "AND c.relname = ANY (?::text[])")
                .bindArray(0, String.class, List.copyOf(tables))
                .map((rs, ctx) -> Map.entry(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)}))
                .forEach(e -> writes.put(e.getKey(), e.getValue()));
        return writes;
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
        return horizon.holds(h, runId);
    }
}
