package dev.kaapanamigrate.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Named crash-injection points for reliability tests: the plan runner and the steps call {@link #reach(String)} at the
 * places where a crash matters (every step boundary, after each folder move, before and after each database commit,
 * during the backup's copy and verification, during inventories, workflow rewrites and platform transitions). In
 * production nothing is set and a call costs one read of a {@code static final} flag.
 *
 * <p>Two system properties, read once when the class is loaded, switch it on (both for tests only):
 * <ul>
 *   <li>{@value #RECORD_PROPERTY}{@code =<file>}: every point reached is appended to the file, one line
 *       {@code <name>#<occurrence>} each, in the order reached (the occurrence counts from 1 per name in this JVM). An
 *       uninterrupted run recorded this way enumerates the points of its plan.</li>
 *   <li>{@value #CRASH_AT_PROPERTY}{@code =<name>#<occurrence>} (or just {@code <name>}, the first occurrence): when
 *       that point is reached the JVM kills itself with a real {@code SIGKILL} ({@code kill -9 <own pid>}): no
 *       shutdown hook, no {@code finally}, no buffered write of this JVM runs any more, child processes (temporary
 *       database servers) are left behind, exactly as after an operator's {@code kill -9} or the OOM killer. The
 *       process's exit status is then 137 (128 + 9). Only if {@code kill} cannot be started does it fall back to
 *       {@link Runtime#halt(int) Runtime.halt(137)}, which skips shutdown hooks as well. With a record file the
 *       point is recorded before the kill, so a test can prove where the process died.</li>
 * </ul>
 *
 * <pre>{@code
 * // in a step's apply, between two changes that a crash may separate
 * Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
 * CrashPoints.reach("postgres.rename-data-folders:moved", to.getFileName());
 * }</pre>
 *
 * <p>Names are stable: {@code <step id>:<place>}, with a qualifier (a folder, a bucket, a database) where a place is
 * reached once per item. Other threads of the process keep running until the signal arrives (microseconds); the
 * thread that reached the point does nothing more.
 */
public final class CrashPoints {

    /** The system property naming the point at which to kill the JVM: {@code <name>#<occurrence>}. */
    public static final String CRASH_AT_PROPERTY = "kaapana.migrate.crashAt";

    /** The system property naming the file to which every point reached is appended. */
    public static final String RECORD_PROPERTY = "kaapana.migrate.crashPoints.record";

    /** The exit status of a process killed by {@code SIGKILL}, as {@link Process#exitValue()} reports it. */
    public static final int KILLED_EXIT_STATUS = 137;

    private static final String CRASH_AT = System.getProperty(CRASH_AT_PROPERTY);
    private static final String RECORD = System.getProperty(RECORD_PROPERTY);
    private static final boolean ACTIVE = (CRASH_AT != null && !CRASH_AT.isBlank()) || (RECORD != null && !RECORD.isBlank());
    private static final Map<String, Integer> OCCURRENCES = new HashMap<>();

    private CrashPoints() {
    }

    /**
     * Whether crash injection or recording is switched on in this JVM.
     *
     * @return {@code false} in production
     */
    public static boolean active() {
        return ACTIVE;
    }

    /**
     * A named point was reached: records it, and kills the JVM when it is the point named by
     * {@value #CRASH_AT_PROPERTY}. Does nothing unless a property switched the facility on.
     *
     * @param name the point's stable name, for example {@code postgres.migrate-backend:before-commit}
     */
    public static void reach(String name) {
        if (ACTIVE) {
            reached(name);
        }
    }

    /**
     * A named point reached once per item: the name is {@code <name>:<qualifier>}, built only when the facility is on.
     *
     * @param name      the point's stable name
     * @param qualifier the item, for example a folder or bucket name
     */
    public static void reach(String name, Object qualifier) {
        if (ACTIVE) {
            reached(name + ":" + qualifier);
        }
    }

    /**
     * The key of a point in recordings and in {@value #CRASH_AT_PROPERTY}.
     *
     * @param name       the point's name
     * @param occurrence the occurrence, from 1
     * @return {@code <name>#<occurrence>}
     */
    public static String key(String name, int occurrence) {
        return name + "#" + occurrence;
    }

    private static synchronized void reached(String name) {
        int occurrence = OCCURRENCES.merge(name, 1, Integer::sum);
        String key = key(name, occurrence);
        if (RECORD != null && !RECORD.isBlank()) {
            try {
                Files.writeString(Path.of(RECORD), key + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot record crash point " + key + " in " + RECORD, e);
            }
        }
        if (CRASH_AT != null && (CRASH_AT.equals(key) || (occurrence == 1 && CRASH_AT.equals(name)))) {
            killThisJvm();
        }
    }

    private static void killThisJvm() {
        long pid = ProcessHandle.current().pid();
        try {
            Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).redirectErrorStream(true).start();
            if (kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0) {
                // The signal is delivered asynchronously: wait for it here, doing nothing more.
                Thread.sleep(TimeUnit.SECONDS.toMillis(60));
            }
        } catch (IOException | InterruptedException e) {
            // no kill command: halt below
        }
        Runtime.getRuntime().halt(KILLED_EXIT_STATUS);
    }
}
