package dev.kaapanamigrate.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.IdSource;
import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepRunner;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StandaloneContext;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The connection a transaction gives back serves the next one on a real server, in the state a new one would have,
 * only while a runner drives the steps, and is closed when asked or when the runner's call ends.
 */
class ReusedConnectionsIT {

    static ClassServer pg;
    static DataSource direct;

    @BeforeAll
    static void start() throws Exception {
        pg = ClassServer.start("reusing-connections-");
        direct = pg.dataSource(ClassServer.USER);
        try (Connection c = direct.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE noted (n int)");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private static int backend(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
            r.next();
            return r.getInt(1);
        }
    }

    private static long sessionsOf(int pid) throws SQLException {
        try (Connection c = direct.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Waits until a server process has ended (a closed connection's process ends a moment later). */
    private static void awaitGone(int pid) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (sessionsOf(pid) != 0) {
            assertThat(System.nanoTime()).as("server process %d still there after 10 s", pid).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** A context whose runner takes resources for the run (a plan's), closed when the test says. */
    private static final class RunContext implements AutoCloseable {
        final StandaloneContext standalone = MigrationContext.standalone(Clock.systemUTC(), IdSource.seeded(7),
                PlatformState.UNDEPLOYED, false);
        final List<AutoCloseable> taken = new ArrayList<>();
        final MigrationContext ctx = (MigrationContext) java.lang.reflect.Proxy.newProxyInstance(
                MigrationContext.class.getClassLoader(), new Class<?>[] {MigrationContext.class}, (p, m, a) -> {
                    if (m.getName().equals("closeWhenRunEnds")) {
                        taken.add((AutoCloseable) a[0]);
                        return true;
                    }
                    return switch (m.getName()) {
                        case "equals" -> p == a[0];
                        case "hashCode" -> System.identityHashCode(p);
                        default -> m.invoke(standalone, a);
                    };
                });

        @Override
        public void close() throws Exception {
            for (AutoCloseable c : taken) {
                c.close();
            }
            taken.clear();
            standalone.close();
        }
    }

    @Test
    void theConnectionGivenBackServesTheNextTransactionAsANewOneWould() throws Exception {
        ReusedConnections connections = new ReusedConnections(direct);
        RunContext run = new RunContext();
        DataSource reusing = connections.dataSource(run.ctx);
        Jdbi jdbi = connections.jdbi(run.ctx);
        assertThat(run.taken).as("registered once, for the first request").hasSize(1);
        int first = pidOf(jdbi);
        int second = jdbi.inTransaction(h -> {
            h.execute("SET LOCAL lock_timeout = '1s'");
            return h.createQuery("SELECT pg_backend_pid()").mapTo(Integer.class).one();
        });
        assertThat(second).as("the same server process").isEqualTo(first);
        String lockTimeout = jdbi.withHandle(h -> h.createQuery("SHOW lock_timeout").mapTo(String.class).one());
        assertThat(lockTimeout).as("a transaction's SET LOCAL ended with it").isEqualTo("0");

        // a transaction left open by whoever held the connection is rolled back before the next one gets it
        Connection lent = reusing.getConnection();
        lent.setAutoCommit(false);
        try (Statement s = lent.createStatement()) {
            s.execute("INSERT INTO noted VALUES (1)");
        }
        lent.close();
        assertThat(lent.isClosed()).isTrue();
        assertThatThrownBy(lent::createStatement).isInstanceOf(SQLException.class).hasMessageContaining("closed");
        try (Connection next = reusing.getConnection(); Statement s = next.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM noted")) {
            assertThat(backend(next)).isEqualTo(first);
            assertThat(next.getAutoCommit()).isTrue();
            r.next();
            assertThat(r.getLong(1)).as("the open transaction's row").isZero();
        }

        // read-only is undone; a session setting changed through JDBC means the connection is not reused
        try (Connection c = reusing.getConnection()) {
            c.setReadOnly(true);
        }
        try (Connection c = reusing.getConnection()) {
            assertThat(backend(c)).isEqualTo(first);
            assertThat(c.isReadOnly()).isFalse();
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
        awaitGone(first);
        try (Connection c = reusing.getConnection()) {
            first = backend(c);
            assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
        }

        // two at once: the second one given back is closed, one waits
        Connection a = reusing.getConnection();
        Connection b = reusing.getConnection();
        int pidB = backend(b);
        assertThat(backend(a)).isEqualTo(first).isNotEqualTo(pidB);
        a.close();
        b.close();
        awaitGone(pidB);
        assertThat(sessionsOf(first)).as("the first waits").isEqualTo(1);

        connections.closeIdle();
        awaitGone(first);
        try (Connection fresh = reusing.getConnection()) {
            first = backend(fresh);
        }
        run.close(); // the run's end
        awaitGone(first);
    }

    @Test
    void aWaitingConnectionTheServerEndedIsReplacedAndTheRunnerCallsEndClosesIt() throws Exception {
        ReusedConnections connections = new ReusedConnections(direct);
        RunContext run = new RunContext();
        DataSource reusing = connections.dataSource(run.ctx);
        int ended;
        try (Connection c = reusing.getConnection()) {
            ended = backend(c);
        }
        try (Connection c = direct.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(" + ended + ", 5000)"); // waits until it has ended
        }
        int replacement;
        try (Connection c = reusing.getConnection()) {
            replacement = backend(c);
            assertThat(replacement).isNotEqualTo(ended);
        }
        run.close();
        awaitGone(replacement);

        // A step called directly on a standalone context gets the data source as given: nothing stays open after it.
        try (StandaloneContext ctx = MigrationContext.standalone(Clock.systemUTC(), IdSource.seeded(7),
                PlatformState.UNDEPLOYED, false)) {
            assertThat(connections.dataSource(ctx)).isSameAs(direct);
            int pid = connections.jdbi(ctx).withHandle(h -> h.createQuery("SELECT pg_backend_pid()")
                    .mapTo(Integer.class).one());
            awaitGone(pid);

            // Inside a StepRunner call the same context reuses, and the call's end closes the waiting connection.
            int[] inside = new int[2];
            MigrationStep step = new MigrationStep() {
                @Override
                public String id() {
                    return "reuses";
                }

                @Override
                public String description() {
                    return "reads twice";
                }

                @Override
                public StepCheck check(MigrationContext c) {
                    inside[0] = pidOf(connections.jdbi(c));
                    inside[1] = pidOf(connections.jdbi(c));
                    return StepCheck.upToDate("read");
                }

                @Override
                public List<Change> apply(MigrationContext c) {
                    return List.of();
                }

                @Override
                public Verification verify(MigrationContext c) {
                    return Verification.builder().expect("read", true, true).build();
                }
            };
            assertThat(StepRunner.check(step, ctx)).isInstanceOf(StepCheck.UpToDate.class);
            assertThat(inside[1]).as("the second transaction on the first's connection").isEqualTo(inside[0]);
            awaitGone(inside[0]);
        }
    }

    @Test
    void theStepsTransactionsStartWithTheirSettingsAndLeaveNoneToTheNext() throws Exception {
        // A database whose sessions default to serializable: the steps' transactions still read committed.
        try (Connection c = direct.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE serializable_by_default");
            s.execute("ALTER DATABASE serializable_by_default SET default_transaction_isolation = 'serializable'");
        }
        ReusedConnections connections = new ReusedConnections(pg.dataSource("serializable_by_default"));
        try (RunContext run = new RunContext()) {
            Jdbi jdbi = connections.jdbi(run.ctx);
            String settings = "SELECT pg_backend_pid() || ' | ' || concat_ws(' | ', current_setting('transaction_isolation'), "
                    + "current_setting('TimeZone'), current_setting('DateStyle'), current_setting('IntervalStyle'), "
                    + "current_setting('extra_float_digits'), current_setting('lock_timeout'), "
                    + "current_setting('work_mem'), current_setting('maintenance_work_mem'), "
                    + "current_setting('synchronous_commit'))";
            String reading = Sql.read(jdbi, "test", "read", h -> h.createQuery(settings).mapTo(String.class).one());
            String writing = Sql.write(jdbi, "test", "write", h -> h.createQuery(settings).mapTo(String.class).one());
            String after = jdbi.inTransaction(h -> h.createQuery(settings).mapTo(String.class).one());
            String pid = reading.substring(0, reading.indexOf(" | "));
            assertThat(reading).startsWith(pid + " | read committed | UTC | ISO, YMD | postgres | 3 | 30s | ");
            assertThat(writing).isEqualTo(pid + " | read committed | UTC | ISO, YMD | postgres | 3 | 30s | 128MB | 512MB | on");
            assertThat(after).as("the settings end with their transaction on the reused connection")
                    .startsWith(pid + " | serializable | ").doesNotContain("30s").doesNotContain("128MB")
                    .doesNotContain("512MB");
        } finally {
            try (Connection c = direct.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE serializable_by_default WITH (FORCE)");
            }
        }
    }

    private static int pidOf(Jdbi jdbi) {
        return jdbi.inTransaction(h -> h.createQuery("SELECT pg_backend_pid()").mapTo(Integer.class).one());
    }
}
