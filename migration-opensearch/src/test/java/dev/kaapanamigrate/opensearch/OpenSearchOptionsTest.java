package dev.kaapanamigrate.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.ConfigurationException;
import org.junit.jupiter.api.Test;

/** The options' defaults and their validation. */
class OpenSearchOptionsTest {

    @Test
    void theDefaultSortMemoryIsFourMebibytesAndAnyFromSixtyFourKibibytesIsTaken() {
        assertThat(OpenSearchOptions.defaults().sortBudgetBytes()).isEqualTo(4L << 20);
        assertThat(OpenSearchOptions.defaults().withSortBudgetBytes(65_536).sortBudgetBytes()).isEqualTo(65_536);
    }

    @Test
    void aSortMemoryBelowSixtyFourKibibytesIsRefusedWithTheLeastAllowed() {
        assertThatThrownBy(() -> OpenSearchOptions.defaults().withSortBudgetBytes(65_535))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("sortBudgetBytes is 65535").hasMessageContaining("at least 65536");
    }
}
