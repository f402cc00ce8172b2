package dev.kaapanamigrate.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClusterSpecTest {

    @Test
    void defaultsFollowTheOfficialImage() {
        ClusterSpec spec = ClusterSpec.builder("kaapanauser", "Kaapana2020").build();

        assertThat(spec.superuser()).isEqualTo("kaapanauser");
        assertThat(spec.password()).isEqualTo("Kaapana2020");
        assertThat(spec.database()).as("POSTGRES_DB defaults to POSTGRES_USER").isEqualTo("kaapanauser");
        assertThat(spec.locale()).isEmpty();
        assertThat(spec.ownerUid()).isEqualTo(70);
        assertThat(spec.ownerGid()).isEqualTo(70);
        assertThat(spec.syncToDisk()).isTrue();
    }

    @Test
    void toStringNeverShowsThePassword() {
        ClusterSpec spec = ClusterSpec.builder("root", "s3cr3t-pw").database("airflow").locale("en_US.utf8")
                .owner(1000, 1000).syncToDisk(false).build();

        assertThat(spec.toString()).doesNotContain("s3cr3t-pw").contains("password=***").contains("airflow")
                .contains("1000:1000").contains("en_US.utf8");
        assertThat(spec.locale()).contains("en_US.utf8");
    }

    @Test
    void equalSpecsAreEqual() {
        assertThat(ClusterSpec.of("keycloak", "keycloak", "keycloak"))
                .isEqualTo(ClusterSpec.builder("keycloak", "keycloak").build())
                .hasSameHashCodeAs(ClusterSpec.builder("keycloak", "keycloak").build())
                .isNotEqualTo(ClusterSpec.builder("keycloak", "other").build());
    }

    @Test
    void invalidValuesAreRefusedWithAReason() {
        assertThatThrownBy(() -> ClusterSpec.builder("u", "two\nlines")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("single line").hasMessageNotContaining("two");
        assertThatThrownBy(() -> ClusterSpec.builder(" ", "pw")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("superuser");
        assertThatThrownBy(() -> ClusterSpec.builder("u", "pw").owner(0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("root");
        assertThatThrownBy(() -> ClusterSpec.builder("u", "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void identifiersAreQuotedLikePsqlDoes() {
        assertThat(PostgresCluster.quoteIdentifier("airflow")).isEqualTo("\"airflow\"");
        assertThat(PostgresCluster.quoteIdentifier("we\"ird")).isEqualTo("\"we\"\"ird\"");
    }
}
