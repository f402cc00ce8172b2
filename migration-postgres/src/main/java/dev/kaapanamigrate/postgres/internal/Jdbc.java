package dev.kaapanamigrate.postgres.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Small JDBC helpers for the database steps: statements that name themselves when they fail. */
public final class Jdbc {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Jdbc.class);

    private Jdbc() {
    }

    private static void timed(String sql, long start) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} ms: {}", (System.nanoTime() - start) / 1_000_000, oneLine(sql, 120));
        }
    }

    private static String oneLine(String sql, int max) {
        String line = sql.replaceAll("\\s+", " ").strip();
        return line.length() > max ? line.substring(0, max - 3) + "..." : line;
    }

    /** Maps one row of a result. */
    @FunctionalInterface
    public interface RowMapper<T> {
        /**
         * Maps the current row.
         *
         * @param rs the result, positioned on a row
         * @return the value
         * @throws SQLException on failure
         */
        T map(ResultSet rs) throws SQLException;
    }

    /**
     * Settings every transaction of the steps starts with: values render the same whatever the JVM's time zone
     * (pgjdbc sets the session's from it), and a lock held by a forgotten client fails the step instead of hanging it.
     *
     * @param c a connection inside a transaction
     * @throws SQLException on failure
     */
    public static void localSettings(Connection c) throws SQLException {
        execute(c, "SET LOCAL TimeZone = 'UTC'");
        execute(c, "SET LOCAL DateStyle = 'ISO, YMD'");
        execute(c, "SET LOCAL IntervalStyle = 'postgres'");
        execute(c, "SET LOCAL extra_float_digits = 3");
        execute(c, "SET LOCAL lock_timeout = '30s'");
    }

    /**
     * Executes a statement with bound parameters.
     *
     * @param c      the connection
     * @param sql    the statement
     * @param params the parameters
     * @return the update count, or -1
     * @throws SQLException naming the statement
     */
    public static long execute(Connection c, String sql, Object... params) throws SQLException {
        long start = System.nanoTime();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            boolean result = ps.execute();
            timed(sql, start);
            return result ? -1 : ps.getLargeUpdateCount();
        } catch (SQLException e) {
            throw named(sql, e);
        }
    }

    /**
     * Runs a query and maps every row.
     *
     * @param c      the connection
     * @param sql    the query
     * @param mapper the row mapper
     * @param params the parameters
     * @param <T>    the row type
     * @return the rows
     * @throws SQLException naming the statement
     */
    public static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        long start = System.nanoTime();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
            }
            timed(sql, start);
            return rows;
        } catch (SQLException e) {
            throw named(sql, e);
        }
    }

    /**
     * Runs a query returning one number.
     *
     * @param c      the connection
     * @param sql    the query
     * @param params the parameters
     * @return the number of the first column of the first row
     * @throws SQLException naming the statement
     */
    public static long queryLong(Connection c, String sql, Object... params) throws SQLException {
        return query(c, sql, rs -> rs.getLong(1), params).get(0);
    }

    /**
     * Whether a table exists in the {@code public} schema.
     *
     * @param c     the connection
     * @param table the table name
     * @return whether it exists
     * @throws SQLException on failure
     */
    public static boolean tableExists(Connection c, String table) throws SQLException {
        return queryLong(c, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname = ? "
                + "AND relkind IN ('r', 'p')", table) > 0;
    }

    /**
     * A PostgreSQL {@code int[]} of the values.
     *
     * @param c      the connection
     * @param values the values
     * @return the array
     * @throws SQLException on failure
     */
    public static java.sql.Array intArray(Connection c, List<Integer> values) throws SQLException {
        return c.createArrayOf("integer", values.toArray());
    }

    /**
     * A PostgreSQL {@code uuid[]} of the values.
     *
     * @param c      the connection
     * @param values the values
     * @return the array
     * @throws SQLException on failure
     */
    public static java.sql.Array uuidArray(Connection c, List<java.util.UUID> values) throws SQLException {
        return c.createArrayOf("uuid", values.toArray());
    }

    private static void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }

    private static SQLException named(String sql, SQLException e) {
        return new SQLException("statement failed: " + oneLine(sql, 160) + " (" + e.getMessage() + ")", e.getSQLState(), e);
    }

    /**
     * Executes plain statements, without parameters.
     *
     * @param c          the connection
     * @param statements the statements
     * @throws SQLException naming the failing statement
     */
    public static void executeAll(Connection c, String... statements) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String sql : statements) {
                try {
                    long start = System.nanoTime();
                    st.execute(sql);
                    timed(sql, start);
                } catch (SQLException e) {
                    throw named(sql, e);
                }
            }
        }
    }
}
