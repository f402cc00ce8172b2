package dev.kaapanamigrate.testkit.internal;

import dev.kaapanamigrate.testkit.Manifest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

/**
 * An order-independent digest of a multiset of items: the sum (mod 2^128) of each item's SHA-256 prefix.
 * Streaming, constant memory, and the same whatever order a server returns the items in.
 */
public final class Digest {

    private final MessageDigest sha;
    private long high;
    private long low;
    private long count;

    /** Starts an empty digest. */
    public Digest() {
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Adds one item, given as its fields; {@code null} fields are distinct from empty ones.
     *
     * @param fields the item's fields
     */
    public void add(List<String> fields) {
        for (String f : fields) {
            if (f == null) {
                sha.update((byte) 0);
            } else {
                sha.update((byte) 1);
                sha.update(f.getBytes(StandardCharsets.UTF_8));
            }
            sha.update((byte) 0x1F);
        }
        ByteBuffer h = ByteBuffer.wrap(sha.digest());
        long addHigh = h.getLong();
        long addLow = h.getLong();
        long newLow = low + addLow;
        high += addHigh + (Long.compareUnsigned(newLow, low) < 0 ? 1 : 0);
        low = newLow;
        count++;
    }

    /**
     * The count and digest so far.
     *
     * @return the content summary
     */
    public Manifest.Content content() {
        return new Manifest.Content(count, String.format("%016x%016x", high, low));
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
