package dev.kaapanamigrate.testkit.internal;

import dev.kaapanamigrate.testkit.backends.BackendMode;
import org.opensearch.testcontainers.OpenSearchContainer;
import org.testcontainers.utility.DockerImageName;

import java.nio.file.Path;
import java.util.Optional;

/** The OpenSearch image through Testcontainers, security plugin disabled. */
public final class ContainerSearchNode extends AbstractSearchNode {

    private static final int HTTP_PORT = 9200;

    private final OpenSearchContainer<?> container;

    private ContainerSearchNode(OpenSearchContainer<?> container) {
        super(container.getHost(), container.getMappedPort(HTTP_PORT), BackendMode.CONTAINERS);
        this.container = container;
    }

    /**
     * Starts an OpenSearch container (security disabled, disk threshold off, 512 MiB heap).
     *
     * @param image the image
     * @return the running node
     */
    public static ContainerSearchNode start(String image) {
        OpenSearchContainer<?> container = new OpenSearchContainer<>(
                DockerImageName.parse(image).asCompatibleSubstituteFor("opensearchproject/opensearch"));
        container.withEnv("cluster.routing.allocation.disk.threshold_enabled", "false")
                .withEnv("OPENSEARCH_JAVA_OPTS", "-Xms512m -Xmx512m");
        return Docker.start(container, "OpenSearch", "check that Docker can pull and run the image and has 1 GiB of "
                + "memory free.", ContainerSearchNode::new);
    }

    @Override
    public Optional<Path> dataDirectory() {
        return Optional.empty();
    }

    @Override
    void stopServer() {
        container.stop();
    }
}
