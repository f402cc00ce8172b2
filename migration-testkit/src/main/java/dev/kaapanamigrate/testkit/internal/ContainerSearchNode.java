package dev.kaapanamigrate.testkit.internal;

import dev.kaapanamigrate.testkit.backends.BackendMode;
import org.opensearch.testcontainers.OpenSearchContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.utility.DockerImageName;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The OpenSearch image through Testcontainers, security plugin disabled. */
public final class ContainerSearchNode extends AbstractSearchNode {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerSearchNode.class);
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
        long t0 = System.nanoTime();
        OpenSearchContainer<?> container = new OpenSearchContainer<>(
                DockerImageName.parse(image).asCompatibleSubstituteFor("opensearchproject/opensearch"));
        container.withEnv("cluster.routing.allocation.disk.threshold_enabled", "false")
                .withEnv("OPENSEARCH_JAVA_OPTS", "-Xms512m -Xmx512m");
        try {
            container.start();
            ContainerSearchNode node = new ContainerSearchNode(container);
            LOG.info("OpenSearch container {} started at {} in {} ms", image, node.httpUrl(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return node;
        } catch (RuntimeException e) {
            container.stop();
            throw new IllegalStateException("Cannot start the OpenSearch container " + image + ": " + e.getMessage()
                    + ". Fix: check that Docker can pull and run the image and has 1 GiB of memory free.", e);
        }
    }





    @Override
    public Optional<Path> dataDirectory() {
        return Optional.empty();
    }

    @Override
    void stopNode() {
        container.stop();
    }
}
