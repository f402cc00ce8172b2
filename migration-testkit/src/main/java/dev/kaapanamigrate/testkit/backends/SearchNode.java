package dev.kaapanamigrate.testkit.backends;

import org.opensearch.client.opensearch.OpenSearchClient;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A running single-node OpenSearch 2.18 cluster that stands in for a Kaapana installation's OpenSearch,
 * with an {@link OpenSearchClient} bound to it over plain HTTP. Start one with {@link TestBackends};
 * {@link #close()} stops the node and closes the client's transport.
 *
 * <p>Neither kind runs the security plugin: there are no users, roles or TLS. Tests of Kaapana's
 * per-project roles put {@code dev.kaapanamigrate.testkit.security.SecurityStandIn} in front of the node.
 */
public interface SearchNode extends AutoCloseable {

    /**
     * The host name or address the HTTP API listens on, e.g. {@code 127.0.0.1}.
     *
     * @return the HTTP host
     */
    String host();

    /**
     * The HTTP port.
     *
     * @return the port
     */
    int port();

    /**
     * The base URL of the HTTP API, e.g. {@code http://127.0.0.1:41235}.
     *
     * @return the URL, without a trailing slash
     */
    default String httpUrl() {
        return "http://" + host() + ":" + port();
    }

    /**
     * A client bound to this node (Apache HttpClient 5 transport, Jackson mapper). The same instance is
     * returned every time; {@link #close()} closes its transport.
     *
     * @return the client
     */
    OpenSearchClient client();

    /**
     * Which kind of server this is.
     *
     * @return {@link BackendMode#EMBEDDED} or {@link BackendMode#CONTAINERS}
     */
    BackendMode backend();

    /**
     * The node's base directory (data, logs, config) for the embedded kind. Empty for containers.
     * {@link #close()} deletes it.
     *
     * @return the base directory, or empty
     */
    Optional<Path> dataDirectory();

    /**
     * Closes the client's transport and stops the node; for the embedded kind it then deletes
     * {@link #dataDirectory()}. Calling it again does nothing.
     */
    @Override
    void close();
}
