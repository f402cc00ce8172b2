package dev.kaapanamigrate.testkit.backends;

import io.minio.MinioClient;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A running S3 server that stands in for a Kaapana installation's MinIO, with a {@link MinioClient} bound
 * to it. Start one with {@link TestBackends}; {@link #close()} stops the server and the client.
 *
 * <p>The embedded kind (s3proxy) speaks the S3 API that Kaapana's services use (buckets, put/get/stat,
 * multipart, listing, server-side copy, multi-delete, presigned URLs) but is not MinIO. It lacks bucket
 * policies, bucket and object tags, lifecycle, notifications, object lock and MinIO's admin API:
 * check {@link #supportsPolicies()} before a test relies on them. It also quotes ETags differently
 * (see {@link #normalizeEtag(String)}).
 *
 * <p>Implementations never put the secret key into {@code toString()}, logs or exception messages.
 */
public interface ObjectStore extends AutoCloseable {

    /**
     * Why a test of bucket policies, tags, lifecycle or the MinIO admin API is skipped on a store whose
     * {@link #supportsPolicies()} is {@code false}; meant as the message of a JUnit assumption.
     */
    String POLICIES_UNSUPPORTED = "the embedded S3 server (s3proxy) implements no bucket policies, bucket or"
            + " object tags, lifecycle, notifications, object lock or MinIO admin API; run with Docker and -D"
            + BackendMode.PROPERTY + "=containers (or auto) to test this against MinIO";

    /**
     * The S3 endpoint, e.g. {@code http://127.0.0.1:41234}, without a trailing slash.
     *
     * @return the endpoint URL
     */
    String endpoint();

    /**
     * The access key (user name) the server accepts.
     *
     * @return the access key
     */
    String accessKey();

    /**
     * The secret key (password) the server accepts. Keep it out of logs and messages.
     *
     * @return the secret key
     */
    String secretKey();

    /**
     * A client bound to this server with {@link #accessKey()} and {@link #secretKey()}, region
     * {@code us-east-1}. The same instance is returned every time; {@link #close()} closes it.
     *
     * @return the client
     */
    MinioClient client();

    /**
     * Which kind of server this is.
     *
     * @return {@link BackendMode#EMBEDDED} or {@link BackendMode#CONTAINERS}
     */
    BackendMode backend();

    /**
     * Whether the server implements MinIO's management features beyond plain S3 object access: bucket
     * policies, bucket and object tags, lifecycle rules and the MinIO admin API. {@code false} for the
     * embedded s3proxy; skip such tests with {@link #POLICIES_UNSUPPORTED} as the reason:
     *
     * <pre>{@code
     * assumeTrue(store.supportsPolicies(), ObjectStore.POLICIES_UNSUPPORTED);
     * }</pre>
     *
     * @return {@code true} for real MinIO
     */
    boolean supportsPolicies();

    /**
     * The directory the server keeps its objects in, for the embedded kind (one sub-directory per bucket,
     * one file per object). Empty for containers.
     *
     * @return the data directory, or empty
     */
    Optional<Path> dataDirectory();

    /**
     * Stops the server and closes {@link #client()}. Deletes the data directory when the store created it
     * itself; keeps a directory the caller gave. Calling it again does nothing.
     */
    @Override
    void close();

    /**
     * An ETag as a bare value. s3proxy returns ETags unquoted from put and stat but quoted from multipart
     * uploads and copies, and MinIO quotes differently again; compare ETags only after this.
     *
     * @param etag an ETag as returned by the client, may be {@code null}
     * @return the ETag without surrounding double quotes, or {@code null} when {@code etag} is
     */
    static String normalizeEtag(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }
}
