package dev.kaapanamigrate.core;

import java.time.Instant;
import java.util.UUID;

/**
 * Who holds (or held) the lock of a state directory.
 *
 * @param pid       the operating-system process id
 * @param host      the host name
 * @param startedAt when the run took the lock
 * @param runId     the run's id
 */
public record LockHolder(long pid, String host, Instant startedAt, UUID runId) {

    /**
     * One line naming the holder.
     *
     * @return for example {@code "pid 4711 on host node-1 since 2026-11-25T10:00:00Z (run …)"}
     */
    public String describe() {
        return "pid " + pid + " on host " + host + " since " + startedAt + " (run " + runId + ")";
    }
}
