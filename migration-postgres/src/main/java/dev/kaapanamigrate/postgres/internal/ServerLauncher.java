package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.pgserver.DatabaseServerException;
import dev.kaapanamigrate.pgserver.Libc;
import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.pgserver.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a temporary server on a data folder that no live process uses: the binaries of the folders' libc (or the
 * caller's), over a private Unix socket, with the temporary servers' settings on the command line. Knows nothing of
 * contexts, journals or copies.
 */
public final class ServerLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(ServerLauncher.class);

    private final PostgresBinaries configuredBinaries;
    private final Path binaryDirectory;
    private final Libc folderLibc;
    private final Duration startTimeout;
    private PostgresBinaries binaries;

    /**
     * Creates the launcher; the binaries are resolved on first use.
     *
     * @param binaries        binaries resolved by the caller, or {@code null}
     * @param binaryDirectory a directory with binaries, or {@code null}
     * @param folderLibc      the C library of the PostgreSQL that made the folders (the default binaries are its build)
     * @param startTimeout    how long a server may take to accept connections
     */
    public ServerLauncher(PostgresBinaries binaries, Path binaryDirectory, Libc folderLibc, Duration startTimeout) {
        this.configuredBinaries = binaries;
        this.binaryDirectory = binaryDirectory;
        this.folderLibc = folderLibc;
        this.startTimeout = startTimeout;
    }

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
    public static Map<String, String> settings(boolean minimalWal, int majorVersion) {
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

    /**
     * The binaries the servers run: the caller's, those in the configured directory, or the embedded build of the
     * folders' libc.
     *
     * @return the binaries
     */
    public synchronized PostgresBinaries binaries() {
        if (binaries == null) {
            binaries = configuredBinaries != null ? configuredBinaries
                    : binaryDirectory != null ? PostgresBinaries.at(binaryDirectory)
                    : PostgresBinaries.resolve(folderLibc);
        }
        return binaries;
    }

    /**
     * Refuses a folder that is no data folder or that a live process uses; starts nothing.
     *
     * @param database the database, for messages
     * @param folder   the data folder
     * @throws PreconditionFailedException naming what was found
     */
    public static void requireStoppedDataFolder(ServiceDatabase database, Path folder) {
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

    /**
     * Starts a server with the minimal-WAL settings, or without them when the folder has replication slots or its
     * configuration refuses them (WAL archiving): the first attempt then fails at its configuration check, before
     * PostgreSQL touches any data.
     *
     * @param folder the data folder (checked with {@link #requireStoppedDataFolder} by the caller)
     * @return the running server
     * @throws DatabaseServerException when it does not start
     */
    public PostgresServer start(Path folder) {
        if (!hasReplicationSlots(folder)) {
            try {
                return start(folder, true);
            } catch (DatabaseServerException e) {
                LOG.warn("PostgreSQL on {} does not start with wal_level=minimal (for example because its configuration "
                        + "archives WAL); starting it with its own WAL settings: {}", folder, e.getMessage());
            }
        } else {
            LOG.info("{} has replication slots: its temporary server keeps the folder's own WAL settings", folder);
        }
        return start(folder, false);
    }

    private PostgresServer start(Path folder, boolean minimalWal) {
        PostgresBinaries bin = binaries();
        PostgresServer.Builder builder = PostgresServer.on(folder).binaries(bin)
                .listen(PostgresServer.Listen.UNIX_SOCKET_ONLY).startTimeout(startTimeout)
                // a temporary server must not outlive its run (see docs/design.md: the 0.5 pods may start next)
                .stopOnJvmExit(true);
        for (Map.Entry<String, String> setting : settings(minimalWal, bin.majorVersion()).entrySet()) {
            builder = builder.setting(setting.getKey(), setting.getValue());
        }
        return builder.start();
    }

    private static boolean hasReplicationSlots(Path folder) {
        try (var slots = Files.list(folder.resolve("pg_replslot"))) {
            return slots.findAny().isPresent();
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return true; // cannot tell: the settings that work either way
        }
    }
}
