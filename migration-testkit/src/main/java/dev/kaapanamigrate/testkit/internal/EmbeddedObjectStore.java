package dev.kaapanamigrate.testkit.internal;

import dev.kaapanamigrate.pgserver.os.FileTrees;
import dev.kaapanamigrate.core.ConfigurationException;
import dev.kaapanamigrate.testkit.backends.BackendMode;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** s3proxy in this JVM on a filesystem blob store, bound to 127.0.0.1 on a free port. */
public final class EmbeddedObjectStore extends AbstractObjectStore {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedObjectStore.class);
    private static final long START_TIMEOUT_MS = 30_000;

    private final S3Proxy proxy;
    private final Path dataDirectory;
    private final boolean ownsDirectory;

    private EmbeddedObjectStore(S3Proxy proxy, Path dataDirectory, boolean ownsDirectory, String accessKey,
                                String secretKey) {
        super("http://127.0.0.1:" + proxy.getPort(), accessKey, secretKey, BackendMode.EMBEDDED);
        this.proxy = proxy;
        this.dataDirectory = dataDirectory;
        this.ownsDirectory = ownsDirectory;
    }

    /**
     * Starts s3proxy.
     *
     * @param dataDirectory an existing directory, or {@code null} for a temporary one deleted on close
     * @param accessKey     the access key
     * @param secretKey     the secret key
     * @return the running store
     */
    public static EmbeddedObjectStore start(Path dataDirectory, String accessKey, String secretKey) {
        boolean owns = dataDirectory == null;
        Path dir = owns ? ScratchDirectories.create("kaapana-testkit-s3-") : dataDirectory.toAbsolutePath();
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new ConfigurationException("The embedded S3 data directory " + dir + " is "
                    + (Files.exists(dir) ? "not a writable directory" : "missing")
                    + "; expected an existing, writable directory. Fix: create it first.");
        }
        long t0 = System.nanoTime();
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(dir.toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        long built = System.nanoTime();
        try {
            proxy.start();
            LOG.debug("s3proxy built in {} ms, Jetty started in {} ms",
                    TimeUnit.NANOSECONDS.toMillis(built - t0), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - built));
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
            while (!"STARTED".equals(proxy.getState())) {
                if ("FAILED".equals(proxy.getState()) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("s3proxy did not start: state " + proxy.getState()
                            + " after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)
                            + " ms; expected STARTED within " + START_TIMEOUT_MS + " ms.");
                }
                Thread.sleep(1);
            }
            long ready = System.nanoTime();
            EmbeddedObjectStore store = new EmbeddedObjectStore(proxy, dir, owns, accessKey, secretKey);
            LOG.debug("MinIO client built in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ready));
            LOG.info("Embedded S3 (s3proxy) started at {} on {} in {} ms", store.endpoint(), dir,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return store;
        } catch (Exception e) {
            stopQuietly(proxy);
            if (owns) {
                FileTrees.deleteRecursively(dir);
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("Cannot start the embedded S3 server (s3proxy) on 127.0.0.1 with data"
                    + " directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void stopQuietly(S3Proxy proxy) {
        try {
            proxy.stop();
        } catch (Exception e) {
            LOG.warn("Stopping s3proxy failed: {}", e.toString());
        }
    }

    @Override
    public boolean supportsPolicies() {
        return false;
    }

    @Override
    public Optional<Path> dataDirectory() {
        return Optional.of(dataDirectory);
    }

    @Override
    void stopServer() {
        long t0 = System.nanoTime();
        stopQuietly(proxy);
        if (ownsDirectory) {
            FileTrees.deleteRecursively(dataDirectory);
        }
        LOG.info("Embedded S3 (s3proxy) at {} stopped in {} ms", endpoint(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    @Override
    String details() {
        return ", dataDirectory=" + dataDirectory;
    }
}
