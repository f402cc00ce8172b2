package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepFailedException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One transaction per call: committed when the work returns, rolled back when it throws or only reads. */
public final class Transactions {

    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);

    private Transactions() {
    }

    /** Work on a connection inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        /**
         * Does the work.
         *
         * @param c the connection, auto-commit off, {@link Jdbc#localSettings(Connection)} applied
         * @return the result
         * @throws SQLException on failure
         */
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs read-only work; nothing can change.
     *
     * @param ds       the data source
     * @param database the database name for messages
     * @param what     what is done, for messages (for example {@code "check"})
     * @param work     the work
     * @param <T>      the result type
     * @return the result
     */
    public static <T> T read(DataSource ds, String database, String what, Work<T> work) {
        return run(ds, database, what, true, work);
    }

    /**
     * Runs work in one transaction, committed at the end; on any failure everything is rolled back.
     *
     * @param ds       the data source
     * @param database the database name for messages
     * @param what     what is done, for messages
     * @param work     the work
     * @param <T>      the result type
     * @return the result
     */
    public static <T> T write(DataSource ds, String database, String what, Work<T> work) {
        return run(ds, database, what, false, work);
    }

    private static <T> T run(DataSource ds, String database, String what, boolean readOnly, Work<T> work) {
        long start = System.nanoTime();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            if (readOnly) {
                c.setReadOnly(true);
            }
            try {
                Jdbc.localSettings(c);
                if (!readOnly) {
                    // Index builds and foreign-key checks of a million rows sort and hash in memory instead of on disk;
                    // for this transaction only (the server's defaults of 64 MB / 4 MB spill to temporary files).
                    Jdbc.executeAll(c, "SET LOCAL maintenance_work_mem = '512MB'", "SET LOCAL work_mem = '128MB'");
                }
                T result = work.run(c);
                if (readOnly) {
                    c.rollback();
                } else {
                    c.commit();
                }
                LOG.info("The {} of the {} database took {} ms", what, database, (System.nanoTime() - start) / 1_000_000);
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                try {
                    c.rollback();
                } catch (SQLException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
        } catch (SQLException e) {
            LOG.warn("The {} of the {} database failed", what, database, e);
            throw new StepFailedException(Problem.of(CoreErrorCode.STEP_FAILED,
                    "the " + what + " of the " + database + " database failed: " + e.getMessage()
                            + (e.getSQLState() == null ? "" : " [SQLSTATE " + e.getSQLState() + "]"),
                    "a " + what + " that completes",
                    (readOnly ? "nothing was changed" : "nothing was changed: the whole transaction was rolled back")
                            + "; fix the cause named here and run the migration again"));
        }
    }
}
