package dev.kaapanamigrate.kaapana.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretMaskTest {

    private final SecretMask mask = SecretMask.of(List.of("s3cr3t-registry", "ab"));

    @Test
    void literalSecretsPasswordLinesBearerTokensAndUrlPasswordsAreMasked() {
        String out = mask.mask("""
                SET CONTAINER_REGISTRY_PASSWORD!
                helm registry login -u kaapana -p s3cr3t-registry registry.example.org
                username: kaapana
                password: Kaapana2020!
                CREDENTIALS_MINIO_PASSWORD="minio-pw"
                Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig
                pulling https://ci:tok3n@registry.example.org/kaapana
                token=abc123 apiKey: k-1
                """);
        assertThat(out).doesNotContain("s3cr3t-registry", "Kaapana2020!", "minio-pw", "eyJhbGciOiJIUzI1NiJ9", "tok3n",
                "abc123", "k-1");
        assertThat(out).contains("SET CONTAINER_REGISTRY_PASSWORD!", "username: kaapana", "password: ****",
                "Bearer ****", "https://ci:****@registry.example.org/kaapana");
        assertThat(mask.mask("a table of abstract labels")).as("secrets shorter than 3 characters are left to the "
                + "patterns").isEqualTo("a table of abstract labels");
    }

    @Test
    void theValueOfAPasswordOptionIsMaskedInCommandLines() {
        assertThat(mask.maskArguments(List.of("deploy_platform.sh", "--quiet", "--username", "ci", "--password", "x y z",
                "-p", "short", "--password=inline", "--domain", "kaapana.example.org")))
                .containsExactly("deploy_platform.sh", "--quiet", "--username", "ci", "--password", "****", "-p", "****",
                        "--password=****", "--domain", "kaapana.example.org");
    }
}
