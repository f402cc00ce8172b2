package dev.kaapanamigrate.testkit.internal;

import dev.kaapanamigrate.testkit.backends.BackendMode;
import dev.kaapanamigrate.testkit.backends.ObjectStore;
import io.minio.MinioClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.utility.DockerImageName;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The MinIO image through Testcontainers. */
public final class ContainerObjectStore implements ObjectStore {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerObjectStore.class);

    private final MinIOContainer container;
    private final String endpoint;
    private final String accessKey;
    private final String secretKey;
    private final MinioClient client;
    private boolean closed;

    private ContainerObjectStore(MinIOContainer container, String accessKey, String secretKey) {
        this.container = container;
        this.endpoint = container.getS3URL();
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.client = Clients.minio(endpoint, accessKey, secretKey);
    }

    /**
     * Starts a MinIO container.
     *
     * @param image     the image
     * @param accessKey the root user
     * @param secretKey the root password
     * @return the running store
     */
    public static ContainerObjectStore start(String image, String accessKey, String secretKey) {
        long t0 = System.nanoTime();
        MinIOContainer container = new MinIOContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("minio/minio"))
                .withUserName(accessKey)
                .withPassword(secretKey);
        try {
            container.start();
            ContainerObjectStore store = new ContainerObjectStore(container, accessKey, secretKey);
            LOG.info("MinIO container {} started at {} in {} ms", image, store.endpoint,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return store;
        } catch (RuntimeException e) {
            container.stop();
            throw new IllegalStateException("Cannot start the MinIO container " + image + ": " + e.getMessage()
                    + ". Fix: check that Docker can pull and run the image.", e);
        }
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public String accessKey() {
        return accessKey;
    }

    @Override
    public String secretKey() {
        return secretKey;
    }

    @Override
    public MinioClient client() {
        return client;
    }

    @Override
    public BackendMode backend() {
        return BackendMode.CONTAINERS;
    }

    @Override
    public boolean supportsPolicies() {
        return true;
    }

    @Override
    public Optional<Path> dataDirectory() {
        return Optional.empty();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Clients.closeQuietly(client);
        container.stop();
    }

    @Override
    public String toString() {
        return "ContainerObjectStore[endpoint=" + endpoint + ", accessKey=" + accessKey
                + (closed ? ", closed" : "") + "]";
    }
}
