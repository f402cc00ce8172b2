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
}
