package dev.kaapanamigrate.postgres.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Row counts and order-independent digests of the business columns of a database's tables, computed by the
 * server in one pass per table: the sum of a 64-bit hash of each row's text (so the order rows come in does
 * not matter, and a changed, lost or added row changes it). A baseline is taken in the migration's
 * transaction, before any change, from queries that already apply the documented rewrites (project int id →
 * UUID, dataset name → id); verify takes the same digests from the 0.5.2 tables and compares. Baselines are
 * journaled, so a resumed run verifies against the same numbers.
 *
 * @param tables per table: rows and digest
 */
public record TableDigests(Map<String, TableDigest> tables) {

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
     */
    public TableDigests {
        tables = Collections.unmodifiableSortedMap(new TreeMap<>(tables));
    }

    /**
     * Digests the rows each query returns. The queries' columns are rendered as PostgreSQL renders a row as
     * text; the caller has run {@link Jdbc#localSettings(Connection)} so time stamps render in UTC.
     *
     * @param c       the connection, inside a transaction
     * @param queries per table: a query returning its business columns (after the documented rewrites)
     * @param onTable called after each table, with the number done and the total
     * @return the digests
     * @throws SQLException on failure
     */
    public static TableDigests compute(Connection c, Map<String, String> queries, java.util.function.IntConsumer onTable)
            throws SQLException {
        Map<String, TableDigest> out = new LinkedHashMap<>();
        int done = 0;
        for (Map.Entry<String, String> e : queries.entrySet()) {
            // hashtextextended: a stable 64-bit hash built into PostgreSQL, much cheaper than md5 on a million rows.
            out.put(e.getKey(), Jdbc.query(c, "SELECT count(*), coalesce(sum(hashtextextended(r::text, 0)), 0)::text FROM ("
                    + e.getValue() + ") r", rs -> new TableDigest(rs.getLong(1), rs.getString(2))).get(0));
            onTable.accept(++done);
        }
        return new TableDigests(out);
    }
}
