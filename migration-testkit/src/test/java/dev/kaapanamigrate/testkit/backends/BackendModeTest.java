package dev.kaapanamigrate.testkit.backends;

import dev.kaapanamigrate.core.ConfigurationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackendModeTest {

    @Test
    void parsesPropertyValuesCaseInsensitivelyAndDefaultsToAuto() {
        assertThat(BackendMode.parse(null)).isEqualTo(BackendMode.AUTO);
        assertThat(BackendMode.parse("  ")).isEqualTo(BackendMode.AUTO);
        assertThat(BackendMode.parse("auto")).isEqualTo(BackendMode.AUTO);
        assertThat(BackendMode.parse(" Embedded ")).isEqualTo(BackendMode.EMBEDDED);
        assertThat(BackendMode.parse("CONTAINERS")).isEqualTo(BackendMode.CONTAINERS);
    }

    @Test
    void unknownValueSaysWhatIsAllowed() {
        assertThatThrownBy(() -> BackendMode.parse("docker"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("kaapana.testkit.backends is 'docker'")
                .hasMessageContaining("auto, embedded, containers");
    }

    @Test
    void readsTheSystemProperty() {
        String old = System.getProperty(BackendMode.PROPERTY);
        try {
            System.setProperty(BackendMode.PROPERTY, "embedded");
            assertThat(BackendMode.fromSystemProperty()).isEqualTo(BackendMode.EMBEDDED);
            System.clearProperty(BackendMode.PROPERTY);
            assertThat(BackendMode.fromSystemProperty()).isEqualTo(BackendMode.AUTO);
        } finally {
            if (old == null) {
                System.clearProperty(BackendMode.PROPERTY);
            } else {
                System.setProperty(BackendMode.PROPERTY, old);
            }
        }
    }

    @Test
    void autoFollowsDockerAvailability() {
        assertThat(BackendMode.AUTO.resolve(true)).isEqualTo(BackendMode.CONTAINERS);
        assertThat(BackendMode.AUTO.resolve(false)).isEqualTo(BackendMode.EMBEDDED);
        assertThat(BackendMode.EMBEDDED.resolve(true)).isEqualTo(BackendMode.EMBEDDED);
        assertThat(BackendMode.CONTAINERS.resolve(true)).isEqualTo(BackendMode.CONTAINERS);
        assertThat(BackendMode.EMBEDDED.resolve()).isEqualTo(BackendMode.EMBEDDED);
    }

    @Test
    void containersWithoutDockerFailWithAFix() {
        assertThatThrownBy(() -> BackendMode.CONTAINERS.resolve(false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no Docker engine was found")
                .hasMessageContaining("-Dkaapana.testkit.backends=embedded");
    }

    @Test
    void invalidCredentialsAreRejectedWithoutEchoingTheSecret() {
        assertThatThrownBy(() -> TestBackends.startObjectStore(BackendMode.EMBEDDED, "ab", "long-enough-secret"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("access key is 'ab'");
        assertThatThrownBy(() -> TestBackends.startObjectStore(BackendMode.EMBEDDED, "minio", "s3cr3t!"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("too short (7 characters)")
                .message().doesNotContain("s3cr3t!");
    }

    @Test
    void etagsAreComparedWithoutQuotes() {
        assertThat(ObjectStore.normalizeEtag("\"9a0364b9e99bb480dd25e1f0284c8555\""))
                .isEqualTo("9a0364b9e99bb480dd25e1f0284c8555");
        assertThat(ObjectStore.normalizeEtag("9a0364b9e99bb480dd25e1f0284c8555-3"))
                .isEqualTo("9a0364b9e99bb480dd25e1f0284c8555-3");
        assertThat(ObjectStore.normalizeEtag("W/\"abc\"")).isEqualTo("abc");
        assertThat(ObjectStore.normalizeEtag(null)).isNull();
    }
}
