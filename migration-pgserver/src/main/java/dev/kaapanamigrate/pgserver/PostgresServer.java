package dev.kaapanamigrate.pgserver;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kaapanamigrate.pgserver.internal.DataFolderCheck;
import dev.kaapanamigrate.pgserver.internal.JvmExitHook;
import dev.kaapanamigrate.pgserver.internal.LeftoverServer;
import dev.kaapanamigrate.pgserver.internal.PortTakenException;
import dev.kaapanamigrate.pgserver.internal.Readiness;
import dev.kaapanamigrate.pgserver.internal.ServerAddress;
import dev.kaapanamigrate.pgserver.internal.ServerLaunch;
import dev.kaapanamigrate.pgserver.internal.ServerStop;
import dev.kaapanamigrate.pgserver.internal.ServerUser;
import dev.kaapanamigrate.pgserver.os.ExternalCommands;
import dev.kaapanamigrate.pgserver.os.FreePorts;
import dev.kaapanamigrate.pgserver.os.PrivateDirectory;

/**
 * A PostgreSQL server running on an existing data folder, started and stopped by this process: the
 * temporary server the migration uses while the platform is down, or a simulated database pod in tests.
 *
 * <p>All settings are passed on the command line; nothing in the folder's configuration files is changed.
 * When the JVM runs as root, the server runs as the folder's owner (PostgreSQL refuses root), via
 * {@code setpriv --reuid --regid --clear-groups}. Two ways to listen ({@link Listen}):
 * <ul>
 * <li>{@link Listen#UNIX_SOCKET_ONLY}: no TCP port at all; a socket in a private 0700 directory (only its
 *     owner and root can enter it) and a temporary {@code hba_file} on the command line that trusts local
 *     connections over that socket. {@link #dataSource} connects through junixsocket. This is what the
 *     migration uses: nothing else on the host can reach the database, and no password is needed or logged.</li>
 * <li>{@link Listen#TCP_LOOPBACK}: {@code 127.0.0.1} on a free port with the folder's own {@code pg_hba.conf},
 *     like a pod behind a port-forward (the testkit's choice).</li>
 * </ul>
 *
 * <p>{@link #close()} shuts the server down cleanly ({@code pg_ctl stop -m fast}: a shutdown checkpoint is
 * written) and waits for it. A server outlives a JVM that exits without closing it, unless it was started with
 * {@link Builder#stopOnJvmExit(boolean) stopOnJvmExit(true)}: then a JVM shutdown hook, registered for that
 * server while it runs, closes it (on a normal exit, SIGTERM or SIGINT; nothing runs on SIGKILL, see
 * {@link #stopLeftover}). Thread-safe.
 *
 * <pre>{@code
 * try (PostgresServer server = PostgresServer.on(dataFolder).listen(Listen.UNIX_SOCKET_ONLY).start()) {
 *     DataSource ds = server.dataSource("kaapanauser", "kaapanauser", null);
 *     ...
 * }
 * }</pre>
 */
public final class PostgresServer implements AutoCloseable {

    /** How long {@link #start(Path)} waits for the server to accept connections by default. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
    private static final int PORT_ATTEMPTS = 3;

    /** How a server can be reached. */
    public enum Listen {
        /** Only a Unix socket in a private 0700 directory, with a temporary hba file trusting that socket. */
        UNIX_SOCKET_ONLY,
        /** {@code 127.0.0.1} on a free TCP port, with the folder's own {@code pg_hba.conf}. */
        TCP_LOOPBACK
    }

    private final PostgresBinaries binaries;
    private final Path dataDir;
    private final PrivateDirectory runDir;
    private final ServerAddress address;
    private final ServerUser user;
    private final Process process;
    private JvmExitHook exitHook; // guarded by this
    private boolean closed; // guarded by this

    private PostgresServer(PostgresBinaries binaries, Path dataDir, PrivateDirectory runDir, ServerAddress address,
            ServerUser user, Process process) {
        this.binaries = binaries;
        this.dataDir = dataDir;
        this.runDir = runDir;
        this.address = address;
        this.user = user;
        this.process = process;
    }

    /**
     * Starts configuring a server on a data folder.
     *
     * @param dataDir an initialised, stopped data folder
     * @return a builder; {@link Builder#start()} starts the server
     */
    public static Builder on(Path dataDir) {
        return new Builder(Objects.requireNonNull(dataDir, "dataDir"), null, Listen.UNIX_SOCKET_ONLY,
                DEFAULT_START_TIMEOUT, Map.of(), false);
    }

    /**
     * Starts a server on a data folder, listening on {@code 127.0.0.1}, with the binaries
     * {@link PostgresBinaries#resolve()} chooses. It is not stopped at JVM exit: close it.
     *
     * @param dataDir an initialised, stopped data folder
     * @return the running server
     * @throws DatabaseServerException if the folder is not usable or the server does not become ready in time
     */
    public static PostgresServer start(Path dataDir) {
        return on(dataDir).listen(Listen.TCP_LOOPBACK).start();
    }

    /**
     * Starts a server on a data folder, listening on {@code 127.0.0.1}, with the given binaries. It is not
     * stopped at JVM exit: close it.
     *
     * @param dataDir  an initialised, stopped data folder
     * @param binaries the binaries (same major version and libc as those that created the folder)
     * @return the running server
     * @throws DatabaseServerException if the folder is not usable or the server does not become ready in time
     */
    public static PostgresServer start(Path dataDir, PostgresBinaries binaries) {
        return on(dataDir).binaries(binaries).listen(Listen.TCP_LOOPBACK).start();
    }

    /**
     * Settings of a server to start. Immutable: every method returns a new builder.
     */
    public static final class Builder {
        private final Path dataDir;
        private final PostgresBinaries binaries;
        private final Listen listen;
        private final Duration startTimeout;
        private final Map<String, String> settings;
        private final boolean stopOnJvmExit;

        private Builder(Path dataDir, PostgresBinaries binaries, Listen listen, Duration startTimeout,
                Map<String, String> settings, boolean stopOnJvmExit) {
            this.dataDir = dataDir;
            this.binaries = binaries;
            this.listen = listen;
            this.startTimeout = startTimeout;
            this.settings = settings;
            this.stopOnJvmExit = stopOnJvmExit;
        }

        /**
         * The binaries to run (default: {@link PostgresBinaries#resolve()}).
         *
         * @param binaries binaries of the folder's major version and libc
         * @return a new builder
         */
        public Builder binaries(PostgresBinaries binaries) {
            return new Builder(dataDir, Objects.requireNonNull(binaries, "binaries"), listen, startTimeout, settings,
                    stopOnJvmExit);
        }

        /**
         * How the server can be reached (default {@link Listen#UNIX_SOCKET_ONLY}).
         *
         * @param listen the mode
         * @return a new builder
         */
        public Builder listen(Listen listen) {
            return new Builder(dataDir, binaries, Objects.requireNonNull(listen, "listen"), startTimeout, settings,
                    stopOnJvmExit);
        }

        /**
         * How long to wait for the server to accept connections (default 60 s; crash recovery of a big folder
         * can take longer).
         *
         * @param timeout the timeout
         * @return a new builder
         */
        public Builder startTimeout(Duration timeout) {
            return new Builder(dataDir, binaries, listen, Objects.requireNonNull(timeout, "timeout"), settings,
                    stopOnJvmExit);
        }

        /**
         * A server setting passed on the command line ({@code -c name=value}); the folder's files are not
         * changed. Settings that decide how the server is reached ({@code listen_addresses},
         * {@code unix_socket_directories}, {@code port}, {@code hba_file}) are the builder's and are refused.
         *
         * @param name  the setting, for example {@code max_wal_size}
         * @param value its value
         * @return a new builder
         * @throws IllegalArgumentException for a setting the builder controls, or a malformed name
         */
        public Builder setting(String name, String value) {
            Objects.requireNonNull(value, "value");
            if (!Objects.requireNonNull(name, "name").matches("[a-z_][a-z0-9_.]*")
                    || ServerLaunch.OWN_SETTINGS.contains(name)) {
                throw new IllegalArgumentException("Setting '" + name + "' cannot be set here; the server's own "
                        + "settings are " + ServerLaunch.OWN_SETTINGS);
            }
            Map<String, String> copy = new LinkedHashMap<>(settings);
            copy.put(name, value);
            return new Builder(dataDir, binaries, listen, startTimeout, Map.copyOf(copy), stopOnJvmExit);
        }

        /**
         * Whether the server is stopped cleanly when the JVM exits without closing it (default {@code false}).
         * With {@code true}, a JVM shutdown hook is registered for this server when it starts and removed when it
         * is closed; it runs on a normal exit, SIGTERM and SIGINT, never on SIGKILL. Without it, a server the
         * caller does not close keeps running after the JVM is gone.
         *
         * @param stop whether to stop the server at JVM exit
         * @return a new builder
         */
        public Builder stopOnJvmExit(boolean stop) {
            return new Builder(dataDir, binaries, listen, startTimeout, settings, stop);
        }

        /**
         * Starts the server and waits until it accepts connections.
         *
         * @return the running server
         * @throws DatabaseServerException if the folder is not usable or the server does not become ready in time
         */
        public PostgresServer start() {
            return PostgresServer.start(this);
        }
    }

    private static PostgresServer start(Builder b) {
        PostgresBinaries binaries = b.binaries != null ? b.binaries : PostgresBinaries.resolve();
        Path dir = b.dataDir.toAbsolutePath().normalize();
        DataFolderCheck.check(dir, binaries);
        ServerUser user = ServerUser.forFolder(dir);
        user.requireReachable(dir, "data folder");
        user.requireReachable(binaries.bin("postgres"), "PostgreSQL binaries");

        if (b.listen == Listen.UNIX_SOCKET_ONLY) {
            return launch(binaries, dir, ServerAddress.SOCKET_ONLY_PORT, b, user);
        }
        DatabaseServerException last = null;
        for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
            int port = FreePorts.pick();
            try {
                return launch(binaries, dir, port, b, user);
            } catch (PortTakenException e) {
                LOG.debug("Port {} was taken, retrying ({}/{})", port, attempt, PORT_ATTEMPTS);
                last = e;
            }
        }
        throw last;
    }

    private static PostgresServer launch(PostgresBinaries binaries, Path dir, int port, Builder b, ServerUser user) {
        long start = System.nanoTime();
        PrivateDirectory runDir = user.privateDirectory();
        ServerAddress address = new ServerAddress(b.listen, runDir.path(), port);
        Path log = runDir.resolve("postgres.log");
        Process process;
        try {
            process = ServerLaunch.start(binaries, dir, address, b.settings, user, log);
        } catch (RuntimeException e) {
            runDir.close();
            throw e;
        }
        PostgresServer server = new PostgresServer(binaries, dir, runDir, address, user, process);
        try {
            if (b.stopOnJvmExit) {
                server.stopOnJvmExit();
            }
            Readiness.await(process, dir, address, log, b.startTimeout);
        } catch (RuntimeException e) { // not ready, or the JVM is already exiting (no hook can be added)
            String tail = ExternalCommands.tail(log, 20);
            try {
                server.close();
            } catch (RuntimeException ignored) {
                // the start failure is what matters
            }
            if (PortTakenException.saidBy(tail)) {
                throw new PortTakenException(port, tail);
            }
            throw e instanceof DatabaseServerException ? e
                    : new DatabaseServerException("PostgreSQL on " + dir + " failed to start: " + e, e);
        }
        LOG.info("Started PostgreSQL {} ({}) on {} at {} as uid {} in {} ms", binaries.version(), binaries.libc(),
                dir, address, user.uid(), (System.nanoTime() - start) / 1_000_000);
        return server;
    }

    private synchronized void stopOnJvmExit() {
        exitHook = JvmExitHook.register("kaapana-migrate-stop-postgres-" + process.pid(), () -> {
            if (isRunning()) {
                LOG.warn("Stopping PostgreSQL on {} at JVM exit: it was not closed", dataDir);
            }
            close();
        });
    }

    /**
     * The TCP port the server listens on (on {@code 127.0.0.1}); for a socket-only server, the number in the
     * socket file's name.
     *
     * @return the port
     */
    public int port() {
        return address.port();
    }

    /**
     * The host the server listens on.
     *
     * @return {@code 127.0.0.1}
     * @throws IllegalStateException for a socket-only server
     */
    public String host() {
        if (address.listen() != Listen.TCP_LOOPBACK) {
            throw new IllegalStateException("This server listens on a Unix socket only: " + socketFile());
        }
        return ServerAddress.HOST;
    }

    /**
     * How the server can be reached.
     *
     * @return the mode it was started with
     */
    public Listen listen() {
        return address.listen();
    }

    /**
     * The server's Unix socket (in a private 0700 directory).
     *
     * @return the socket file, {@code <dir>/.s.PGSQL.<port>}
     */
    public Path socketFile() {
        return address.socketFile();
    }

    /**
     * When the postmaster process started, as the operating system reports it: with {@link #pid()} it
     * identifies the process even after the pid is reused (see {@link #stopLeftover}).
     *
     * @return the start instant, or empty when the system does not tell
     */
    public Optional<Instant> startedAt() {
        return process.info().startInstant();
    }

    /**
     * The data folder the server runs on.
     *
     * @return the absolute path
     */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * The binaries the server runs.
     *
     * @return the binaries
     */
    public PostgresBinaries binaries() {
        return binaries;
    }

    /**
     * The postmaster's process id (in this host's namespace).
     *
     * @return the pid
     */
    public long pid() {
        return process.pid();
    }

    /**
     * Whether the server process is still running.
     *
     * @return {@code true} until the postmaster has exited
     */
    public boolean isRunning() {
        return process.isAlive();
    }

    /**
     * A JDBC URL for a database of this server (TCP servers only; a socket-only server is reached through
     * {@link #dataSource}).
     *
     * @param database the database name
     * @return {@code jdbc:postgresql://127.0.0.1:<port>/<database>}
     * @throws IllegalStateException for a socket-only server
     */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/"
                + URLEncoder.encode(Objects.requireNonNull(database, "database"), StandardCharsets.UTF_8);
    }

    /**
     * A data source for a database of this server (a new connection per call, no pool). A socket-only server
     * is reached through its Unix socket (junixsocket; TLS does not apply to a local socket).
     *
     * @param database the database name
     * @param user     the role to log in as
     * @param password its password, or {@code null} (a socket-only server trusts its socket)
     * @return the data source
     */
    public DataSource dataSource(String database, String user, String password) {
        return address.dataSource(database, user, password);
    }

    /**
     * Stops the server cleanly ({@code pg_ctl stop -m fast -w}: clients are disconnected, a shutdown
     * checkpoint is written), waits for every server process to exit, removes the socket directory and the
     * JVM exit hook if the server had one. Idempotent.
     *
     * @throws DatabaseServerException if the server does not stop in time (it is then killed)
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long start = System.nanoTime();
        Optional<String> problem = ServerStop.stop(process, binaries, dataDir, user, runDir.path());
        if (exitHook != null) {
            exitHook.remove();
            exitHook = null;
        }
        runDir.close(); // includes the temporary hba file and the socket
        LOG.info("Stopped PostgreSQL on {} in {} ms", dataDir, (System.nanoTime() - start) / 1_000_000);
        if (problem.isPresent()) {
            throw new DatabaseServerException("PostgreSQL on " + dataDir + " did not stop cleanly: " + problem.get()
                    + ". It was terminated; the folder may need crash recovery at its next start.");
        }
    }

    /**
     * Stops a server this library started earlier on a data folder but never stopped, because the process
     * that started it died (a crash, a kill). The server is identified by its pid, the instant it started
     * (so that a reused pid is not mistaken for it) and its working directory, which must be the data folder;
     * it is stopped like {@link #close()}: fast shutdown with a checkpoint, and the private directory it had (socket,
     * log, temporary hba file) is removed.
     *
     * @param dataDir   the data folder the server ran on
     * @param pid       the postmaster's pid, as {@link #pid()} reported it
     * @param startedAt when it started, as {@link #startedAt()} reported it, or {@code null} if unknown
     * @param binaries  binaries to run {@code pg_ctl} with
     * @return {@code true} when such a server was running and is now stopped; {@code false} when none runs
     * @throws DatabaseServerException if it runs and cannot be stopped
     */
    public static boolean stopLeftover(Path dataDir, long pid, Instant startedAt, PostgresBinaries binaries) {
        return LeftoverServer.stop(dataDir, pid, startedAt, binaries);
    }

    @Override
    public String toString() {
        return "PostgresServer[" + dataDir + " on " + address + ", pid " + process.pid() + ", " + binaries.libc() + "]";
    }
}
