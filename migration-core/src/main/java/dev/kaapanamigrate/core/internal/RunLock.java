package dev.kaapanamigrate.core.internal;

import dev.kaapanamigrate.core.LockHolder;
import java.util.Optional;

/** A held run lock; closing it releases it. */
public interface RunLock extends AutoCloseable {

    /**
     * The holder of a lock left behind by a run whose process died, which this lock took over.
     *
     * @return the dead holder, or empty when the lock was free
     */
    Optional<LockHolder> staleHolder();

    @Override
    void close();
}
