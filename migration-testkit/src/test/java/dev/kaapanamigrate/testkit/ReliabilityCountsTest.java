package dev.kaapanamigrate.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;

/** A class with one passing and one failing case: 2 cases, 1 pass, and only the point asserted before the failure. */
class ReliabilityCountsTest {

    @ExtendWith(ReliabilityCounts.class)
    static class Sample {
        @Test
        void passes() {
            assertThat(1 + 1).isEqualTo(2);
            ReliabilityCounts.proved(Sample.class, "arithmetic holds");
        }

        @Test
        void fails() {
            assertThat(1 + 1).isEqualTo(3);
            ReliabilityCounts.proved(Sample.class, "never reached");
        }
    }

    @Test
    void countsCasesPassesAndOnlyThePointsThatHeldAndPrintsThem() {
        var execution = EngineTestKit.engine("junit-jupiter").selectors(selectClass(Sample.class)).execute();
        execution.testEvents().assertStatistics(s -> s.succeeded(1).failed(1));
        ReliabilityCounts.note(Sample.class, "a note");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ReliabilityCounts.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertThat(printed).contains("Sample: 2 cases, 1 passes, 1 points", "proved: arithmetic holds", "a note",
                "Reliability suite: 2 cases, 1 passes, 1 points").doesNotContain("never reached");
        assertThat(ReliabilityCounts.points(Sample.class)).isEqualTo(1);
    }

    @Test
    void recordsItsTotalsAndPrintsTheSumOfEveryRunRecorded(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Files.writeString(dir.resolve("earlier-module-it.properties"),
                "cases=10\npasses=9\npoints=7\nbadInput=5\ncrashPoints=2\n");
        ReliabilityCounts.proved(Recorded.class, ReliabilityCounts.BAD_INPUT + "a refusal with nothing changed");
        ReliabilityCounts.proved(Recorded.class, ReliabilityCounts.CRASH_POINT + "some.step:done#1");
        String before = System.getProperty(ReliabilityCounts.RECORD_PROPERTY);
        String run = System.getProperty(ReliabilityCounts.RUN_PROPERTY);
        System.setProperty(ReliabilityCounts.RECORD_PROPERTY, dir.toString());
        System.setProperty(ReliabilityCounts.RUN_PROPERTY, "this-module-unit");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ReliabilityCounts.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        } finally {
            restore(ReliabilityCounts.RECORD_PROPERTY, before);
            restore(ReliabilityCounts.RUN_PROPERTY, run);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        java.util.Properties mine = new java.util.Properties();
        try (var r = java.nio.file.Files.newBufferedReader(dir.resolve("this-module-unit.properties"))) {
            mine.load(r);
        }
        int points = Integer.parseInt(mine.getProperty("points"));
        assertThat(Integer.parseInt(mine.getProperty("badInput"))).isGreaterThanOrEqualTo(1);
        assertThat(Integer.parseInt(mine.getProperty("crashPoints"))).isGreaterThanOrEqualTo(1);
        assertThat(printed).contains("all test runs recorded in " + dir + " (2: earlier-module-it, this-module-unit)",
                (7 + points) + " points (" + (5 + Integer.parseInt(mine.getProperty("badInput"))) + " bad-input cases, "
                        + (2 + Integer.parseInt(mine.getProperty("crashPoints"))) + " crash points)");
    }

    private static final class Recorded {
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
