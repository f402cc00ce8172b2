package dev.kaapanamigrate.core;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Another run holds the lock of the same state directory. The message names the holder (process id, host,
 * start time and run id). Code {@link CoreErrorCode#CONCURRENT_RUN}.
 */
public class ConcurrentRunException extends MigrationException {

    private static final long serialVersionUID = 1L;

    private final transient LockHolder holder;

    /**
     * Creates the exception.
     *
     * @param lockFile the lock file
     * @param holder   who holds it, when known
     */
    public ConcurrentRunException(Path lockFile, LockHolder holder) {
        super(CoreErrorCode.CONCURRENT_RUN, "Another migration run holds the lock " + lockFile + ": "
                + (holder == null ? "holder unknown" : holder.describe())
                + ". Wait for it to finish; a lock whose process died is taken over automatically.", null);
        this.holder = holder;
    }

    /**
     * The run that holds the lock, when the lock file names it.
     *
     * @return the holder, or empty
     */
    public Optional<LockHolder> holder() {
        return Optional.ofNullable(holder);
    }
}
