package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.CrashPoints;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepFailedException;
import dev.kaapanamigrate.postgres.PostgresErrorCode;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.ColonPrefixSqlParser;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlParser;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementException;
import org.jdbi.v3.core.statement.TemplateEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database steps' transactions on JDBI: one handle and one transaction per call, committed when the work returns
 * and rolled back when it throws or only reads. What JDBI does not know and this class adds: the session settings every
 * transaction starts with (time zone, date and interval styles, float digits, a lock timeout; memory for index builds
 * when writing), a log line with each transaction's time, the step's error model (a failed statement becomes a
 * {@link StepFailedException} that names the statement and says that nothing was changed), no template processing
 * (the SQL is sent as written; {@code <>} is an operator, not a template) and one statement parser for the process.
 */
public final class Sql {

    private static final Logger LOG = LoggerFactory.getLogger(Sql.class);

    /** How long a statement waits for a lock before it fails (a lock held by a forgotten client). */
    public static final String LOCK_TIMEOUT = "30s";

    /**
     * JDBI's parser, one for every handle the steps open: it caches each statement text it parsed, so a statement is
     * lexed once per process instead of once per {@link Jdbi} (a dry-run's servers and the run's, three databases, a
     * verify after the run). JDBI's lexer costs about 2 µs per character of a new statement.
     */
    private static final SqlParser PARSER = new ColonPrefixSqlParser();

    /** Logs each statement's time and text (never its arguments) at debug level. */
    private static final SqlLogger TIMING = new SqlLogger() {
        @Override
        public void logAfterExecution(StatementContext context) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} ms: {}", context.getElapsedTime(ChronoUnit.MILLIS), oneLine(context.getRenderedSql(), 120));
            }
        }
    };

    private Sql() {
    }

    /**
     * Runs read-only work in one transaction, rolled back at the end: nothing can change.
     *
     * @param jdbi     the database
     * @param database the database name for messages
     * @param what     what is done, for messages (for example {@code "check"})
     * @param work     the work, on a handle inside the transaction with the session settings applied
     * @param <T>      the result type
     * @return the result
     * @throws StepFailedException when a statement or the connection fails
     */
    public static <T> T read(Jdbi jdbi, String database, String what, HandleCallback<T, SQLException> work) {
        return run(jdbi, database, what, true, work);
    }

    /**
     * Runs work in one transaction, committed at the end; on any failure everything is rolled back.
     *
     * @param jdbi     the database
     * @param database the database name for messages
     * @param what     what is done, for messages
     * @param work     the work, on a handle inside the transaction with the session settings applied
     * @param <T>      the result type
     * @return the result
     * @throws StepFailedException when a statement or the connection fails
     */
    public static <T> T write(Jdbi jdbi, String database, String what, HandleCallback<T, SQLException> work) {
        return run(jdbi, database, what, false, work);
    }

    /** The crash point name of a writing transaction: {@code postgres.<database>.<what, dashed>}. */
    private static String pointOf(String database, String what) {
        return "postgres." + database + "." + what.replace(' ', '-');
    }

    /**
     * Executes statements without parameters (DDL, mostly), one after the other.
     *
     * @param h          the handle
     * @param statements the statements
     */
    public static void executeAll(Handle h, String... statements) {
        for (String sql : statements) {
            h.execute(sql);
        }
    }

    private static <T> T run(Jdbi jdbi, String database, String what, boolean readOnly,
                             HandleCallback<T, SQLException> work) {
        long start = System.nanoTime();
        try (Handle h = jdbi.open()) {
            h.setTemplateEngine(TemplateEngine.NOP).setSqlParser(PARSER).setSqlLogger(TIMING).setReadOnly(readOnly);
            T result = h.inTransaction(tx -> {
                settings(tx, readOnly);
                T r = work.withHandle(tx);
                if (readOnly) {
                    tx.rollback();
                } else {
                    CrashPoints.reach(pointOf(database, what), "before-commit");
                }
                return r;
            });
            if (!readOnly) {
                CrashPoints.reach(pointOf(database, what), "committed");
            }
            LOG.info("The {} of the {} database took {} ms", what, database, (System.nanoTime() - start) / 1_000_000);
            return result;
        } catch (JdbiException | SQLException e) {
            SQLException cause = sqlCause(e);
            // only a connection that never opened: one lost later may have died in the middle of a commit
            Optional<Problem> unreachable = e instanceof ConnectionException ? connectionProblem(database, cause)
                    : Optional.empty();
            if (unreachable.isPresent()) {
                LOG.warn("The {} of the {} database could not connect: {}", what, database, cause.getMessage());
                throw new ConnectionRefused(unreachable.get(), cause);
            }
            String message = describe(e, cause);
            // The SQL exception, not JDBI's: JDBI's message lists the bound arguments.
            LOG.warn("The {} of the {} database failed: {}", what, database, message, cause);
            throw new StepFailedException(Problem.of(CoreErrorCode.STEP_FAILED,
                    "the " + what + " of the " + database + " database failed: " + message
                            + (cause == null || cause.getSQLState() == null ? "" : " [SQLSTATE " + cause.getSQLState() + "]"),
                    "a " + what + " that completes",
                    (readOnly ? "nothing was changed" : "nothing was changed: the whole transaction was rolled back")
                            + "; fix the cause named here and run the migration again"));
        }
    }

    /**
     * Settings every transaction of the steps starts with: values render the same whatever the JVM's time zone (pgjdbc
     * sets the session's from it), and a lock held by a forgotten client fails the step instead of hanging it. Writing
     * transactions sort and hash index builds and foreign-key checks of a million rows in memory instead of on disk (the
     * server's defaults of 64 MB / 4 MB spill to temporary files), for this transaction only. Read committed whatever
     * the server's or the role's default: the steps lock, then read what the lock protects, and every statement must
     * see what committed before it (under repeatable read the whole transaction would read the snapshot of its first
     * query, taken before the lock; a {@link ReadFence} would read a horizon from before the lock, too). Writing
     * transactions commit synchronously whatever the server's setting: a step reports its changes once the commit is
     * durable, and a commit lost in a crash could otherwise let its transaction id be handed out again, which a
     * {@link ReadFence} taken at the commit could not tell apart.
     */
    private static void settings(Handle h, boolean readOnly) {
        h.execute(readOnly ? READING_SETTINGS : WRITING_SETTINGS);
    }

    /**
     * The settings of a reading transaction as one text: the driver sends its statements together and waits once (a
     * run's twenty-odd transactions each waited for six to nine of them, one by one). None takes a snapshot, so
     * the first query after them still reads what committed before it.
     */
    private static final String READING_SETTINGS = String.join("; ", "SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
            "SET LOCAL TimeZone = 'UTC'", "SET LOCAL DateStyle = 'ISO, YMD'", "SET LOCAL IntervalStyle = 'postgres'",
            "SET LOCAL extra_float_digits = 3", "SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
    private static final String WRITING_SETTINGS = String.join("; ", READING_SETTINGS,
            "SET LOCAL maintenance_work_mem = '512MB'", "SET LOCAL work_mem = '128MB'", "SET LOCAL synchronous_commit = on");

    /**
     * Runs a step's check and turns a connection the server refused or could not make into the step's blocked check:
     * the steps before a database step do not change the host, port or database name a data source uses, so a run
     * stops on it before its first change (a failed check whose dependencies are still to run is only checked again
     * later). The one password a plan may change is that of the role 0.5's services use (the role-password step, on
     * request): a data source of the caller's that logs in as that role with its old password fails after the reset.
     *
     * @param check the step's check
     * @return the check, or blocked with the connection's problem
     */
    public static StepCheck blockedWhenUnreachable(Supplier<StepCheck> check) {
        try {
            return check.get();
        } catch (ConnectionRefused e) {
            return new StepCheck.Blocked(e.problem().orElseThrow());
        }
    }

    /** A connection that never opened: nothing was read or written through it. */
    static final class ConnectionRefused extends PreconditionFailedException {
        private static final long serialVersionUID = 1L;

        ConnectionRefused(Problem problem, SQLException cause) {
            super(problem, cause);
        }
    }

    /**
     * The problem of a connection that never opened, by SQLSTATE and cause: refused by the server (class 28,
     * {@code 3D000}, {@code 08004} such as a password the server asked for and did not get), a TLS handshake or
     * certificate that failed, or a server that could not be reached (the rest of class 08: host, port, timeout);
     * empty for every other failure. pgjdbc's messages name the host, port, user and database, never the password.
     */
    static Optional<Problem> connectionProblem(String database, SQLException cause) {
        String state = cause == null || cause.getSQLState() == null ? "" : cause.getSQLState();
        if (!state.startsWith("28") && !state.startsWith("08") && !state.equals("3D000")) {
            return Optional.empty();
        }
        String found = "the connection to the " + database + " database's server never opened: " + cause.getMessage()
                + " [SQLSTATE " + state + "]";
        if (tlsFailure(cause)) {
            return Optional.of(Problem.of(PostgresErrorCode.TLS_FAILED, found,
                    "a TLS connection as the data source's sslmode asks: a certificate signed by the CA it trusts, for "
                            + "the host name it connects to",
                    "give the data source of the " + database + " database the CA certificate that signed the "
                            + "server's (sslrootcert), a host name the certificate names, or the sslmode the server "
                            + "supports, then run again"));
        }
        if (state.startsWith("28") || state.equals("3D000") || state.equals("08004")) {
            return Optional.of(Problem.of(PostgresErrorCode.LOGIN_REJECTED, found,
                    "a login the server accepts: the user, password and database name of the " + database
                            + " database",
                    "give the data source of the " + database + " database the right user, password and database "
                            + "name (and a pg_hba.conf entry that lets it in), then run again"));
        }
        return Optional.of(Problem.of(PostgresErrorCode.SERVER_UNREACHABLE, found,
                "a PostgreSQL server accepting connections at the host and port given for the " + database
                        + " database",
                "start the server or correct the host and port of the " + database + " database's data source "
                        + "(a port-forward or firewall in between?), then run again"));
    }

    /** A TLS handshake or certificate failure in the cause chain, or the server's refusal of TLS. */
    private static boolean tlsFailure(SQLException cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException) {
                return true;
            }
        }
        String message = cause.getMessage();
        return message != null && message.contains("does not support SSL");
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    /** The failing statement (its text, shortened; never its arguments) and the database's message. */
    private static String describe(Exception e, SQLException cause) {
        String reason = cause != null ? cause.getMessage() : e.getMessage();
        if (e instanceof StatementException s && s.getStatementContext() != null
                && s.getStatementContext().getRenderedSql() != null) {
            return "statement failed: " + oneLine(s.getStatementContext().getRenderedSql(), 160) + " (" + reason + ")";
        }
        return reason;
    }

    private static String oneLine(String sql, int max) {
        String line = sql.replaceAll("\\s+", " ").strip();
        return line.length() > max ? line.substring(0, max - 3) + "..." : line;
    }
}
