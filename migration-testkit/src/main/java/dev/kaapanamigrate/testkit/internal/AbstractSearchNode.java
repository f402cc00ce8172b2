package dev.kaapanamigrate.testkit.internal;

import dev.kaapanamigrate.testkit.backends.BackendMode;
import dev.kaapanamigrate.testkit.backends.SearchNode;
import org.opensearch.client.opensearch.OpenSearchClient;

/** What every search node shares: host, port, a client, and closing exactly once. */
abstract class AbstractSearchNode extends AbstractBackend<OpenSearchClient> implements SearchNode {

    private final String host;
    private final int port;

    AbstractSearchNode(String host, int port, BackendMode backend) {
        super(backend, Clients.openSearch(host, port), Clients::closeQuietly);
        this.host = host;
        this.port = port;
    }

    @Override
    public final String host() {
        return host;
    }

    @Override
    public final int port() {
        return port;
    }

    @Override
    final String address() {
        return httpUrl();
    }
}
