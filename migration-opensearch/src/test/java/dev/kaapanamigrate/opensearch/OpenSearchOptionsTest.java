package dev.kaapanamigrate.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.ConfigurationException;
import org.junit.jupiter.api.Test;

/** The options' defaults and their validation. */
class OpenSearchOptionsTest {

    @Test
    void theDefaultSortMemoryIsAThirtySecondOfTheHeapBetweenFourAndThirtyTwoMebibytes() {
        long expected = Math.max(4L << 20, Math.min(32L << 20, Runtime.getRuntime().maxMemory() / 32));
        assertThat(OpenSearchOptions.defaultSortBudgetBytes()).isEqualTo(expected).isBetween(4L << 20, 32L << 20);
        assertThat(OpenSearchOptions.defaults().sortBudgetBytes()).isEqualTo(expected);
        assertThat(OpenSearchOptions.defaults().withSortBudgetBytes(65_536).sortBudgetBytes()).isEqualTo(65_536);
    }

    @Test
    void aSortMemoryBelowSixtyFourKibibytesIsRefusedWithTheLeastAllowed() {
        assertThatThrownBy(() -> OpenSearchOptions.defaults().withSortBudgetBytes(65_535))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("sortBudgetBytes is 65535").hasMessageContaining("at least 65536");
    }
}
