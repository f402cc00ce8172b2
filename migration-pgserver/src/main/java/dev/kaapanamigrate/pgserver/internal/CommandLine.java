package dev.kaapanamigrate.pgserver.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds and runs external commands, optionally as another uid/gid (via {@code setpriv}, when this JVM is
 * root). Output goes to a log file. Not API.
 */
public final class CommandLine {

    /** Environment variables that would change what PostgreSQL tools do: removed from the child env. */
    private static final List<String> SCRUBBED = List.of("PGDATA", "PGPORT", "PGHOST", "PGUSER", "PGPASSWORD",
            "PGPASSFILE", "PGDATABASE", "PGOPTIONS", "PGSERVICE", "PGSERVICEFILE", "PGSYSCONFDIR", "PGTZ",
            "PGCLIENTENCODING", "LD_PRELOAD");

    private CommandLine() {
    }

    /**
     * Prefixes a command so it runs as {@code uid:gid} (with no supplementary groups) when needed.
     *
     * @param command the command
     * @param uid     target uid
     * @param gid     target gid
     * @return the command itself when this JVM already runs as {@code uid}, else a {@code setpriv} command
     */
    public static List<String> asUser(List<String> command, int uid, int gid) {
        if (Posix.uid() == uid) {
            return List.copyOf(command);
        }
        List<String> full = new ArrayList<>(List.of("setpriv", "--reuid", Integer.toString(uid), "--regid",
                Integer.toString(gid), "--clear-groups", "--"));
        full.addAll(command);
        return full;
    }

    /**
     * Builds a process for a command; stdout and stderr go (appended) to {@code log}.
     *
     * @param command   the command
     * @param directory working directory
     * @param log       log file (created if missing)
     * @param extraEnv  variables to set
     * @return the builder
     */
    public static ProcessBuilder builder(List<String> command, Path directory, Path log, Map<String, String> extraEnv) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.directory(directory.toFile());
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = pb.environment();
        SCRUBBED.forEach(env::remove);
        env.putAll(extraEnv);
        return pb;
    }

    /**
     * Runs a command to completion.
     *
     * @param pb      the prepared builder
     * @param timeout seconds to wait
     * @return the exit code
     * @throws IOException if it cannot start or does not end in time (then it is killed)
     */
    public static int run(ProcessBuilder pb, long timeout) throws IOException {
        Process p = pb.start();
        try {
            if (!p.waitFor(timeout, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException("'" + pb.command().get(0) + "' did not finish within " + timeout + " s");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for " + pb.command(), e);
        }
    }

    /**
     * Reads the last lines of a log file, for error messages.
     *
     * @param log   the file
     * @param lines how many
     * @return the lines joined with newlines, or a note when the file cannot be read
     */
    public static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, java.nio.charset.StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(log " + log + " not readable: " + e.getMessage() + ")";
        }
    }
}
