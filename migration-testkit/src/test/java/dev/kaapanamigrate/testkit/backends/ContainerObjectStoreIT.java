package dev.kaapanamigrate.testkit.backends;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract on the MinIO image Kaapana runs. Needs Docker. */
@EnabledIf(value = "dev.kaapanamigrate.testkit.internal.Docker#available",
        disabledReason = "no Docker engine: the MinIO container cannot start (the embedded S3 tests cover the basics)")
class ContainerObjectStoreIT extends ObjectStoreContract {

    @Override
    protected ObjectStore start() {
        return TestBackends.startMinioContainer(ACCESS_KEY, SECRET_KEY);
    }

    @Test
    void isTheContainerKindWithPolicies() {
        assertThat(store.backend()).isEqualTo(BackendMode.CONTAINERS);
        assertThat(store.supportsPolicies()).isTrue();
        assertThat(store.dataDirectory()).isEmpty();
    }
}
