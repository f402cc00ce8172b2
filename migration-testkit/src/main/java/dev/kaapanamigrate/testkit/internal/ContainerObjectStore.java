package dev.kaapanamigrate.testkit.internal;

import dev.kaapanamigrate.testkit.backends.BackendMode;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.utility.DockerImageName;

import java.nio.file.Path;
import java.util.Optional;

/** The MinIO image through Testcontainers. */
public final class ContainerObjectStore extends AbstractObjectStore {

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
        MinIOContainer container = new MinIOContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("minio/minio"))
                .withUserName(accessKey)
                .withPassword(secretKey);
        return Docker.start(container, "MinIO", "check that Docker can pull and run the image.",
                c -> new ContainerObjectStore(c, accessKey, secretKey));
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
