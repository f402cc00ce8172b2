package dev.kaapanamigrate.pgserver.os;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs external programs the way PostgreSQL's tools must be run: as a given user (through {@code setpriv} when
 * this JVM is root), without the {@code PG*} environment variables that would change what they do, with no
 * input, and with their output in a log file that error messages quote the end of.
 *
 * <pre>{@code
 * List<String> initdb = ExternalCommands.asUser(List.of(binaries.bin("initdb").toString(), "-D", folder.toString()),
 *         70, 70);
 * int rc = ExternalCommands.run(initdb, work, work.resolve("initdb.log"), Duration.ofMinutes(10));
 * if (rc != 0) {
 *     throw new IllegalStateException("initdb exited with " + rc + ":\n" + ExternalCommands.tail(log, 20));
 * }
 * }</pre>
 */
public final class ExternalCommands {

    /** Environment variables that would change what PostgreSQL tools do: removed from the child's environment. */
    private static final List<String> SCRUBBED = List.of("PGDATA", "PGPORT", "PGHOST", "PGUSER", "PGPASSWORD",
            "PGPASSFILE", "PGDATABASE", "PGOPTIONS", "PGSERVICE", "PGSERVICEFILE", "PGSYSCONFDIR", "PGTZ",
            "PGCLIENTENCODING", "LD_PRELOAD");
    /** How long to wait for a killed command to be gone (SIGKILL cannot be ignored). */
    private static final long KILL_WAIT_SECONDS = 10;

    private ExternalCommands() {
    }

    /**
     * A command that runs as the given user, with no supplementary groups.
     *
     * @param command the program and its arguments
     * @param uid     the user
     * @param gid     its group
     * @return the command itself when this JVM already runs as {@code uid}, else
     *         {@code setpriv --reuid <uid> --regid <gid> --clear-groups -- <command>} ({@code setpriv} from
     *         util-linux must then be on the {@code PATH}; only root may switch users)
     */
    public static List<String> asUser(List<String> command, int uid, int gid) {
        if (Posix.uid() == uid) {
            return List.copyOf(command);
        }
        List<String> full = new ArrayList<>(List.of("setpriv", "--reuid", Integer.toString(uid), "--regid",
                Integer.toString(gid), "--clear-groups", "--"));
        full.addAll(command);
        return List.copyOf(full);
    }

    /**
     * A process builder for a command: stdin from {@code /dev/null}, stdout and stderr appended to {@code log},
     * and the environment without the {@code PG*} variables (and {@code LD_PRELOAD}). Use it for a program
     * that keeps running (a server); {@link #run} runs one to completion.
     *
     * @param command          the program and its arguments
     * @param workingDirectory the directory it runs in
     * @param log              its output (created if missing, appended to)
     * @return the builder, not started
     */
    public static ProcessBuilder processBuilder(List<String> command, Path workingDirectory, Path log) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.directory(workingDirectory.toFile());
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = pb.environment();
        SCRUBBED.forEach(env::remove);
        return pb;
    }

    /**
     * Runs a command to completion (see {@link #processBuilder} for its environment and output).
     *
     * @param command          the program and its arguments
     * @param workingDirectory the directory it runs in
     * @param log              its output (created if missing, appended to)
     * @param timeout          how long it may run; then it and its child processes are killed (SIGKILL) and it
     *                         has exited when this method throws
     * @return its exit code
     * @throws IOException if it cannot start, does not end in time, or the wait is interrupted (the thread's
     *                     interrupt flag is then set again)
     */
    public static int run(List<String> command, Path workingDirectory, Path log, Duration timeout) throws IOException {
        Objects.requireNonNull(timeout, "timeout");
        Process p = processBuilder(command, workingDirectory, log).start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS); // gone (and reaped) on return
                throw new IOException("'" + command.get(0) + "' did not finish within " + timeout.toSeconds()
                        + " s and was killed. Output (last lines):\n" + tail(log, 5));
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for '" + command.get(0) + "'", e);
        }
    }

    /**
     * The last lines of a log, for an error message.
     *
     * @param log   the file
     * @param lines how many lines at most
     * @return the lines joined with newlines, or a note saying why the file could not be read
     */
    public static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log " + log + " not readable: " + e.getMessage() + ")";
        }
    }
}
