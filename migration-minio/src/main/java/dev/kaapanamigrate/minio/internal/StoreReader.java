package dev.kaapanamigrate.minio.internal;

import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.minio.MinioStore;
import io.minio.ListObjectsArgs;
import io.minio.Result;
import io.minio.messages.Item;
import io.minio.messages.ListAllMyBucketsResult;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads buckets and listings through the caller's client, page by page, retrying a failed request with exponential
 * backoff: a listing that fails midway starts again after the last key it delivered (S3's {@code start-after}), so no
 * object is delivered twice and none is skipped.
 */
public final class StoreReader {

    private static final Logger LOG = LoggerFactory.getLogger(StoreReader.class);

    /** Receives the objects of a listing, in the server's order. */
    @FunctionalInterface
    public interface ObjectSink {
        /**
         * One object.
         *
         * @param key  the key
         * @param size the size in bytes
         * @param etag the ETag without quotes, or {@code null}
         * @throws IOException when the sink fails
         */
        void accept(String key, long size, String etag) throws IOException;
    }

    /** Waits between attempts; replaced in tests. */
    @FunctionalInterface
    public interface Sleeper {
        /**
         * Waits.
         *
         * @param d how long
         * @throws InterruptedException when interrupted
         */
        void sleep(Duration d) throws InterruptedException;
    }

    private final MinioStore store;
    private final Sleeper sleeper;

    /**
     * Creates a reader.
     *
     * @param store the store
     */
    public StoreReader(MinioStore store) {
        this(store, d -> Thread.sleep(d.toMillis()));
    }

    /**
     * Creates a reader with its own way of waiting.
     *
     * @param store   the store
     * @param sleeper how to wait between attempts
     */
    public StoreReader(MinioStore store, Sleeper sleeper) {
        this.store = store;
        this.sleeper = sleeper;
    }

    /**
     * The names of every bucket, sorted.
     *
     * @return the names
     */
    public List<String> bucketNames() {
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                List<String> names = new ArrayList<>();
                for (ListAllMyBucketsResult.Bucket b : store.client().listBuckets()) {
                    names.add(b.name());
                }
                names.sort(Utf8Order.INSTANCE);
                return names;
            } catch (Exception e) {
                retryOrThrow(e, attempt, "listing the buckets");
            }
        }
    }

    /**
     * Lists every object of a bucket (recursively), in the server's order.
     *
     * @param bucket the bucket
     * @param sink   where the objects go
     * @throws IOException when the sink fails
     */
    public void listObjects(String bucket, ObjectSink sink) throws IOException {
        String after = null;
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                ListObjectsArgs.Builder args = ListObjectsArgs.builder().bucket(bucket).recursive(true);
                if (after != null) {
                    args.startAfter(after);
                }
                for (Result<Item> result : store.client().listObjects(args.build())) {
                    Item item = result.get();
                    if (item.isDir() || item.isDeleteMarker()) {
                        continue;
                    }
                    sink.accept(item.objectName(), item.size(), stripQuotes(item.etag()));
                    after = item.objectName();
                    attempt = 0; // progress: the next failure starts a fresh count
                }
                return;
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                retryOrThrow(e, Math.max(attempt, 1), "listing bucket " + bucket
                        + (after == null ? "" : " after key '" + after + "'"));
                attempt = Math.max(attempt, 1);
            }
        }
    }

    private void retryOrThrow(Exception e, int attempt, String operation) {
        if (e instanceof MigrationException m) {
            throw m;
        }
        StoreErrors.Kind kind = StoreErrors.kind(e);
        if (!StoreErrors.retryable(kind) || attempt >= store.attempts()) {
            throw StoreErrors.of(e, store.endpoint(), operation, attempt);
        }
        Duration wait = backoff(attempt);
        LOG.warn("Object store at {} failed while {} (attempt {} of {}), retrying in {} ms: {}", store.endpoint(),
                operation, attempt, store.attempts(), wait.toMillis(), StoreErrors.describeChain(e));
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw StoreErrors.of(e, store.endpoint(), operation + " (interrupted while waiting to retry)", attempt);
        }
    }

    private Duration backoff(int attempt) {
        long ms = store.firstBackoff().toMillis() << Math.min(20, attempt - 1);
        return Duration.ofMillis(Math.min(ms, store.maxBackoff().toMillis()));
    }

    /**
     * An ETag without surrounding quotes (servers quote differently).
     *
     * @param etag the ETag, may be {@code null}
     * @return the bare value, or {@code null}
     */
    public static String stripQuotes(String etag) {
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
        return e.isEmpty() ? null : e;
    }
}
