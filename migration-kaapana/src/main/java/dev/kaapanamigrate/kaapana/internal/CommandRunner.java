package dev.kaapanamigrate.kaapana.internal;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external command to completion: no input ({@code /dev/null}), the environment of this JVM changed as asked,
 * standard output and standard error captured (each up to a limit: the beginning and the end are kept), a timeout
 * after which the command and its children are killed.
 *
 * <p>A command never receives the migration tool's own configuration: every variable whose name starts with
 * {@value #OWN_VARIABLE_PREFIX} is removed from its environment (inherited or asked for), so that the passwords and
 * secret keys the command line reads from {@code KAAPANA_MIGRATE_*_PASSWORD} and {@code KAAPANA_MIGRATE_*_SECRET_KEY}
 * never reach deploy scripts, helm, kubectl or their children (whose output ends up in the report).
 */
public final class CommandRunner {

    /** The prefix of the migration tool's own variables, never passed to a command. */
    public static final String OWN_VARIABLE_PREFIX = "KAAPANA_MIGRATE_";

    /** How much of a stream is kept at most: its first half and its last half. */
    private static final int DEFAULT_LIMIT = 4 << 20;
    private static final long KILL_WAIT_SECONDS = 10;

    private CommandRunner() {
    }

    /**
     * What a command did.
     *
     * @param command   the program and its arguments, as run
     * @param exitCode  its exit code; -1 when it was killed for its timeout
     * @param timedOut  whether it was killed for its timeout
     * @param stdout    its standard output (with standard error when the two were merged)
     * @param stderr    its standard error; empty when merged
     * @param startedAt when it started
     * @param duration  how long it ran
     */
    public record Result(List<String> command, int exitCode, boolean timedOut, String stdout, String stderr,
                         Instant startedAt, Duration duration) {
        /**
         * Whether it ended with exit code 0.
         *
         * @return {@code true} on success
         */
        public boolean succeeded() {
            return !timedOut && exitCode == 0;
        }
    }

    /**
     * Runs a command.
     *
     * @param command     the program (an absolute path) and its arguments
     * @param environment variables to set (a {@code null} value removes the variable); variables starting with
     *                    {@value #OWN_VARIABLE_PREFIX} are never passed, whether inherited or set here
     * @param directory   the working directory
     * @param timeout     how long it may run
     * @param merge       whether standard error goes to standard output (for scripts whose output is read by people)
     * @param stdoutLimit how many bytes of standard output are kept at most (the first and the last half)
     * @param clock       the clock for the start time
     * @return what it did
     * @throws IOException when it cannot be started or the wait is interrupted (the interrupt flag is set again)
     */
    public static Result run(List<String> command, Map<String, String> environment, Path directory, Duration timeout,
                             boolean merge, int stdoutLimit, Clock clock) throws IOException {
        Objects.requireNonNull(timeout, "timeout");
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.directory(directory.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectErrorStream(merge);
        Map<String, String> env = pb.environment();
        environment.forEach((k, v) -> {
            if (v == null) {
                env.remove(k);
            } else {
                env.put(k, v);
            }
        });
        env.keySet().removeIf(k -> k.startsWith(OWN_VARIABLE_PREFIX));
        Instant startedAt = clock.instant();
        long start = System.nanoTime();
        Process p = pb.start();
        Capture out = new Capture(p.getInputStream(), stdoutLimit);
        Capture err = merge ? null : new Capture(p.getErrorStream(), DEFAULT_LIMIT);
        out.start();
        if (err != null) {
            err.start();
        }
        boolean timedOut = false;
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                kill(p);
            }
            out.join(TimeUnit.SECONDS.toMillis(KILL_WAIT_SECONDS));
            if (err != null) {
                err.join(TimeUnit.SECONDS.toMillis(KILL_WAIT_SECONDS));
            }
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for " + command.get(0), e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        return new Result(List.copyOf(command), timedOut ? -1 : p.exitValue(), timedOut, out.text(),
                err == null ? "" : err.text(), startedAt, took);
    }

    /**
     * Runs a command with the default output limit.
     *
     * @param command     the program and its arguments
     * @param environment variables to set or (with {@code null}) remove
     * @param directory   the working directory
     * @param timeout     how long it may run
     * @param merge       whether standard error goes to standard output
     * @param clock       the clock for the start time
     * @return what it did
     * @throws IOException when it cannot be started
     */
    public static Result run(List<String> command, Map<String, String> environment, Path directory, Duration timeout,
                             boolean merge, Clock clock) throws IOException {
        return run(command, environment, directory, timeout, merge, DEFAULT_LIMIT, clock);
    }

    /**
     * Finds a program: a path containing {@code /} is taken as it is, a bare name is looked up in the directories of
     * {@code searchPath}.
     *
     * @param program    a name such as {@code helm} or a path
     * @param searchPath a {@code PATH} value (directories separated by {@code :})
     * @return the executable file, or empty when there is none
     */
    public static Optional<Path> find(String program, String searchPath) {
        if (program.contains("/")) {
            Path p = Path.of(program);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p.toAbsolutePath()) : Optional.empty();
        }
        for (String dir : (searchPath == null ? "" : searchPath).split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir).resolve(program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    /**
     * The last lines of a text, for messages.
     *
     * @param text  the text
     * @param lines how many lines at most
     * @return the lines
     */
    public static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Drains a stream, keeping its beginning and its end. */
    private static final class Capture extends Thread {
        private final InputStream in;
        private final int half;
        private final ByteArrayOutputStream head = new ByteArrayOutputStream();
        private final List<byte[]> tail = new ArrayList<>();
        private long tailBytes;
        private long dropped;
        private volatile IOException failure;

        Capture(InputStream in, int limit) {
            super("command-output");
            setDaemon(true);
            this.in = in;
            this.half = Math.max(1, limit / 2);
        }

        @Override
        public void run() {
            byte[] buf = new byte[64 << 10];
            try (InputStream s = in) {
                int n;
                while ((n = s.read(buf)) > 0) {
                    int toHead = Math.min(n, half - head.size());
                    if (toHead > 0) {
                        head.write(buf, 0, toHead);
                    }
                    if (n > toHead) {
                        byte[] rest = java.util.Arrays.copyOfRange(buf, toHead, n);
                        tail.add(rest);
                        tailBytes += rest.length;
                        while (tailBytes - tail.get(0).length >= half) {
                            byte[] first = tail.remove(0);
                            tailBytes -= first.length;
                            dropped += first.length;
                        }
                    }
                }
            } catch (IOException e) {
                failure = e;
            }
        }

        String text() {
            if (failure != null && head.size() == 0 && tail.isEmpty()) {
                throw new UncheckedIOException("Cannot read the command's output", failure);
            }
            StringBuilder s = new StringBuilder(head.toString(StandardCharsets.UTF_8));
            if (dropped > 0) {
                s.append("\n[... ").append(dropped).append(" bytes of output left out ...]\n");
            }
            ByteArrayOutputStream t = new ByteArrayOutputStream();
            tail.forEach(b -> t.write(b, 0, b.length));
            s.append(t.toString(StandardCharsets.UTF_8));
            return s.toString();
        }
    }
}
