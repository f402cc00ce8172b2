package dev.kaapanamigrate.testkit.internal;

import dev.kaapanamigrate.testkit.backends.BackendMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.utility.DockerImageName;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The MinIO image through Testcontainers. */
public final class ContainerObjectStore extends AbstractObjectStore {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerObjectStore.class);

    private final MinIOContainer container;

    private ContainerObjectStore(MinIOContainer container, String accessKey, String secretKey) {
        super(container.getS3URL(), accessKey, secretKey, BackendMode.CONTAINERS);
        this.container = container;
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
            LOG.info("MinIO container {} started at {} in {} ms", image, store.endpoint(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return store;
        } catch (RuntimeException e) {
            container.stop();
            throw new IllegalStateException("Cannot start the MinIO container " + image + ": " + e.getMessage()
                    + ". Fix: check that Docker can pull and run the image.", e);
        }
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
    void stopServer() {
        container.stop();
    }
}
