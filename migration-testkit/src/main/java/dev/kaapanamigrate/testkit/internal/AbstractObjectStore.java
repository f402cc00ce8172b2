package dev.kaapanamigrate.testkit.internal;

import dev.kaapanamigrate.testkit.backends.BackendMode;
import dev.kaapanamigrate.testkit.backends.ObjectStore;
import io.minio.MinioClient;

/** What every object store shares: endpoint, keys, a client, and closing exactly once. */
abstract class AbstractObjectStore implements ObjectStore {

    private final String endpoint;
    private final String accessKey;
    private final String secretKey;
    private final MinioClient client;
    private final BackendMode backend;
    private boolean closed;

    AbstractObjectStore(String endpoint, String accessKey, String secretKey, BackendMode backend) {
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.backend = backend;
        this.client = Clients.minio(endpoint, accessKey, secretKey);
    }

    /** Stops the server behind the store; called once, after the client is closed. */
    abstract void stopServer();

    /** @return more of this store for {@link #toString()}, starting with ", " or empty */
    String details() {
        return "";
    }

    @Override
    public final String endpoint() {
        return endpoint;
    }

    @Override
    public final String accessKey() {
        return accessKey;
    }

    @Override
    public final String secretKey() {
        return secretKey;
    }

    @Override
    public final MinioClient client() {
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
        stopServer();
    }

    @Override
    public final String toString() {
        // never the secret key
        return getClass().getSimpleName() + "[endpoint=" + endpoint + ", accessKey=" + accessKey + details()
                + (closed ? ", closed" : "") + "]";
    }
}
