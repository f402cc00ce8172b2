package dev.kaapanamigrate.testkit.internal;

import dev.kaapanamigrate.testkit.backends.BackendMode;
import dev.kaapanamigrate.testkit.backends.ObjectStore;
import io.minio.MinioClient;

/** What every object store shares: endpoint, keys, a client, and closing exactly once. */
abstract class AbstractObjectStore extends AbstractBackend<MinioClient> implements ObjectStore {

    private final String endpoint;
    private final String accessKey;
    private final String secretKey;

    AbstractObjectStore(String endpoint, String accessKey, String secretKey, BackendMode backend) {
        super(backend, Clients.minio(endpoint, accessKey, secretKey), Clients::closeQuietly);
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
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
    final String address() {
        return "endpoint=" + endpoint + ", accessKey=" + accessKey; // never the secret key
    }
}
