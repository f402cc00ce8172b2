package dev.kaapanamigrate.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KaapanaVersionTest {

    @Test
    void parsesTheValidForms() {
        assertThat(KaapanaVersion.parse("0.4.2")).isEqualTo(new KaapanaVersion(0, 4, 2, null));
        assertThat(KaapanaVersion.parse(" 0.5.2\n")).isEqualTo(KaapanaVersion.TARGET);
        assertThat(KaapanaVersion.parse("0.5")).isEqualTo(new KaapanaVersion(0, 5, null, null));
        assertThat(KaapanaVersion.parse("0.5").hasPatch()).isFalse();
        assertThat(KaapanaVersion.parse("0.5.2-rc1")).isEqualTo(new KaapanaVersion(0, 5, 2, "rc1"));
        assertThat(KaapanaVersion.parse("0.6.0-fresh deploy and redeploy-needed").suffix())
                .isEqualTo("fresh deploy and redeploy-needed");
        assertThat(KaapanaVersion.parse("10.20-beta").format()).isEqualTo("10.20-beta");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "0", "0.", "0.4.", "v0.4.2", "0.4.2.1", "0.4.x", "0.4.2-", "a.b.c", "-1.4.2", "0..2"})
    void rejectsOtherForms(String text) {
        assertThat(KaapanaVersion.tryParse(text)).isEmpty();
        assertThatThrownBy(() -> KaapanaVersion.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a Kaapana version");
    }

    @Test
    void formatsWhatItParsed() {
        for (String s : List.of("0.4.2", "0.5", "0.5.2-rc1", "1.0")) {
            assertThat(KaapanaVersion.parse(s).format()).isEqualTo(s);
            assertThat(KaapanaVersion.parse(s).toString()).isEqualTo(s);
        }
        assertThat(KaapanaVersion.TARGET.series()).isEqualTo("0.5.x");
    }

    @Test
    void ordersNumericallyWithPreReleasesFirst() {
        List<KaapanaVersion> sorted = new ArrayList<>();
        for (String s : List.of("1.0", "0.10.0", "0.5.2", "0.5", "0.5.2-rc1", "0.4.2", "0.4.10", "0.5.0")) {
            sorted.add(KaapanaVersion.parse(s));
        }
        Collections.sort(sorted);
        assertThat(sorted).extracting(KaapanaVersion::format)
                .containsExactly("0.4.2", "0.4.10", "0.5", "0.5.0", "0.5.2-rc1", "0.5.2", "0.10.0", "1.0");
        assertThat(KaapanaVersion.parse("0.4.2").isSeries(0, 4)).isTrue();
        assertThat(KaapanaVersion.parse("0.4.2").isSeries(0, 5)).isFalse();
    }
}
