package dev.kaapanamigrate.testkit.internal;

import dev.kaapanamigrate.testkit.backends.BackendMode;
import dev.kaapanamigrate.testkit.backends.SearchNode;
import org.opensearch.client.opensearch.OpenSearchClient;

/** What every search node shares: host, port, a client, and closing exactly once. */
abstract class AbstractSearchNode implements SearchNode {

    private final String host;
    private final int port;
    private final OpenSearchClient client;
    private final BackendMode backend;
    private boolean closed;

    AbstractSearchNode(String host, int port, BackendMode backend) {
        this.host = host;
        this.port = port;
        this.backend = backend;
        this.client = Clients.openSearch(host, port);
    }

    /** Stops the node; called once, after the client is closed. */
    abstract void stopNode();

    /** @return more of this node for {@link #toString()}, starting with ", " or empty */
    String details() {
        return "";
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
    public final OpenSearchClient client() {
        return client;
    }

    @Override
    public final BackendMode backend() {
        return backend;
    }

    @Override
    public final synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Clients.closeQuietly(client);
        stopNode();
    }

    @Override
    public final String toString() {
        return getClass().getSimpleName() + "[" + httpUrl() + details() + (closed ? ", closed" : "") + "]";
    }
}
