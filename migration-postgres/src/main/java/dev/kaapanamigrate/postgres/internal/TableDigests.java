package dev.kaapanamigrate.postgres.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/**
 * Row counts and order-independent digests of the business columns of a database's tables, computed by the
 * server in one pass per table: the sum of a 64-bit hash of each row (so the order rows come in does not matter, and
 * a changed, lost or added row changes it). The row hash is {@code hash_record_extended} (PostgreSQL 14+), which
 * combines each column's own hash function — a value is hashed as what it is, not as text, so time stamps do not
 * depend on the session's time zone, and no row is rendered (a third of the cost of hashing the row's text on a
 * million jobs). Every column must have an extended hash function: a {@code json} column is selected as
 * {@code ::text}. The steps' context keys for baselines carry a version ({@code .v2}, since this hash): a baseline
 * journaled by a build with another digest is not compared, so verify then proves the schema only instead of failing. A baseline is taken in the migration's
 * transaction, before any change, from queries that already apply the documented rewrites (project int id →
 * UUID, dataset name → id), or, for a table the migration rebuilds by one {@code INSERT … SELECT} of those rows, from
 * the new table right after the copy (which, row for row, is what the same query of the old table returns); verify
 * takes the same digests from the 0.5.2 tables and compares. Baselines are
 * journaled, so a resumed run verifies against the same numbers.
 *
 * @param tables per table: rows and digest
 * @param runId  the run that took the baseline, or {@code null} (a digest taken for comparison only)
 */
public record TableDigests(Map<String, TableDigest> tables, java.util.UUID runId) {

    /**
     * One table's content.
     *
     * @param rows   the rows
     * @param digest the digest, as decimal text
     */
    public record TableDigest(long rows, String digest) {
        @Override
        public String toString() {
            return rows + " rows, digest " + digest;
        }
    }

    /**
     * Copies the map, sorted by table.
     *
     * @param tables per table: rows and digest
     * @param runId  the run that took it, or {@code null}
     */
    public TableDigests {
        tables = Collections.unmodifiableSortedMap(new TreeMap<>(tables));
    }

    /**
     * The same digests, marked as a baseline taken by a run.
     *
     * @param run the run
     * @return the marked digests
     */
    public TableDigests takenBy(java.util.UUID run) {
        return new TableDigests(tables, run);
    }

    /**
     * These digests and another's tables (a table in both takes the other's digest), marked as these are.
     *
     * @param more more tables' digests
     * @return the digests of both
     */
    public TableDigests with(TableDigests more) {
        Map<String, TableDigest> all = new LinkedHashMap<>(tables);
        all.putAll(more.tables());
        return new TableDigests(all, runId);
    }

    /**
     * The query of a table's row versions, for {@link #compute}: the place ({@code ctid}) and the inserting transaction
     * ({@code xmin}) of each row. Every insert, update or delete (of any transaction, the migration's own too) adds or
     * removes a row version, so an equal digest proves that no row of the table was written since the baseline,
     * without hashing a value. It does not survive a table rewrite that keeps the content ({@code VACUUM FULL},
     * {@code CLUSTER}, a dump and restore), so it is meant for comparisons within one run, not across the deployment
     * of a platform. {@code xmin} is hashed as it is ({@code xid}): the same hash as its value as a {@code bigint}
     * (the 64-bit integer hash of a value below 2<sup>32</sup> is that of its 32 bits), so digests taken before by way
     * of {@code xmin::text::bigint} still compare, without a text conversion for every row.
     *
     * @param table the table
     * @return the query
     */
    public static String rowVersions(String table) {
        return "SELECT ctid, xmin FROM " + table;
    }

    /**
     * The query of a table whose rows are only counted: no column, so the digest is 0 and costs nothing beyond the
     * count (a million jobs: about 0.1 s, against 0.3–0.6 s for their row versions and 1–2 s for their values).
     *
     * @param table the table
     * @return the query
     */
    public static String rowsOnly(String table) {
        return "SELECT FROM " + table;
    }

    /**
     * Digests the rows each query returns. Before and after queries of a table must return the same column types in
     * the same order.
     *
     * @param h       the handle, inside a transaction
     * @param queries per table: a query returning its business columns (after the documented rewrites)
     * @param onTable called after each table with its name
     * @return the digests
     */
    public static TableDigests compute(Handle h, Map<String, String> queries, java.util.function.Consumer<String> onTable) {
        Map<String, TableDigest> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : queries.entrySet()) {
            out.put(e.getKey(), h.createQuery(DIGEST + " FROM (" + e.getValue() + ") r")
                    .map((rs, ctx) -> new TableDigest(rs.getLong(1), rs.getString(2))).one());
            onTable.accept(e.getKey());
        }
        return new TableDigests(out, null);
    }

    /** A table's digest and, from the same scan, how many of its rows meet a condition. */
    public record Counted(TableDigest digest, long matching) {
    }

    /**
     * Digests the rows a query returns and counts, in the same scan, those that meet a condition.
     *
     * @param h         the handle, inside a transaction
     * @param query     the query of the table's business columns
     * @param condition a condition on its columns, as SQL (alias {@code r})
     * @return the digest and the count
     */
    public static Counted computeCounting(Handle h, String query, String condition) {
        return h.createQuery(DIGEST + ", count(*) FILTER (WHERE " + condition + ") FROM (" + query + ") r")
                .map((rs, ctx) -> new Counted(new TableDigest(rs.getLong(1), rs.getString(2)), rs.getLong(3))).one();
    }

    /** The digest's select list: rows, and the sum of the row hashes. */
    private static final String DIGEST = "SELECT count(*), coalesce(sum(hash_record_extended(r, 0)), 0)::text";
}
