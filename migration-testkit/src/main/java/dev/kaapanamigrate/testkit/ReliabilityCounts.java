package dev.kaapanamigrate.testkit;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Counts what the reliability suite proves, and prints the counts when the test run ends. Register it on a test class
 * with {@code @ExtendWith(ReliabilityCounts.class)}; every test method of the class is a <em>case</em>, a case that
 * passed is a <em>pass</em>, and each claim a case has asserted and reports with {@link #proved(Class, String)} is a
 * <em>point</em>. {@link #note(Class, String)} adds a line of facts (for example how many files and bytes were
 * searched). At the end of the test run (when JUnit closes its root store) one block is printed to standard output:
 * a line per test class and the totals, {@code Reliability suite: N cases, P passes, M points}.
 *
 * <p>Report a point only after asserting it: a failing assertion ends the case before its {@code proved} call, so
 * the points printed are the claims that held.
 */
public final class ReliabilityCounts implements BeforeAllCallback, TestWatcher {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ReliabilityCounts.class);

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
                .append(points).append(" points\n");
        out.print(s);
        out.flush();
    }
}
