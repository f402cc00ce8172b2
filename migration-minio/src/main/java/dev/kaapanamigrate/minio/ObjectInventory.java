package dev.kaapanamigrate.minio;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an object store held at one moment, per bucket: counts, bytes and digests, with the full listings in files
 * (sorted as S3 lists keys) beside the journal. Plain data, journaled as JSON: the baseline taken while 0.4 runs
 * ({@link MinioKeys#BASELINE}) and the listing taken once 0.5 runs ({@link MinioKeys#TARGET}).
 *
 * @param endpoint the store's endpoint, as messages name it
 * @param takenAt  when the listing finished
 * @param runId    the run (or standalone context) that took it
 * @param buckets  the buckets, sorted by name
 */
public record ObjectInventory(String endpoint, Instant takenAt, String runId, List<BucketInventory> buckets) {

    /**
     * Validates and copies.
     *
     * @param endpoint the endpoint
     * @param takenAt  when
     * @param runId    the run
     * @param buckets  the buckets
     */
    public ObjectInventory {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(takenAt, "takenAt");
        buckets = List.copyOf(Objects.requireNonNull(buckets, "buckets"));
    }

    /**
     * A bucket by name.
     *
     * @param name the bucket
     * @return the bucket, or empty
     */
    public Optional<BucketInventory> bucket(String name) {
        return buckets.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /**
     * The objects of every bucket.
     *
     * @return the total count
     */
    public long objects() {
        return buckets.stream().mapToLong(BucketInventory::objects).sum();
    }

    /**
     * The bytes of every bucket.
     *
     * @return the total size
     */
    public long bytes() {
        return buckets.stream().mapToLong(BucketInventory::bytes).sum();
    }
}
