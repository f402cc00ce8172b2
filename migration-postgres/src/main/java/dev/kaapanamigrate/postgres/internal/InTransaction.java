package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.core.ErrorCode;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepFailedException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Runs work in one transaction on a fresh connection: read-only work is rolled back (it changed nothing),
 * other work is committed, and a failure rolls everything back. SQL errors become a {@link StepFailedException}
 * naming the database and what was being done; statements are never part of the message.
 */
public final class InTransaction {

    /** Work on a connection. */
    @FunctionalInterface
    public interface Work<T> {
        /**
         * Does the work.
         *
         * @param c the connection, in a transaction
         * @return the result
         * @throws SQLException on failure
         */
        T run(Connection c) throws SQLException;
    }

    private InTransaction() {
    }

    /**
     * Runs read-only work; the transaction is rolled back.
     *
     * @param ds       the data source
     * @param database the database, for messages
     * @param what     what is done, for messages
     * @param work     the work
     * @param <T>      the result type
     * @return the result
     */
    public static <T> T read(DataSource ds, String database, String what, Work<T> work) {
        return run(ds, database, what, true, work);
    }

    /**
     * Runs work in one transaction and commits it.
     *
     * @param ds       the data source
     * @param database the database, for messages
     * @param what     what is done, for messages
     * @param work     the work
     * @param <T>      the result type
     * @return the result
     */
    public static <T> T write(DataSource ds, String database, String what, Work<T> work) {
        return run(ds, database, what, false, work);
    }

    private static <T> T run(DataSource ds, String database, String what, boolean readOnly, Work<T> work) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            c.setReadOnly(readOnly);
            try {
                T result = work.run(c);
                if (readOnly) {
                    c.rollback();
                } else {
                    c.commit();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new StepFailedException(ErrorCode.STEP_FAILED, Problem.of(ErrorCode.STEP_FAILED,
                    "the " + database + " database failed while " + what + " (SQL state " + e.getSQLState() + ": "
                            + e.getMessage() + ")",
                    "the statement to succeed", "fix the cause named here; the transaction was rolled back, so the step "
                            + "is safe to run again").message(), e);
        }
    }
}
