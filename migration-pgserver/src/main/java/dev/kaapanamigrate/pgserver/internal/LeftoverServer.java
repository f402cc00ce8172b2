package dev.kaapanamigrate.pgserver.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kaapanamigrate.pgserver.DatabaseServerException;
import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.pgserver.os.ExternalCommands;
import dev.kaapanamigrate.pgserver.os.FileTrees;
import dev.kaapanamigrate.pgserver.os.PrivateDirectory;

/**
 * Stops a server an earlier process started and never stopped (it crashed or was killed), identified by pid,
 * start instant and working directory so that a reused pid is never mistaken for it. Not API.
 */
public final class LeftoverServer {

    private static final Logger LOG = LoggerFactory.getLogger(LeftoverServer.class);

    private LeftoverServer() {
    }

    /**
     * Stops the server if it still runs; see {@code PostgresServer.stopLeftover}.
     *
     * @param dataDir   the data folder it ran on
     * @param pid       its postmaster's pid
     * @param startedAt when the postmaster started, or {@code null} if unknown
     * @param binaries  binaries to run {@code pg_ctl} with
     * @return {@code true} when it ran and is now stopped, {@code false} when no such server runs
     * @throws DatabaseServerException if it runs and cannot be stopped
     */
    public static boolean stop(Path dataDir, long pid, Instant startedAt, PostgresBinaries binaries) {
        Path dir = dataDir.toAbsolutePath().normalize();
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isEmpty()) {
            return false;
        }
        Optional<Instant> actualStart = handle.get().info().startInstant();
        if (startedAt != null && actualStart.isPresent() && !actualStart.get().equals(startedAt)) {
            return false; // the pid was reused by another process
        }
        if (!dir.equals(workingDirectory(pid))) {
            return false;
        }
        LOG.warn("Stopping PostgreSQL (pid {}) left running on {} by an earlier run", pid, dir);
        Optional<Path> leftBehind = privateDirectoryOf(pid);
        ServerUser user = ServerUser.toStop(dir);
        try (PrivateDirectory work = user.privateDirectory()) {
            Path log = work.resolve("pg_ctl.log");
            int rc = ServerStop.pgCtlStop(binaries, dir, user, work.path(), log);
            if (rc != 0 && handle.get().isAlive()) {
                // postmaster.pid may be gone or name another pid: SIGINT is the same fast shutdown
                ExternalCommands.run(List.of("kill", "-INT", Long.toString(pid)), work.path(), log,
                        Duration.ofSeconds(10));
            }
            handle.get().onExit().get(ServerStop.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            leftBehind.ifPresent(FileTrees::deleteQuietly); // its socket, log and hba file
            return true;
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new DatabaseServerException("The PostgreSQL server (pid " + pid + ") left running on " + dir
                    + " by an earlier run could not be stopped: " + e + ". Stop it (kill -INT " + pid
                    + "), then run again.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseServerException("Interrupted while stopping the server left on " + dir, e);
        }
    }

    /** The private directory the server's command line names for its socket, if it is one of ours. */
    private static Optional<Path> privateDirectoryOf(long pid) {
        String cmdline;
        try {
            cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        String setting = "unix_socket_directories=";
        return Arrays.stream(cmdline.split("\0")).filter(arg -> arg.startsWith(setting))
                .map(arg -> Path.of(arg.substring(setting.length())))
                .filter(p -> p.isAbsolute() && p.getFileName() != null
                        && p.getFileName().toString().startsWith(PrivateDirectory.NAME_PREFIX))
                .findFirst();
    }

    private static Path workingDirectory(long pid) {
        try {
            return Path.of("/proc", Long.toString(pid), "cwd").toRealPath();
        } catch (IOException e) {
            return null; // gone, or not ours to inspect
        }
    }
}
