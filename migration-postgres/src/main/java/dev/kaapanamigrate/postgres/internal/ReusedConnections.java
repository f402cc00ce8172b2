package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.core.MigrationContext;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * One database's connections for the steps: the data source as given, and beside it one that keeps the connection a
 * transaction gives back for the next transaction instead of opening a new one each time (a run's transactions opened
 * 29 connections, 10–20 ms each of a backend's start and first catalogue reads, against about 1 ms for the same
 * transaction on an open one; issue 19).
 *
 * <p><b>Only while a runner drives the steps.</b> A context gets the reusing side only when it takes the waiting
 * connection's closing with {@link MigrationContext#closeWhenRunEnds}: a plan's run, dry-run or verification (closed
 * before the platform moves and when the run ends) or a {@code StepRunner} call (closed when it returns). A step
 * called directly gets the data source as given: its caller may copy the database as a template or drop it as soon as
 * the call returns, which PostgreSQL refuses while another session is connected.
 *
 * <p><b>As a new connection would be.</b> At most one connection waits; another one given back at the same time is
 * closed. A connection comes back in autocommit and not read-only (a transaction left open is rolled back first; a
 * connection that cannot be is closed); one whose session was changed through JDBC (isolation, schema, catalog,
 * network timeout, holdability, type map, client info) is closed instead; and it must answer
 * {@link Connection#isValid} before it is lent again (a server restarted meanwhile means a new connection). The steps
 * set their session settings with {@code SET LOCAL}, which ends with the transaction, and their fences read
 * transaction ids and the own transaction's counters, so nothing of one transaction reaches the next.
 */
public final class ReusedConnections {

    /** Setters whose change outlives a transaction and that a reused connection must not carry to its next user. */
    private static final Set<String> SESSION_SETTERS = Set.of("setTransactionIsolation", "setCatalog", "setSchema",
            "setNetworkTimeout", "setHoldability", "setTypeMap", "setClientInfo");

    private final DataSource given;
    private final Jdbi givenJdbi;
    private final Reusing reusing = new Reusing();
    private final Jdbi reusingJdbi;
    /** Contexts that will close the waiting connection; a context leaves when it did. Guarded by this. */
    private final Set<MigrationContext> closing = Collections.newSetFromMap(new WeakHashMap<>());
    /** The connection waiting for the next transaction, or {@code null}. Guarded by this. */
    private Connection idle;

    /**
     * Wraps a data source.
     *
     * @param given where connections come from
     */
    public ReusedConnections(DataSource given) {
        this.given = Objects.requireNonNull(given, "data source");
        this.givenJdbi = Jdbi.create(given);
        this.reusingJdbi = Jdbi.create(reusing);
    }

    /**
     * The data source for a step running in the context: the reusing one while a runner drives the steps, the one
     * given otherwise.
     *
     * @param ctx the context of the step that asks
     * @return the data source
     */
    public DataSource dataSource(MigrationContext ctx) {
        return reusableIn(ctx) ? reusing : given;
    }

    /**
     * JDBI on {@link #dataSource(MigrationContext)}; one of each kind per database.
     *
     * @param ctx the context of the step that asks
     * @return the {@link Jdbi}
     */
    public Jdbi jdbi(MigrationContext ctx) {
        return reusableIn(ctx) ? reusingJdbi : givenJdbi;
    }

    /** JDBI on the data source as given, for work outside a step (a server's own checks when it starts). */
    public Jdbi givenJdbi() {
        return givenJdbi;
    }

    private synchronized boolean reusableIn(MigrationContext ctx) {
        if (ctx == null) {
            return false;
        }
        if (closing.contains(ctx)) {
            return true;
        }
        if (!ctx.closeWhenRunEnds(() -> closedBy(ctx))) {
            return false;
        }
        closing.add(ctx);
        return true;
    }

    private void closedBy(MigrationContext ctx) {
        synchronized (this) {
            closing.remove(ctx);
        }
        closeIdle();
    }

    /** Closes the waiting connection, if any (before its server stops, say); the next transaction opens a new one. */
    public void closeIdle() {
        closeQuietly(takeIdle());
    }

    private synchronized Connection takeIdle() {
        Connection c = idle;
        idle = null;
        return c;
    }

    /** Takes a connection back: kept when none waits and it is as a new one would be, otherwise closed. */
    private void giveBack(Connection physical, boolean sessionChanged) {
        try {
            if (physical.isClosed()) {
                return;
            }
            if (sessionChanged) {
                physical.close();
                return;
            }
            if (!physical.getAutoCommit()) {
                physical.rollback();
                physical.setAutoCommit(true);
            }
            if (physical.isReadOnly()) {
                physical.setReadOnly(false);
            }
        } catch (SQLException e) {
            closeQuietly(physical);
            return;
        }
        synchronized (this) {
            if (idle == null) {
                idle = physical;
                return;
            }
        }
        closeQuietly(physical);
    }

    private static boolean valid(Connection c) {
        try {
            return c.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            // a connection that cannot even be closed is gone either way
        }
    }

    /** The reusing data source: lends the waiting connection (or a new one) behind a proxy whose close gives it back. */
    private final class Reusing implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            Connection physical = takeIdle();
            if (physical != null && !valid(physical)) {
                closeQuietly(physical);
                physical = null;
            }
            if (physical == null) {
                physical = given.getConnection();
            }
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, new Lent(physical));
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return given.getConnection(username, password); // another user's connection is not reused
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return given.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            given.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            given.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return given.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return given.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return iface.isInstance(given) ? iface.cast(given) : given.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return iface.isInstance(given) || given.isWrapperFor(iface);
        }
    }

    /** A connection as the borrower sees it: closing gives it back; once closed, it answers only close and isClosed. */
    private final class Lent implements InvocationHandler {
        private final Connection physical;
        private boolean closed;
        private boolean sessionChanged;

        Lent(Connection physical) {
            this.physical = physical;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close" -> {
                    if (!closed) {
                        closed = true;
                        giveBack(physical, sessionChanged);
                    }
                    return null;
                }
                case "isClosed" -> {
                    return closed || physical.isClosed();
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "toString" -> {
                    return "connection (reused) " + physical;
                }
                default -> {
                    if (closed) {
                        throw new SQLException("the connection is closed");
                    }
                    sessionChanged |= SESSION_SETTERS.contains(method.getName());
                    try {
                        return method.invoke(physical, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }
            }
        }
    }
}
