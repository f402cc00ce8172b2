package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.ConfigurationException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where and what {@link BackupStep} backs up. Immutable; every {@code with...} returns a new value.
 *
 * <pre>{@code
 * BackupOptions options = BackupOptions.to(Path.of("/mnt/backup"))      // must exist, outside FAST_DATA_DIR
 *         .withScope(BackupScope.WHOLE_TREE);                         // default: the database folders
 * }</pre>
 *
 * @param target         the folder that receives the backup ({@code <target>/<name>}, its manifest beside it); must
 *                       exist and lie outside FAST_DATA_DIR
 * @param scope          what is copied
 * @param name           the backup folder's name below the target
 * @param threads        how many files are copied and digested at once
 * @param stateDirectory the migration's state directory, never copied; {@code null} for
 *                       {@code FAST_DATA_DIR/.kaapana-migrate}
 */
public record BackupOptions(Path target, BackupScope scope, String name, int threads, Path stateDirectory) {

    /** The default name of the backup folder. */
    public static final String DEFAULT_NAME = "kaapana-backup";

    /**
     * Validates the components.
     *
     * @param target         the target folder
     * @param scope          what is copied
     * @param name           the backup folder's name
     * @param threads        parallel workers
     * @param stateDirectory the state directory, or {@code null}
     */
    public BackupOptions {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.contains("/") || name.startsWith(".") || name.equals("..")) {
            throw new ConfigurationException("The backup name '" + name + "' is not a plain folder name; expected for "
                    + "example \"" + DEFAULT_NAME + "\".");
        }
        if (threads < 1) {
            throw new ConfigurationException("threads must be at least 1, was " + threads);
        }
    }

    /**
     * A backup of the database folders into {@code target/kaapana-backup}, with one thread per core (at most 4).
     *
     * @param target the target folder
     * @return the options
     */
    public static BackupOptions to(Path target) {
        return new BackupOptions(target, BackupScope.DATABASE_FOLDERS, DEFAULT_NAME, defaultThreads(), null);
    }

    /**
     * Another scope.
     *
     * @param value what to copy
     * @return new options
     */
    public BackupOptions withScope(BackupScope value) {
        return new BackupOptions(target, value, name, threads, stateDirectory);
    }

    /**
     * Another name of the backup folder.
     *
     * @param value a plain folder name
     * @return new options
     */
    public BackupOptions withName(String value) {
        return new BackupOptions(target, scope, value, threads, stateDirectory);
    }

    /**
     * Another number of parallel workers.
     *
     * @param value at least 1
     * @return new options
     */
    public BackupOptions withThreads(int value) {
        return new BackupOptions(target, scope, name, value, stateDirectory);
    }

    /**
     * The migration's state directory when it is not {@code FAST_DATA_DIR/.kaapana-migrate}: never copied.
     *
     * @param value the state directory
     * @return new options
     */
    public BackupOptions withStateDirectory(Path value) {
        return new BackupOptions(target, scope, name, threads, Objects.requireNonNull(value, "stateDirectory"));
    }

    /**
     * The backup folder.
     *
     * @return {@code target/name}
     */
    public Path directory() {
        return target.resolve(name);
    }

    static int defaultThreads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }
}
