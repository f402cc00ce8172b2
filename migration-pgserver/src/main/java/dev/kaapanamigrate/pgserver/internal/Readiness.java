package dev.kaapanamigrate.pgserver.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.kaapanamigrate.pgserver.DatabaseServerException;
import dev.kaapanamigrate.pgserver.os.ExternalCommands;

/** Waits until a starting server accepts connections, as {@code pg_ctl start -w} does. Not API. */
public final class Readiness {

    private static final long POLL_MILLIS = 50;

    private Readiness() {
    }

    /**
     * Waits until {@code postmaster.pid} names the process and says {@code ready}, and the address accepts
     * connections.
     *
     * @param postmaster the process
     * @param dataDir    its data folder
     * @param address    where it listens
     * @param log        its output, quoted when it fails
     * @param timeout    how long to wait
     * @throws DatabaseServerException if it exits, does not become ready in time, or the wait is interrupted
     */
    public static void await(Process postmaster, Path dataDir, ServerAddress address, Path log, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path pidFile = dataDir.resolve("postmaster.pid");
        while (true) {
            if (!postmaster.isAlive()) {
                throw new DatabaseServerException("PostgreSQL on " + dataDir + " exited with code "
                        + postmaster.exitValue() + " while starting. Server log (last lines):\n"
                        + ExternalCommands.tail(log, 20));
            }
            if (isReady(pidFile, postmaster.pid()) && address.acceptsConnections()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new DatabaseServerException("PostgreSQL on " + dataDir + " did not accept connections"
                        + " within " + timeout.toSeconds() + " s (crash recovery of a big folder can take longer: "
                        + "pass a longer timeout). Server log (last lines):\n" + ExternalCommands.tail(log, 20));
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DatabaseServerException("Interrupted while waiting for PostgreSQL on " + dataDir, e);
            }
        }
    }

    /** postmaster.pid: line 1 = pid, line 8 = status ("ready" once it accepts connections), as pg_ctl -w reads. */
    private static boolean isReady(Path pidFile, long pid) {
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return lines.size() >= 8 && lines.get(0).trim().equals(Long.toString(pid))
                    && lines.get(7).trim().equals("ready");
        } catch (IOException | UncheckedIOException e) {
            return false; // not written yet, or being rewritten
        }
    }
}
