package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.ConfigurationException;
import dev.kaapanamigrate.core.PlatformControl;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How {@link KaapanaBackup#restore} restores. Immutable; every method returns a new value.
 *
 * <pre>{@code
 * RestoreOptions options = RestoreOptions.defaults().refusingWhenRunning(control);
 * }</pre>
 *
 * @param platformControl when set, the restore is refused unless it reports the platform undeployed; {@code null}: not
 *                        asked (the caller knows)
 * @param stateDirectory  the migration's state directory to move aside; {@code null} for
 *                        {@code FAST_DATA_DIR/.kaapana-migrate}
 * @param threads         how many files are copied and digested at once
 */
public record RestoreOptions(PlatformControl platformControl, Path stateDirectory, int threads) {

    /**
     * Validates the components.
     *
     * @param platformControl the control to ask, or {@code null}
     * @param stateDirectory  the state directory, or {@code null}
     * @param threads         parallel workers
     */
    public RestoreOptions {
        if (threads < 1) {
            throw new ConfigurationException("threads must be at least 1, was " + threads);
        }
    }

    /**
     * No platform check, the default state directory, one thread per core (at most 4).
     *
     * @return the options
     */
    public static RestoreOptions defaults() {
        return new RestoreOptions(null, null, BackupOptions.defaultThreads());
    }

    /**
     * Refuses the restore unless this control reports the platform {@code UNDEPLOYED} (0.4 or 0.5 running would use
     * the folders being replaced).
     *
     * @param control the control
     * @return new options
     */
    public RestoreOptions refusingWhenRunning(PlatformControl control) {
        return new RestoreOptions(Objects.requireNonNull(control, "control"), stateDirectory, threads);
    }

    /**
     * The migration's state directory when it is not {@code FAST_DATA_DIR/.kaapana-migrate}.
     *
     * @param dir the state directory
     * @return new options
     */
    public RestoreOptions withStateDirectory(Path dir) {
        return new RestoreOptions(platformControl, Objects.requireNonNull(dir, "dir"), threads);
    }

    /**
     * Another number of parallel workers.
     *
     * @param value at least 1
     * @return new options
     */
    public RestoreOptions withThreads(int value) {
        return new RestoreOptions(platformControl, stateDirectory, value);
    }
}
