package dev.kaapanamigrate.pgserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kaapanamigrate.pgserver.internal.CommandLine;
import dev.kaapanamigrate.pgserver.internal.FreePort;
import dev.kaapanamigrate.pgserver.internal.Posix;
import dev.kaapanamigrate.pgserver.internal.RunDirectory;

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
 * written) and waits for it; a JVM shutdown hook closes servers a caller forgot. Thread-safe.
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
    private static final Set<PostgresServer> RUNNING = ConcurrentHashMap.newKeySet();
    private static final String HOST = "127.0.0.1";
    private static final int STOP_TIMEOUT_SECONDS = 120;
    private static final String UNIX_SOCKET_FACTORY = "org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg";

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (PostgresServer server : RUNNING) {
                try {
                    server.close();
                } catch (RuntimeException e) {
                    LOG.warn("Could not stop the PostgreSQL server on {} at JVM exit: {}", server.dataDir,
                            e.getMessage());
                }
            }
        }, "kaapana-migrate-postgres-shutdown"));
    }

    /** The port number in the socket file's name when no TCP port is used. */
    private static final int SOCKET_ONLY_PORT = 5432;

    /** How a server can be reached. */
    public enum Listen {
        /** Only a Unix socket in a private 0700 directory, with a temporary hba file trusting that socket. */
        UNIX_SOCKET_ONLY,
        /** {@code 127.0.0.1} on a free TCP port, with the folder's own {@code pg_hba.conf}. */
        TCP_LOOPBACK
    }

    private final PostgresBinaries binaries;
    private final Path dataDir;
    private final Path runDir;
    private final int port;
    private final Listen listen;
    private final int uid;
    private final int gid;
    private final Process process;
    private volatile boolean closed;

    private PostgresServer(PostgresBinaries binaries, Path dataDir, Path runDir, int port, Listen listen, int uid,
            int gid, Process process) {
        this.binaries = binaries;
        this.dataDir = dataDir;
        this.runDir = runDir;
        this.port = port;
        this.listen = listen;
        this.uid = uid;
        this.gid = gid;
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
                DEFAULT_START_TIMEOUT, Map.of());
    }

    /**
     * Starts a server on a data folder, listening on {@code 127.0.0.1}, with the binaries
     * {@link PostgresBinaries#resolve()} chooses.
     *
     * @param dataDir an initialised, stopped data folder
     * @return the running server
     * @throws DatabaseServerException if the folder is not usable or the server does not become ready in time
     */
    public static PostgresServer start(Path dataDir) {
        return on(dataDir).listen(Listen.TCP_LOOPBACK).start();
    }

    /**
     * Starts a server on a data folder, listening on {@code 127.0.0.1}, with the given binaries.
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

        private Builder(Path dataDir, PostgresBinaries binaries, Listen listen, Duration startTimeout,
                Map<String, String> settings) {
            this.dataDir = dataDir;
            this.binaries = binaries;
            this.listen = listen;
            this.startTimeout = startTimeout;
            this.settings = settings;
        }

        /**
         * The binaries to run (default: {@link PostgresBinaries#resolve()}).
         *
         * @param binaries binaries of the folder's major version and libc
         * @return a new builder
         */
        public Builder binaries(PostgresBinaries binaries) {
            return new Builder(dataDir, Objects.requireNonNull(binaries, "binaries"), listen, startTimeout, settings);
        }

        /**
         * How the server can be reached (default {@link Listen#UNIX_SOCKET_ONLY}).
         *
         * @param listen the mode
         * @return a new builder
         */
        public Builder listen(Listen listen) {
            return new Builder(dataDir, binaries, Objects.requireNonNull(listen, "listen"), startTimeout, settings);
        }

        /**
         * How long to wait for the server to accept connections (default 60 s; crash recovery of a big folder
         * can take longer).
         *
         * @param timeout the timeout
         * @return a new builder
         */
        public Builder startTimeout(Duration timeout) {
            return new Builder(dataDir, binaries, listen, Objects.requireNonNull(timeout, "timeout"), settings);
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
                    || OWN_SETTINGS.contains(name)) {
                throw new IllegalArgumentException("Setting '" + name + "' cannot be set here; the server's own "
                        + "settings are " + OWN_SETTINGS);
            }
            Map<String, String> copy = new java.util.LinkedHashMap<>(settings);
            copy.put(name, value);
            return new Builder(dataDir, binaries, listen, startTimeout, Map.copyOf(copy));
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

    private static final Set<String> OWN_SETTINGS = Set.of("listen_addresses", "unix_socket_directories", "port",
            "hba_file", "unix_socket_permissions", "logging_collector", "data_directory");

    private static PostgresServer start(Builder b) {
        PostgresBinaries binaries = b.binaries != null ? b.binaries : PostgresBinaries.resolve();
        Path dir = b.dataDir.toAbsolutePath().normalize();
        checkFolder(dir, binaries);
        int ownerUid = Posix.ownerUid(dir);
        int ownerGid = Posix.ownerGid(dir);
        int runUid;
        int runGid;
        if (Posix.isRoot()) {
            if (ownerUid == 0) {
                throw new DatabaseServerException("The data folder " + dir + " is owned by root; PostgreSQL "
                        + "refuses to run as root. Expected the owner of a Kaapana PostgreSQL folder (uid 70): "
                        + "chown -R 70:70 " + dir + ".");
            }
            runUid = ownerUid;
            runGid = ownerGid;
        } else {
            runUid = Posix.uid();
            runGid = Posix.gid();
            if (ownerUid != runUid) {
                throw new DatabaseServerException("The data folder " + dir + " is owned by uid " + ownerUid
                        + " but this JVM runs as uid " + runUid + "; PostgreSQL only runs as the folder's owner. "
                        + "Run the JVM as uid " + ownerUid + " or as root.");
            }
        }
        requireReachable(dir, runUid, runGid, "data folder");
        requireReachable(binaries.bin("postgres"), runUid, runGid, "PostgreSQL binaries");

        if (b.listen == Listen.UNIX_SOCKET_ONLY) {
            return launch(binaries, dir, SOCKET_ONLY_PORT, b, runUid, runGid);
        }
        DatabaseServerException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port = FreePort.pick();
            try {
                return launch(binaries, dir, port, b, runUid, runGid);
            } catch (PortTakenException e) {
                LOG.debug("Port {} was taken, retrying ({}/3)", port, attempt);
                last = e;
            }
        }
        throw last;
    }

    /**
     * The TCP port the server listens on (on {@code 127.0.0.1}); for a socket-only server, the number in the
     * socket file's name.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * The host the server listens on.
     *
     * @return {@code 127.0.0.1}
     * @throws IllegalStateException for a socket-only server
     */
    public String host() {
        if (listen != Listen.TCP_LOOPBACK) {
            throw new IllegalStateException("This server listens on a Unix socket only: " + socketFile());
        }
        return HOST;
    }

    /**
     * How the server can be reached.
     *
     * @return the mode it was started with
     */
    public Listen listen() {
        return listen;
    }

    /**
     * The server's Unix socket (in a private 0700 directory).
     *
     * @return the socket file, {@code <dir>/.s.PGSQL.<port>}
     */
    public Path socketFile() {
        return runDir.resolve(".s.PGSQL." + port);
    }

    /**
     * When the postmaster process started, as the operating system reports it: with {@link #pid()} it
     * identifies the process even after the pid is reused (see {@link #stopLeftover}).
     *
     * @return the start instant, or empty when the system does not tell
     */
    public java.util.Optional<java.time.Instant> startedAt() {
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
        return "jdbc:postgresql://" + host() + ":" + port + "/"
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
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setDatabaseName(Objects.requireNonNull(database, "database"));
        ds.setUser(Objects.requireNonNull(user, "user"));
        ds.setPassword(password);
        ds.setApplicationName("kaapana-migrate");
        if (listen == Listen.TCP_LOOPBACK) {
            ds.setServerNames(new String[] {HOST});
            ds.setPortNumbers(new int[] {port});
        } else {
            ds.setServerNames(new String[] {"localhost"}); // not resolved: the socket factory connects
            ds.setPortNumbers(new int[] {port});
            ds.setSocketFactory(UNIX_SOCKET_FACTORY);
            ds.setSocketFactoryArg(socketFile().toString());
            ds.setSslMode("disable");
        }
        return ds;
    }

    /**
     * Stops the server cleanly ({@code pg_ctl stop -m fast -w}: clients are disconnected, a shutdown
     * checkpoint is written), waits for every server process to exit and removes the socket directory.
     * Idempotent.
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
        List<ProcessHandle> family = process.descendants().collect(Collectors.toList());
        String problem = null;
        try {
            if (process.isAlive()) {
                Path log = runDir.resolve("pg_ctl.log");
                int rc = pgCtlStop(binaries, dataDir, uid, gid, runDir, log);
                if (rc != 0 && process.isAlive()) {
                    problem = "pg_ctl stop exited with " + rc + ": " + CommandLine.tail(log, 5);
                }
            }
            if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                problem = (problem == null ? "" : problem + "; ") + "the postmaster did not exit";
            }
        } catch (IOException e) {
            problem = "pg_ctl stop failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted while stopping";
        }
        if (problem != null) {
            LOG.warn("PostgreSQL on {} did not stop cleanly ({}); terminating it", dataDir, problem);
            process.destroy(); // SIGTERM
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (ProcessHandle child : family) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
        RUNNING.remove(this);
        RunDirectory.deleteQuietly(runDir); // includes the temporary hba file and the socket
        LOG.info("Stopped PostgreSQL on {} in {} ms", dataDir, (System.nanoTime() - start) / 1_000_000);
        if (problem != null) {
            throw new DatabaseServerException("PostgreSQL on " + dataDir + " did not stop cleanly: " + problem
                    + ". It was terminated; the folder may need crash recovery at its next start.");
        }
    }

    /**
     * Stops a server this library started earlier on a data folder but never stopped, because the process
     * that started it died (a crash, a kill). The server is identified by its pid, the instant it started
     * (so that a reused pid is not mistaken for it) and its working directory, which must be the data folder;
     * it is stopped like {@link #close()}: fast shutdown with a checkpoint.
     *
     * @param dataDir   the data folder the server ran on
     * @param pid       the postmaster's pid, as {@link #pid()} reported it
     * @param startedAt when it started, as {@link #startedAt()} reported it, or {@code null} if unknown
     * @param binaries  binaries to run {@code pg_ctl} with
     * @return {@code true} when such a server was running and is now stopped; {@code false} when none runs
     * @throws DatabaseServerException if it runs and cannot be stopped
     */
    public static boolean stopLeftover(Path dataDir, long pid, java.time.Instant startedAt, PostgresBinaries binaries) {
        Path dir = dataDir.toAbsolutePath().normalize();
        java.util.Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isEmpty()) {
            return false;
        }
        java.util.Optional<java.time.Instant> actualStart = handle.get().info().startInstant();
        if (startedAt != null && actualStart.isPresent() && !actualStart.get().equals(startedAt)) {
            return false; // the pid was reused by another process
        }
        if (!dir.equals(workingDirectory(pid))) {
            return false;
        }
        LOG.warn("Stopping PostgreSQL (pid {}) left running on {} by an earlier run", pid, dir);
        int uid = Posix.isRoot() ? Posix.ownerUid(dir) : Posix.uid();
        int gid = Posix.isRoot() ? Posix.ownerGid(dir) : Posix.gid();
        Path runDir = createRunDir(uid, gid);
        try {
            Path log = runDir.resolve("pg_ctl.log");
            int rc = pgCtlStop(binaries, dir, uid, gid, runDir, log);
            if (rc != 0 && handle.get().isAlive()) {
                // postmaster.pid may be gone or name another pid: SIGINT is the same fast shutdown
                CommandLine.run(CommandLine.builder(List.of("kill", "-INT", Long.toString(pid)), runDir, log,
                        Map.of()), 10);
            }
            handle.get().onExit().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new DatabaseServerException("The PostgreSQL server (pid " + pid + ") left running on " + dir
                    + " by an earlier run could not be stopped: " + e + ". Stop it (kill -INT " + pid
                    + "), then run again.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseServerException("Interrupted while stopping the server left on " + dir, e);
        } finally {
            RunDirectory.deleteQuietly(runDir);
        }
    }

    /** {@code pg_ctl stop -m fast -w} as the given user: a clean shutdown with a checkpoint; returns its exit code. */
    private static int pgCtlStop(PostgresBinaries binaries, Path dataDir, int uid, int gid, Path runDir, Path log)
            throws IOException {
        List<String> cmd = CommandLine.asUser(List.of(binaries.bin("pg_ctl").toString(), "stop", "-D",
                dataDir.toString(), "-m", "fast", "-w", "-t", Integer.toString(STOP_TIMEOUT_SECONDS)), uid, gid);
        return CommandLine.run(CommandLine.builder(cmd, runDir, log, Map.of()), STOP_TIMEOUT_SECONDS + 10L);
    }

    private static Path workingDirectory(long pid) {
        try {
            return Path.of("/proc", Long.toString(pid), "cwd").toRealPath();
        } catch (IOException e) {
            return null; // gone, or not ours to inspect
        }
    }

    @Override
    public String toString() {
        return "PostgresServer[" + dataDir + " on " + (listen == Listen.TCP_LOOPBACK ? HOST + ":" + port
                : "socket " + socketFile()) + ", pid " + process.pid() + ", " + binaries.libc() + "]";
    }

    private static PostgresServer launch(PostgresBinaries binaries, Path dir, int port, Builder b, int uid, int gid) {
        long start = System.nanoTime();
        Path runDir = createRunDir(uid, gid);
        Path log = runDir.resolve("postgres.log");
        List<String> args = new ArrayList<>(List.of(binaries.bin("postgres").toString(), "-D", dir.toString(),
                "-p", Integer.toString(port), "-c", "unix_socket_directories=" + runDir,
                "-c", "unix_socket_permissions=0700", "-c", "logging_collector=off"));
        if (b.listen == Listen.TCP_LOOPBACK) {
            args.addAll(List.of("-c", "listen_addresses=" + HOST));
        } else {
            Path hba = runDir.resolve("pg_hba.conf");
            try {
                // Only this socket, in a directory only the owner and root can enter: trust is safe here and
                // means no password is needed (or could leak) for a temporary server.
                Files.writeString(hba, "# kaapana-migrate temporary server: local socket only\n"
                        + "local all all trust\n", StandardCharsets.US_ASCII);
                Posix.chmod(hba, 0600);
                if (Posix.uid() != uid) {
                    Posix.chown(hba, uid, gid);
                }
            } catch (IOException e) {
                RunDirectory.deleteQuietly(runDir);
                throw new DatabaseServerException("Cannot write the temporary hba file in " + runDir + ": " + e, e);
            }
            args.addAll(List.of("-c", "listen_addresses=", "-c", "hba_file=" + hba));
        }
        b.settings.forEach((name, value) -> args.addAll(List.of("-c", name + "=" + value)));
        List<String> cmd = CommandLine.asUser(args, uid, gid);
        Process process;
        try {
            process = CommandLine.builder(cmd, runDir, log, Map.of()).start();
        } catch (IOException e) {
            RunDirectory.deleteQuietly(runDir);
            throw new DatabaseServerException("Could not run " + cmd.get(0) + " for " + dir + ": " + e.getMessage()
                    + (cmd.get(0).equals("setpriv") ? ". setpriv (util-linux) must be on the PATH when running as "
                    + "root." : ""), e);
        }
        PostgresServer server = new PostgresServer(binaries, dir, runDir, port, b.listen, uid, gid, process);
        RUNNING.add(server);
        try {
            awaitReady(server, log, b.startTimeout);
        } catch (RuntimeException e) {
            String tail = CommandLine.tail(log, 20);
            try {
                server.close();
            } catch (RuntimeException ignored) {
                // the start failure is what matters
            }
            if (tail.contains("could not bind") || tail.contains("Address already in use")) {
                throw new PortTakenException(port, tail);
            }
            throw e instanceof DatabaseServerException ? e
                    : new DatabaseServerException("PostgreSQL on " + dir + " failed to start: " + e, e);
        }
        LOG.info("Started PostgreSQL {} ({}) on {} at {} as uid {} in {} ms", binaries.version(), binaries.libc(),
                dir, b.listen == Listen.TCP_LOOPBACK ? HOST + ":" + port : server.socketFile(), uid,
                (System.nanoTime() - start) / 1_000_000);
        return server;
    }

    private static void awaitReady(PostgresServer server, Path log, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path pidFile = server.dataDir.resolve("postmaster.pid");
        while (true) {
            if (!server.process.isAlive()) {
                throw new DatabaseServerException("PostgreSQL on " + server.dataDir + " exited with code "
                        + server.process.exitValue() + " while starting. Server log (last lines):\n"
                        + CommandLine.tail(log, 20));
            }
            if (isReady(pidFile, server.process.pid()) && server.accepts()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new DatabaseServerException("PostgreSQL on " + server.dataDir + " did not accept connections"
                        + " within " + timeout.toSeconds() + " s (crash recovery of a big folder can take longer: "
                        + "pass a longer timeout). Server log (last lines):\n" + CommandLine.tail(log, 20));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DatabaseServerException("Interrupted while waiting for PostgreSQL on " + server.dataDir, e);
            }
        }
    }

    /** postmaster.pid: line 1 = pid, line 8 = status ("ready" once it accepts connections), as pg_ctl -w reads. */
    private static boolean isReady(Path pidFile, long pid) {
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return lines.size() >= 8 && lines.get(0).trim().equals(Long.toString(pid))
                    && lines.get(7).trim().equals("ready");
        } catch (IOException | UncheckedIOException e) {
            return false; // not written yet, or being rewritten
        }
    }

    private boolean accepts() {
        if (listen == Listen.UNIX_SOCKET_ONLY) {
            return Files.exists(socketFile()); // the postmaster creates it once it accepts connections
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void checkFolder(Path dir, PostgresBinaries binaries) {
        Path version = dir.resolve("PG_VERSION");
        if (!Files.isDirectory(dir) || !Files.isRegularFile(version)) {
            throw new DatabaseServerException("No PostgreSQL data folder at " + dir + " (expected a directory with "
                    + "PG_VERSION). Create one with PostgresCluster.create or point to an existing folder.");
        }
        String major;
        try {
            major = Files.readString(version, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new DatabaseServerException("Cannot read " + version + ": " + e.getMessage(), e);
        }
        if (!major.equals(Integer.toString(binaries.majorVersion()))) {
            throw new DatabaseServerException("The data folder " + dir + " is PostgreSQL " + major + " but the "
                    + "binaries are " + binaries.version() + "; a server only opens folders of its own major version.");
        }
    }

    private static void requireReachable(Path path, int uid, int gid, String what) {
        String unreachable = RunDirectory.unreachable(path, uid, gid, what);
        if (unreachable != null) {
            throw new DatabaseServerException(unreachable);
        }
    }

    private static Path createRunDir(int uid, int gid) {
        try {
            return RunDirectory.create(uid, gid);
        } catch (UncheckedIOException e) {
            throw new DatabaseServerException(e.getMessage(), e);
        }
    }

    /** The chosen port was taken between picking and binding. */
    private static final class PortTakenException extends DatabaseServerException {
        private static final long serialVersionUID = 1L;

        PortTakenException(int port, String tail) {
            super("Port " + port + " was taken by another process. Server log (last lines):\n" + tail);
        }
    }
}
