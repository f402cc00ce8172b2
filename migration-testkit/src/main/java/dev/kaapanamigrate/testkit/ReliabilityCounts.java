package dev.kaapanamigrate.testkit;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Counts what the reliability suite proves, and prints the counts when the test run ends. Register it on a test class
 * with {@code @ExtendWith(ReliabilityCounts.class)}; every test method of the class is a <em>case</em>, a case that
 * passed is a <em>pass</em>, and each claim a case has asserted and reports with {@link #proved(Class, String)} is a
 * <em>point</em>. {@link #note(Class, String)} adds a line of facts (for example how many files and bytes were
 * searched). At the end of the test run (when JUnit closes its root store) one block is printed to standard output:
 * a line per test class and the totals, {@code Reliability suite: N cases, P passes, M points (B bad-input cases,
 * C crash points)}: points reported with the prefix {@link #BAD_INPUT} count as bad-input cases, those with
 * {@link #CRASH_POINT} as crash points. With the system property {@link #RECORD_PROPERTY} naming a folder, each test
 * JVM also records its totals there under {@link #RUN_PROPERTY} and prints the sum of every run recorded so far, so
 * the last test JVM of a build prints the whole build's counts.
 *
 * <p>Report a point only after asserting it: a failing assertion ends the case before its {@code proved} call, so
 * the points printed are the claims that held.
 */
public final class ReliabilityCounts implements BeforeAllCallback, TestWatcher {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ReliabilityCounts.class);

    /** The prefix of a bad-input case's point (one point per case). */
    public static final String BAD_INPUT = "bad input: ";

    /** The prefix of a crash point's point (one per point killed at and resumed from). */
    public static final String CRASH_POINT = "crash point: ";

    /**
     * System property: a folder where each test JVM records its totals, so the last one prints the whole build's
     * ({@code none}: do not record).
     */
    public static final String RECORD_PROPERTY = "kaapana.reliability.record";

    /** System property: the name this test JVM's totals are recorded under (for example {@code migration-cli-it}). */
    public static final String RUN_PROPERTY = "kaapana.reliability.run";

    /** Tallies by test class name; guarded by the class monitor. */
    private static final Map<String, Tally> TALLIES = new TreeMap<>();

    /** Creates the extension (JUnit does, through {@code @ExtendWith}). */
    public ReliabilityCounts() {
    }

    private static final class Tally {
        int cases;
        int passes;
        final List<String> points = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
    }

    /** Prints the counts when JUnit closes the root store: once, at the end of the run. */
    private static final class Summary implements AutoCloseable {
        @Override
        public void close() {
            print(System.out);
        }
    }

    private static synchronized Tally tally(Class<?> testClass) {
        return TALLIES.computeIfAbsent(testClass.getSimpleName(), k -> new Tally());
    }

    /**
     * Records one point a case has proved (call it after the assertion).
     *
     * @param testClass the test class
     * @param what      the claim, in a few words
     */
    public static void proved(Class<?> testClass, String what) {
        synchronized (ReliabilityCounts.class) {
            tally(testClass).points.add(what);
        }
    }

    /**
     * Records a line of facts printed with the counts (what was searched, measured or repeated).
     *
     * @param testClass the test class
     * @param fact      the line
     */
    public static void note(Class<?> testClass, String fact) {
        synchronized (ReliabilityCounts.class) {
            tally(testClass).notes.add(fact);
        }
    }

    /**
     * The points recorded so far for a test class.
     *
     * @param testClass the test class
     * @return how many
     */
    public static int points(Class<?> testClass) {
        synchronized (ReliabilityCounts.class) {
            return tally(testClass).points.size();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Summary.class, k -> new Summary(), Summary.class);
        tally(context.getRequiredTestClass());
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        synchronized (ReliabilityCounts.class) {
            Tally t = tally(context.getRequiredTestClass());
            t.cases++;
            t.passes++;
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        counted(context);
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        counted(context);
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        // not run: neither a case nor a pass
    }

    private static void counted(ExtensionContext context) {
        synchronized (ReliabilityCounts.class) {
            tally(context.getRequiredTestClass()).cases++;
        }
    }

    /**
     * Prints the counts: a line per test class (its points and notes indented below) and the totals.
     *
     * @param out where to
     */
    public static synchronized void print(PrintStream out) {
        int cases = 0;
        int passes = 0;
        int points = 0;
        StringBuilder s = new StringBuilder("\n=== Reliability suite ===\n");
        for (Map.Entry<String, Tally> e : TALLIES.entrySet()) {
            Tally t = e.getValue();
            cases += t.cases;
            passes += t.passes;
            points += t.points.size();
            s.append(e.getKey()).append(": ").append(t.cases).append(" cases, ").append(t.passes).append(" passes, ")
                    .append(t.points.size()).append(" points\n");
            t.points.forEach(p -> s.append("    proved: ").append(p).append('\n'));
            t.notes.forEach(n -> s.append("    ").append(n).append('\n'));
        }
        s.append("Reliability suite: ").append(cases).append(" cases, ").append(passes).append(" passes, ")
                .append(points).append(" points (").append(count(BAD_INPUT)).append(" bad-input cases, ")
                .append(count(CRASH_POINT)).append(" crash points)\n");
        String record = System.getProperty(RECORD_PROPERTY);
        if (record != null && !record.isBlank() && !record.equals("none")) {
            s.append(combined(Path.of(record), System.getProperty(RUN_PROPERTY, "tests"), cases, passes, points));
        }
        out.print(s);
        out.flush();
    }

    private static int count(String prefix) {
        return (int) TALLIES.values().stream().flatMap(t -> t.points.stream()).filter(p -> p.startsWith(prefix))
                .count();
    }

    /**
     * Records this JVM's totals under {@code run} in {@code folder} and sums every run recorded there: the modules' test
     * JVMs of one build each print their own block, and the last one's ends with the build's totals so far.
     */
    private static String combined(Path folder, String run, int cases, int passes, int points) {
        Properties mine = new Properties();
        mine.setProperty("cases", Integer.toString(cases));
        mine.setProperty("passes", Integer.toString(passes));
        mine.setProperty("points", Integer.toString(points));
        mine.setProperty("badInput", Integer.toString(count(BAD_INPUT)));
        mine.setProperty("crashPoints", Integer.toString(count(CRASH_POINT)));
        StringBuilder s = new StringBuilder();
        try {
            Files.createDirectories(folder);
            Path part = folder.resolve(run + ".part");
            try (Writer w = Files.newBufferedWriter(part, StandardCharsets.UTF_8)) {
                mine.store(w, "reliability suite totals of " + run);
            }
            // renamed into place: another test JVM summing at the same time never reads half a file
            Files.move(part, folder.resolve(run + ".properties"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            long[] sum = new long[5];
            List<String> runs = new ArrayList<>();
            try (Stream<Path> files = Files.list(folder)) {
                for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".properties")).sorted().toList()) {
                    Properties p = new Properties();
                    try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                        p.load(r);
                    }
                    String[] keys = {"cases", "passes", "points", "badInput", "crashPoints"};
                    for (int i = 0; i < keys.length; i++) {
                        sum[i] += Long.parseLong(p.getProperty(keys[i], "0"));
                    }
                    runs.add(f.getFileName().toString().replace(".properties", ""));
                }
            }
            s.append("Reliability suite, all test runs recorded in ").append(folder).append(" (").append(runs.size())
                    .append(": ").append(String.join(", ", runs)).append("): ").append(sum[0]).append(" cases, ")
                    .append(sum[1]).append(" passes, ").append(sum[2]).append(" points (").append(sum[3])
                    .append(" bad-input cases, ").append(sum[4]).append(" crash points)\n");
        } catch (IOException | RuntimeException e) {
            s.append("Reliability suite: the totals could not be recorded in ").append(folder).append(": ")
                    .append(e.getMessage()).append('\n');
        }
        return s.toString();
    }
}
