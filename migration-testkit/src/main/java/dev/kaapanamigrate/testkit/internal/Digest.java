package dev.kaapanamigrate.testkit.internal;

import dev.kaapanamigrate.core.SetDigest;
import dev.kaapanamigrate.testkit.Manifest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

/**
 * The manifest's digests: core's order-independent {@link SetDigest} of a multiset of items (table rows, objects,
 * documents), and the digest of a whole table.
 */
public final class Digest {

    private final SetDigest digest = new SetDigest();

    /**
     * Adds one item, given as its fields; {@code null} fields are distinct from empty ones.
     *
     * @param fields the item's fields
     */
    public void add(List<String> fields) {
        digest.add(fields);
    }

    /**
     * The count and digest so far.
     *
     * @return the content summary
     */
    public Manifest.Content content() {
        return new Manifest.Content(digest.count(), digest.hex());
    }

    /**
     * Digests every row of a table (all columns, as PostgreSQL renders them as text), streaming.
     *
     * @param c     a connection
     * @param table the table
     * @return rows and digest
     * @throws SQLException on failure
     */
    public static Manifest.Content ofTable(Connection c, String table) throws SQLException {
        boolean auto = c.getAutoCommit();
        if (auto) {
            c.setAutoCommit(false); // a cursor (fetch size) needs a transaction
        }
        try (Statement st = c.createStatement()) {
            // Render values the same whatever the JVM's time zone or the server's defaults (pgjdbc sets the
            // session time zone from the JVM's); SET LOCAL lasts until the end of this transaction.
            st.execute("SET LOCAL TimeZone = 'UTC'");
            st.execute("SET LOCAL DateStyle = 'ISO, YMD'");
            st.execute("SET LOCAL IntervalStyle = 'postgres'");
            st.execute("SET LOCAL extra_float_digits = 3");
            st.setFetchSize(5_000);
            Digest digest = new Digest();
            try (ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
                int columns = rs.getMetaData().getColumnCount();
                String[] row = new String[columns];
                while (rs.next()) {
                    for (int i = 0; i < columns; i++) {
                        row[i] = rs.getString(i + 1);
                    }
                    digest.add(Arrays.asList(row)); // nulls allowed, unlike List.of
                }
            }
            return digest.content();
        } finally {
            if (auto) {
                c.rollback(); // read only: nothing to commit
                c.setAutoCommit(true);
            }
        }
    }
}
