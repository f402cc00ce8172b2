package dev.kaapanamigrate.testkit.backends;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract on the OpenSearch image Kaapana runs. Needs Docker. */
@EnabledIf(value = "dev.kaapanamigrate.testkit.internal.Docker#available",
        disabledReason = "no Docker engine: the OpenSearch container cannot start (the embedded node tests cover the basics)")
class ContainerSearchNodeIT extends SearchNodeContract {

    @Override
    protected SearchNode start() {
        return TestBackends.startOpenSearchContainer();
    }

    @Test
    void isTheContainerKind() {
        assertThat(node.backend()).isEqualTo(BackendMode.CONTAINERS);
        assertThat(node.dataDirectory()).isEmpty();
    }
}
