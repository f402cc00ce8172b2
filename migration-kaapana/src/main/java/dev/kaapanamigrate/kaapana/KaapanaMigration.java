package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.MigrationListener;
import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.postgres.DetectVersionStep;
import dev.kaapanamigrate.postgres.PreflightStep;
import dev.kaapanamigrate.postgres.RenameDataFoldersStep;
import dev.kaapanamigrate.postgres.WriteVersionStep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Kaapana 0.4.x → 0.5.2 migration plan. So far it holds the offline part that needs only
 * FAST_DATA_DIR: detect the installed version, preflight the PostgreSQL data folders, move them to their
 * 0.5 names, and finally write the full target version to {@code FAST/version}. The database, object-store
 * and index steps join it as they are built.
 *
 * <pre>{@code
 * MigrationPlan plan = KaapanaMigration.configure(Path.of("/home/kaapana"))
 *         .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
 *         .plan();
 * PlanPreview preview = plan.check();        // dry-run
 * MigrationResult result = plan.run();       // journal and lock in FAST_DATA_DIR/.kaapana-migrate
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

    private KaapanaMigration(Path fastDataDir, Path stateDirectory, Path backupDirectory, PlatformControl platformControl,
                             List<MigrationListener> listeners) {
        this.fastDataDir = fastDataDir;
        this.stateDirectory = stateDirectory;
        this.backupDirectory = backupDirectory;
        this.platformControl = platformControl;
        this.listeners = List.copyOf(listeners);
    }

    /**
     * Starts configuring a migration of the installation in {@code fastDataDir}.
     *
     * @param fastDataDir Kaapana's FAST_DATA_DIR
     * @return an immutable configuration; every method returns a new one
     */
    public static KaapanaMigration configure(Path fastDataDir) {
        Path fast = Objects.requireNonNull(fastDataDir, "fastDataDir");
        return new KaapanaMigration(fast, fast.resolve(STATE_DIRECTORY), null, null, List.of());
    }

    /**
     * Where the journal and lock live; {@code FAST_DATA_DIR/.kaapana-migrate} by default, beside the data.
     *
     * @param dir the state directory
     * @return a new configuration
     */
    public KaapanaMigration stateDirectory(Path dir) {
        return new KaapanaMigration(fastDataDir, Objects.requireNonNull(dir, "dir"), backupDirectory, platformControl,
                listeners);
    }

    /**
     * A folder that will receive a backup of the data folders; the preflight then checks its free space.
     *
     * @param dir the backup folder
     * @return a new configuration
     */
    public KaapanaMigration backupDirectory(Path dir) {
        return new KaapanaMigration(fastDataDir, stateDirectory, Objects.requireNonNull(dir, "dir"), platformControl,
                listeners);
    }

    /**
     * How the plan learns and changes the platform state. Required.
     *
     * @param control the control
     * @return a new configuration
     */
    public KaapanaMigration platformControl(PlatformControl control) {
        return new KaapanaMigration(fastDataDir, stateDirectory, backupDirectory, Objects.requireNonNull(control, "control"),
                listeners);
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
        return new KaapanaMigration(fastDataDir, stateDirectory, backupDirectory, platformControl, more);
    }

    /**
     * The steps, in the order they run: all need the platform undeployed, and the version is written last,
     * once everything else is done.
     *
     * @return the steps
     */
    public List<MigrationStep> steps() {
        return List.of(new DetectVersionStep(fastDataDir), new PreflightStep(fastDataDir, backupDirectory),
                new RenameDataFoldersStep(fastDataDir), new WriteVersionStep(fastDataDir));
    }

    /**
     * Builds the plan.
     *
     * @return the plan
     * @throws dev.kaapanamigrate.core.ConfigurationException when no platform control was given
     */
    public MigrationPlan plan() {
        MigrationPlan.Builder builder = MigrationPlan.builder().steps(steps()).stateDirectory(stateDirectory);
        if (platformControl != null) {
            builder = builder.platformControl(platformControl);
        }
        for (MigrationListener listener : listeners) {
            builder = builder.listener(listener);
        }
        return builder.build();
    }
}
