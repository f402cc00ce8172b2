package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.ConfigurationException;
import dev.kaapanamigrate.core.MigrationListener;
import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.postgres.BackendReferencesOptions;
import dev.kaapanamigrate.postgres.BackendReferencesStep;
import dev.kaapanamigrate.postgres.DatabaseConnections;
import dev.kaapanamigrate.domain.DataFolderMove;
import dev.kaapanamigrate.postgres.DatabaseMigrationOptions;
import dev.kaapanamigrate.postgres.DetectVersionStep;
import dev.kaapanamigrate.postgres.MigrateAccessInformationStep;
import dev.kaapanamigrate.postgres.MigrateBackendStep;
import dev.kaapanamigrate.postgres.MigrateDicomWebFilterStep;
import dev.kaapanamigrate.postgres.PreflightStep;
import dev.kaapanamigrate.postgres.RenameDataFoldersStep;
import dev.kaapanamigrate.postgres.ReportExtensionDagsStep;
import dev.kaapanamigrate.postgres.RolePasswordOptions;
import dev.kaapanamigrate.postgres.RolePasswordStep;
import dev.kaapanamigrate.postgres.StopTemporaryServersStep;
import dev.kaapanamigrate.postgres.TemporaryServers;
import dev.kaapanamigrate.postgres.WriteVersionStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Kaapana 0.4.x → 0.5.2 migration plan: the part that runs while the platform is undeployed and needs
 * only FAST_DATA_DIR. In order: detect the installed version, preflight the PostgreSQL data folders, move
 * them to their 0.5 names, check the access-information/dicom-web-filter role password 0.5 uses, migrate the
 * three service databases to their exact 0.5.2 schemas (project UUIDs shared), rewrite the backend's stored
 * references, report extension DAGs, stop the temporary servers, and finally write the full target version
 * to {@code FAST/version}. The object-store and index steps join it as they are built.
 *
 * <p>The database steps connect through {@link TemporaryServers} on the moved folders by default (embedded
 * musl-built PostgreSQL 17.2); callers who run their own servers pass {@link #databaseConnections}.
 *
 * <pre>{@code
 * MigrationPlan plan = KaapanaMigration.configure(Path.of("/home/kaapana"))
 *         .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
 *         .plan();
 * PlanPreview preview = plan.check();        // dry-run: database steps rehearse on copies of the folders
 * MigrationResult result = plan.run();       // journal and lock in FAST_DATA_DIR/.kaapana-migrate
 *
 * // every plan setting (clock, ids, timeouts, more steps) through the plan builder:
 * MigrationPlan seeded = KaapanaMigration.configure(fast).platformControl(control)
 *         .planBuilder().idSource(IdSource.seeded(42)).build();
 * }</pre>
 */
public final class KaapanaMigration {

    /** The name of the state directory (journal and lock) created in FAST_DATA_DIR by default. */
    public static final String STATE_DIRECTORY = DetectVersionStep.STATE_DIRECTORY;

    private final Path fastDataDir;
    private final Path stateDirectory;
    private final Path backupDirectory;
    private final PlatformControl platformControl;
    private final List<MigrationListener> listeners;
    private final DatabaseConnections connections;
    private final DatabaseMigrationOptions databaseOptions;
    private final BackendReferencesOptions referenceOptions;
    private final RolePasswordOptions passwordOptions;

    private KaapanaMigration(Path fastDataDir, Path stateDirectory, Path backupDirectory, PlatformControl platformControl,
                             List<MigrationListener> listeners, DatabaseConnections connections,
                             DatabaseMigrationOptions databaseOptions, BackendReferencesOptions referenceOptions,
                             RolePasswordOptions passwordOptions) {
        this.fastDataDir = fastDataDir;
        this.stateDirectory = stateDirectory;
        this.backupDirectory = backupDirectory;
        this.platformControl = platformControl;
        this.listeners = List.copyOf(listeners);
        this.connections = connections;
        this.databaseOptions = databaseOptions;
        this.referenceOptions = referenceOptions;
        this.passwordOptions = passwordOptions;
    }

    private KaapanaMigration with(Path stateDir, Path backupDir, PlatformControl control, List<MigrationListener> ls,
            DatabaseConnections conns, DatabaseMigrationOptions dbOptions, BackendReferencesOptions refOptions,
            RolePasswordOptions pwOptions) {
        return new KaapanaMigration(fastDataDir, stateDir, backupDir, control, ls, conns, dbOptions, refOptions, pwOptions);
    }

    /**
     * Starts configuring a migration of the installation in {@code fastDataDir}.
     *
     * @param fastDataDir Kaapana's FAST_DATA_DIR
     * @return an immutable configuration; every method returns a new one
     */
    public static KaapanaMigration configure(Path fastDataDir) {
        Path fast = Objects.requireNonNull(fastDataDir, "fastDataDir");
        return new KaapanaMigration(fast, fast.resolve(STATE_DIRECTORY), null, null, List.of(), null,
                DatabaseMigrationOptions.defaults(), BackendReferencesOptions.defaults(), RolePasswordOptions.defaults());
    }

    /**
     * How the database steps reach the access-information, dicom-web-filter and backend databases. Default:
     * {@code TemporaryServers.builder(fastDataDir).build()}, temporary servers on the moved folders; pass a
     * configured {@link TemporaryServers} (binary directory, folder libc, rehearsal directory) or your own
     * {@code DatabaseConnections.of(...)}.
     *
     * @param connections the connections
     * @return a new configuration
     */
    public KaapanaMigration databaseConnections(DatabaseConnections connections) {
        return with(stateDirectory, backupDirectory, platformControl, listeners,
                Objects.requireNonNull(connections, "connections"), databaseOptions, referenceOptions, passwordOptions);
    }

    /**
     * Decisions the database migrations cannot take alone (admin project, series mapped to unknown projects).
     *
     * @param options the options; default {@link DatabaseMigrationOptions#defaults()}
     * @return a new configuration
     */
    public KaapanaMigration databaseOptions(DatabaseMigrationOptions options) {
        return with(stateDirectory, backupDirectory, platformControl, listeners, connections,
                Objects.requireNonNull(options, "options"), referenceOptions, passwordOptions);
    }

    /**
     * Which stored references of the backend are rewritten.
     *
     * @param options the options; default {@link BackendReferencesOptions#defaults()}
     * @return a new configuration
     */
    public KaapanaMigration backendReferences(BackendReferencesOptions options) {
        return with(stateDirectory, backupDirectory, platformControl, listeners, connections, databaseOptions,
                Objects.requireNonNull(options, "options"), passwordOptions);
    }

    /**
     * Whether a role password 0.5 cannot use is reset (default: reported, the run blocks before any database
     * changes). The step runs right after the folder moves.
     *
     * @param options the options
     * @return a new configuration
     */
    public KaapanaMigration rolePasswords(RolePasswordOptions options) {
        return with(stateDirectory, backupDirectory, platformControl, listeners, connections, databaseOptions,
                referenceOptions, Objects.requireNonNull(options, "options"));
    }

    /**
     * Where the journal and lock live; {@code FAST_DATA_DIR/.kaapana-migrate} by default, beside the data.
     *
     * @param dir the state directory
     * @return a new configuration
     */
    public KaapanaMigration stateDirectory(Path dir) {
        return with(Objects.requireNonNull(dir, "dir"), backupDirectory, platformControl, listeners, connections,
                databaseOptions, referenceOptions, passwordOptions);
    }

    /**
     * A folder that will receive a backup of the data folders; the preflight then checks its free space.
     *
     * @param dir the backup folder
     * @return a new configuration
     */
    public KaapanaMigration backupDirectory(Path dir) {
        return with(stateDirectory, Objects.requireNonNull(dir, "dir"), platformControl, listeners, connections,
                databaseOptions, referenceOptions, passwordOptions);
    }

    /**
     * How the plan learns and changes the platform state. Required.
     *
     * @param control the control
     * @return a new configuration
     */
    public KaapanaMigration platformControl(PlatformControl control) {
        return with(stateDirectory, backupDirectory, Objects.requireNonNull(control, "control"), listeners, connections,
                databaseOptions, referenceOptions, passwordOptions);
    }

    /**
     * Adds a listener.
     *
     * @param listener the listener
     * @return a new configuration
     */
    public KaapanaMigration listener(MigrationListener listener) {
        List<MigrationListener> more = new ArrayList<>(listeners);
        more.add(Objects.requireNonNull(listener, "listener"));
        return with(stateDirectory, backupDirectory, platformControl, more, connections, databaseOptions,
                referenceOptions, passwordOptions);
    }

    /**
     * A plan builder holding the Kaapana steps, wired in the order the guide needs, the state directory (bound to
     * FAST_DATA_DIR), the platform control and the listeners: add steps of your own, or set the clock, the id source or
     * the platform timeout, then {@code build()}. Each call creates new steps; with the default connections, new
     * temporary servers.
     *
     * @return the builder
     * @throws ConfigurationException when FAST_DATA_DIR does not exist, or the state directory lies in a data folder
     */
    public MigrationPlan.Builder planBuilder() {
        if (!Files.isDirectory(fastDataDir)) {
            throw new ConfigurationException("FAST_DATA_DIR " + fastDataDir + (Files.exists(fastDataDir)
                    ? " is not a folder" : " does not exist") + "; expected Kaapana's data folder (FAST_DATA_DIR of the "
                    + "platform's deploy script). Check the path for a typo; nothing was created.");
        }
        Path state = stateDirectory.toAbsolutePath().normalize();
        for (DataFolderMove move : DataFolderMove.values()) {
            for (String name : List.of(move.from(), move.to())) {
                Path folder = fastDataDir.toAbsolutePath().normalize().resolve(name);
                if (state.startsWith(folder)) {
                    throw new ConfigurationException("The state directory " + stateDirectory + " lies in the data "
                            + "folder " + folder + ", which the migration moves (the journal would move with it); "
                            + "expected a state directory outside the five PostgreSQL data folders, for example "
                            + fastDataDir.resolve(STATE_DIRECTORY) + " (the default).");
                }
            }
        }
        DatabaseConnections conns = connections != null ? connections : TemporaryServers.builder(fastDataDir).build();
        MigrationPlan.Builder b = MigrationPlan.builder()
                .step(new DetectVersionStep(fastDataDir))
                .step(new PreflightStep(fastDataDir, backupDirectory), DetectVersionStep.ID)
                .step(new RenameDataFoldersStep(fastDataDir), PreflightStep.ID)
                .step(new RolePasswordStep(conns, passwordOptions), RenameDataFoldersStep.ID)
                .step(new MigrateAccessInformationStep(conns, databaseOptions), RolePasswordStep.ID)
                .step(new MigrateDicomWebFilterStep(conns, databaseOptions), MigrateAccessInformationStep.ID)
                .step(new MigrateBackendStep(conns), MigrateAccessInformationStep.ID)
                .step(new BackendReferencesStep(conns, referenceOptions), MigrateBackendStep.ID)
                .step(new ReportExtensionDagsStep(conns), BackendReferencesStep.ID);
        String last = ReportExtensionDagsStep.ID;
        if (conns instanceof TemporaryServers servers) {
            b = b.step(new StopTemporaryServersStep(servers), ReportExtensionDagsStep.ID, MigrateDicomWebFilterStep.ID);
            last = StopTemporaryServersStep.ID;
        }
        // The version marker last: 0.5.2's deploy migrates by itself when FAST/version is missing.
        b = b.step(new WriteVersionStep(fastDataDir), last, MigrateDicomWebFilterStep.ID)
                .stateDirectory(stateDirectory)
                .installationRoot(fastDataDir);
        if (platformControl != null) {
            b = b.platformControl(platformControl);
        }
        for (MigrationListener listener : listeners) {
            b = b.listener(listener);
        }
        return b;
    }

    /**
     * Builds the plan: {@code planBuilder().build()}.
     *
     * @return the plan
     * @throws ConfigurationException when no platform control was given, FAST_DATA_DIR does not exist, or the state
     *                                directory lies in a data folder
     */
    public MigrationPlan plan() {
        return planBuilder().build();
    }
}
