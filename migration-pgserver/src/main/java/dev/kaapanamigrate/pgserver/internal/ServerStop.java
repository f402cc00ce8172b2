package dev.kaapanamigrate.pgserver.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.pgserver.os.ExternalCommands;

/**
 * Stops a server cleanly: {@code pg_ctl stop -m fast -w} (clients disconnected, a shutdown checkpoint written),
 * and only when that fails SIGTERM, then SIGKILL. Not API.
 */
public final class ServerStop {

    /** How long a clean stop may take. */
    public static final int TIMEOUT_SECONDS = 120;

    private static final Logger LOG = LoggerFactory.getLogger(ServerStop.class);

    private ServerStop() {
    }

    /**
     * Stops a server this JVM started and waits until the postmaster and every process it started have exited.
     *
     * @param postmaster the postmaster
     * @param binaries   the binaries (for {@code pg_ctl})
     * @param dataDir    its data folder
     * @param user       the user it runs as
     * @param runDir     its private directory (for {@code pg_ctl}'s log)
     * @return why the stop was not clean (the server was then terminated), or empty after a clean stop
     */
    public static Optional<String> stop(Process postmaster, PostgresBinaries binaries, Path dataDir, ServerUser user,
            Path runDir) {
        List<ProcessHandle> family = postmaster.descendants().toList();
        String problem = null;
        try {
            if (postmaster.isAlive()) {
                Path log = runDir.resolve("pg_ctl.log");
                int rc = pgCtlStop(binaries, dataDir, user, runDir, log);
                if (rc != 0 && postmaster.isAlive()) {
                    problem = "pg_ctl stop exited with " + rc + ": " + ExternalCommands.tail(log, 5);
                }
            }
            if (!postmaster.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                problem = (problem == null ? "" : problem + "; ") + "the postmaster did not exit";
            }
        } catch (IOException e) {
            problem = "pg_ctl stop failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted while stopping";
        }
        if (problem != null) {
            LOG.warn("PostgreSQL on {} did not stop cleanly ({}); terminating it", dataDir, problem);
            terminate(postmaster);
        }
        for (ProcessHandle child : family) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
        return Optional.ofNullable(problem);
    }

    /**
     * Runs {@code pg_ctl stop -m fast -w} as the server's user.
     *
     * @param binaries the binaries
     * @param dataDir  the data folder
     * @param user     the server's user
     * @param workDir  the working directory (the user must be able to enter it)
     * @param log      {@code pg_ctl}'s output
     * @return its exit code
     * @throws IOException if it cannot run or does not finish in time
     */
    public static int pgCtlStop(PostgresBinaries binaries, Path dataDir, ServerUser user, Path workDir, Path log)
            throws IOException {
        List<String> cmd = user.command(List.of(binaries.bin("pg_ctl").toString(), "stop", "-D", dataDir.toString(),
                "-m", "fast", "-w", "-t", Integer.toString(TIMEOUT_SECONDS)));
        return ExternalCommands.run(cmd, workDir, log, Duration.ofSeconds(TIMEOUT_SECONDS + 10L));
    }

    /** SIGTERM (PostgreSQL's smart shutdown), then SIGKILL when it is still running after 10 s. */
    private static void terminate(Process postmaster) {
        postmaster.destroy();
        try {
            if (!postmaster.waitFor(10, TimeUnit.SECONDS)) {
                postmaster.destroyForcibly();
                postmaster.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
