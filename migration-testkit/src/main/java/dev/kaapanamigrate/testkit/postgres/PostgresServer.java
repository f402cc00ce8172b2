package dev.kaapanamigrate.testkit.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

import dev.kaapanamigrate.testkit.internal.CommandLine;
import dev.kaapanamigrate.testkit.internal.FreePort;
import dev.kaapanamigrate.testkit.internal.Posix;

/**
 * A PostgreSQL server running on a data folder, like a Kaapana PostgreSQL pod, reachable on
 * {@code 127.0.0.1:}{@link #port()}.
 *
 * <p>All settings are passed on the command line ({@code -p}, {@code listen_addresses=127.0.0.1}, a private
 * {@code unix_socket_directories}, {@code logging_collector=off}); nothing in the folder's configuration is
 * changed, so a folder can be started, stopped and migrated like the real one. When the JVM runs as root, the
 * server runs as the folder's owner (PostgreSQL refuses root), via {@code setpriv}.
 *
 * <p>{@link #close()} shuts the server down cleanly (fast mode, with a checkpoint) and waits for it; a JVM
 * shutdown hook closes servers a test run forgot. Thread-safe.
 */
public final class PostgresServer implements AutoCloseable {

    /** How long {@link #start(Path)} waits for the server to accept connections by default. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
    private static final Set<PostgresServer> RUNNING = ConcurrentHashMap.newKeySet();
    private static final String HOST = "127.0.0.1";
    private static final int STOP_TIMEOUT_SECONDS = 120;

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

    private final PostgresBinaries binaries;
    private final Path dataDir;
    private final Path runDir;
    private final int port;
    private final int uid;
    private final int gid;
    private final Process process;
    private volatile boolean closed;

    private PostgresServer(PostgresBinaries binaries, Path dataDir, Path runDir, int port, int uid, int gid,
            Process process) {
        this.binaries = binaries;
        this.dataDir = dataDir;
        this.runDir = runDir;
        this.port = port;
        this.uid = uid;
        this.gid = gid;
        this.process = process;
    }

    /**
     * Starts a server on a data folder with the binaries {@link PostgresBinaries#resolve()} chooses.
     *
     * @param dataDir an initialised, stopped data folder (created by {@link PostgresCluster#create} or moved
     *                from an installation)
     * @return the running server
     * @throws PostgresTestkitException if the folder is not usable or the server does not become ready in time
     */
    public static PostgresServer start(Path dataDir) {
        return start(dataDir, PostgresBinaries.resolve(), DEFAULT_START_TIMEOUT);
    }

    /**
     * Starts a server on a data folder with the given binaries.
     *
     * @param dataDir  an initialised, stopped data folder
     * @param binaries the binaries (same major version and libc as those that created the folder)
     * @return the running server
     * @throws PostgresTestkitException if the folder is not usable or the server does not become ready in time
     */
    public static PostgresServer start(Path dataDir, PostgresBinaries binaries) {
        return start(dataDir, binaries, DEFAULT_START_TIMEOUT);
    }

    /**
     * Starts a server on a data folder.
     *
     * @param dataDir  an initialised, stopped data folder
     * @param binaries the binaries (same major version and libc as those that created the folder)
     * @param timeout  how long to wait for the server to accept connections
     * @return the running server
     * @throws PostgresTestkitException if the folder is not usable or the server does not become ready in time
     */
    public static PostgresServer start(Path dataDir, PostgresBinaries binaries, Duration timeout) {
        Objects.requireNonNull(binaries, "binaries");
        Objects.requireNonNull(timeout, "timeout");
        Path dir = dataDir.toAbsolutePath().normalize();
        checkFolder(dir, binaries);
        int ownerUid = Posix.ownerUid(dir);
        int ownerGid = Posix.ownerGid(dir);
        int runUid;
        int runGid;
        if (Posix.isRoot()) {
            if (ownerUid == 0) {
                throw new PostgresTestkitException("The data folder " + dir + " is owned by root; PostgreSQL "
                        + "refuses to run as root. Expected the owner of a Kaapana PostgreSQL folder (uid 70): "
                        + "chown -R 70:70 " + dir + ".");
            }
            runUid = ownerUid;
            runGid = ownerGid;
        } else {
            runUid = Posix.uid();
            runGid = Posix.gid();
            if (ownerUid != runUid) {
                throw new PostgresTestkitException("The data folder " + dir + " is owned by uid " + ownerUid
                        + " but this JVM runs as uid " + runUid + "; PostgreSQL only runs as the folder's owner. "
                        + "Run the JVM as uid " + ownerUid + " or as root.");
            }
        }
        requireReachable(dir, runUid, runGid, "data folder");
        requireReachable(binaries.bin("postgres"), runUid, runGid, "PostgreSQL binaries");

        PostgresTestkitException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port = FreePort.pick();
            try {
                return launch(binaries, dir, port, runUid, runGid, timeout);
            } catch (PortTakenException e) {
                LOG.debug("Port {} was taken, retrying ({}/3)", port, attempt);
                last = e;
            }
        }
        throw last;
    }

    /**
     * The TCP port the server listens on (on {@code 127.0.0.1}).
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
     */
    public String host() {
        return HOST;
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
     * A JDBC URL for a database of this server.
     *
     * @param database the database name
     * @return {@code jdbc:postgresql://127.0.0.1:<port>/<database>}
     */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/"
                + URLEncoder.encode(Objects.requireNonNull(database, "database"), StandardCharsets.UTF_8);
    }

    /**
     * A data source for a database of this server (a new connection per call, no pool).
     *
     * @param database the database name
     * @param user     the role to log in as
     * @param password its password (TCP connections use SCRAM-SHA-256 on folders made like the image's)
     * @return the data source
     */
    public DataSource dataSource(String database, String user, String password) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {HOST});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(Objects.requireNonNull(database, "database"));
        ds.setUser(Objects.requireNonNull(user, "user"));
        ds.setPassword(password);
        ds.setApplicationName("kaapana-migrate-testkit");
        return ds;
    }

    /**
     * Stops the server cleanly ({@code pg_ctl stop -m fast -w}: clients are disconnected, a shutdown
     * checkpoint is written), waits for every server process to exit and removes the socket directory.
     * Idempotent.
     *
     * @throws PostgresTestkitException if the server does not stop in time (it is then killed)
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
                List<String> cmd = CommandLine.asUser(List.of(binaries.bin("pg_ctl").toString(), "stop", "-D",
                        dataDir.toString(), "-m", "fast", "-w", "-t", Integer.toString(STOP_TIMEOUT_SECONDS)),
                        uid, gid);
                int rc = CommandLine.run(CommandLine.builder(cmd, runDir, log, Map.of()), STOP_TIMEOUT_SECONDS + 10L);
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
        try {
            Posix.deleteTree(runDir);
        } catch (IOException e) {
            LOG.debug("Could not remove {}: {}", runDir, e.toString());
        }
        LOG.info("Stopped PostgreSQL on {} in {} ms", dataDir, (System.nanoTime() - start) / 1_000_000);
        if (problem != null) {
            throw new PostgresTestkitException("PostgreSQL on " + dataDir + " did not stop cleanly: " + problem
                    + ". It was terminated; the folder may need crash recovery at its next start.");
        }
    }

    @Override
    public String toString() {
        return "PostgresServer[" + dataDir + " on " + HOST + ":" + port + ", pid " + process.pid() + ", "
                + binaries.libc() + "]";
    }

    private static PostgresServer launch(PostgresBinaries binaries, Path dir, int port, int uid, int gid,
            Duration timeout) {
        long start = System.nanoTime();
        Path runDir = createRunDir(uid, gid);
        Path log = runDir.resolve("postgres.log");
        List<String> cmd = CommandLine.asUser(List.of(binaries.bin("postgres").toString(), "-D", dir.toString(),
                "-p", Integer.toString(port), "-c", "listen_addresses=" + HOST, "-c",
                "unix_socket_directories=" + runDir, "-c", "logging_collector=off"), uid, gid);
        Process process;
        try {
            process = CommandLine.builder(cmd, runDir, log, Map.of()).start();
        } catch (IOException e) {
            deleteQuietly(runDir);
            throw new PostgresTestkitException("Could not run " + cmd.get(0) + " for " + dir + ": " + e.getMessage()
                    + (cmd.get(0).equals("setpriv") ? ". setpriv (util-linux) must be on the PATH when running as "
                    + "root." : ""), e);
        }
        PostgresServer server = new PostgresServer(binaries, dir, runDir, port, uid, gid, process);
        RUNNING.add(server);
        try {
            awaitReady(server, log, timeout);
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
            throw e instanceof PostgresTestkitException ? e
                    : new PostgresTestkitException("PostgreSQL on " + dir + " failed to start: " + e, e);
        }
        LOG.info("Started PostgreSQL {} ({}) on {} at {}:{} as uid {} in {} ms", binaries.version(), binaries.libc(),
                dir, HOST, port, uid, (System.nanoTime() - start) / 1_000_000);
        return server;
    }

    private static void awaitReady(PostgresServer server, Path log, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path pidFile = server.dataDir.resolve("postmaster.pid");
        while (true) {
            if (!server.process.isAlive()) {
                throw new PostgresTestkitException("PostgreSQL on " + server.dataDir + " exited with code "
                        + server.process.exitValue() + " while starting. Server log (last lines):\n"
                        + CommandLine.tail(log, 20));
            }
            if (isReady(pidFile, server.process.pid()) && accepts(server.port)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new PostgresTestkitException("PostgreSQL on " + server.dataDir + " did not accept connections"
                        + " within " + timeout.toSeconds() + " s (crash recovery of a big folder can take longer: "
                        + "pass a longer timeout). Server log (last lines):\n" + CommandLine.tail(log, 20));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PostgresTestkitException("Interrupted while waiting for PostgreSQL on " + server.dataDir, e);
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

    private static boolean accepts(int port) {
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
            throw new PostgresTestkitException("No PostgreSQL data folder at " + dir + " (expected a directory with "
                    + "PG_VERSION). Create one with PostgresCluster.create or point to an existing folder.");
        }
        String major;
        try {
            major = Files.readString(version, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new PostgresTestkitException("Cannot read " + version + ": " + e.getMessage(), e);
        }
        if (!major.equals(Integer.toString(binaries.majorVersion()))) {
            throw new PostgresTestkitException("The data folder " + dir + " is PostgreSQL " + major + " but the "
                    + "binaries are " + binaries.version() + "; a server only opens folders of its own major version.");
        }
    }

    static void requireReachable(Path path, int uid, int gid, String what) {
        String blocked = Posix.unreachableAncestor(path, uid, gid);
        if (blocked != null) {
            throw new PostgresTestkitException("The " + what + " " + path + " cannot be reached by uid " + uid
                    + ": the directory " + blocked + " is not searchable for it. Make the directories on the way "
                    + "searchable (e.g. chmod o+x), or place the folder elsewhere.");
        }
    }

    static Path createRunDir(int uid, int gid) {
        try {
            Path base = Path.of(System.getProperty("java.io.tmpdir"));
            if (base.toAbsolutePath().toString().length() > 60) {
                base = Path.of("/tmp"); // Unix socket paths are limited to 107 bytes
            }
            Path dir = Files.createTempDirectory(base, "kmig-pg-");
            Posix.chmod(dir, 0700);
            if (Posix.uid() != uid) {
                Posix.chown(dir, uid, gid);
            }
            return dir;
        } catch (IOException e) {
            throw new PostgresTestkitException("Cannot create a private run directory under java.io.tmpdir: " + e, e);
        }
    }

    static void deleteQuietly(Path dir) {
        try {
            Posix.deleteTree(dir);
        } catch (IOException e) {
            LOG.debug("Could not remove {}: {}", dir, e.toString());
        }
    }

    /** The chosen port was taken between picking and binding. */
    private static final class PortTakenException extends PostgresTestkitException {
        private static final long serialVersionUID = 1L;

        PortTakenException(int port, String tail) {
            super("Port " + port + " was taken by another process. Server log (last lines):\n" + tail);
        }
    }
}
