package dev.kaapanamigrate.minio;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What MinIO's data folder (SLOW_DATA_DIR/minio, single-drive "xl-single" layout) held while the platform was
 * undeployed ({@link MinioKeys#OFFLINE_BASELINE}): per bucket the object keys the layout shows (a folder holding
 * {@code xl.meta} is an object), and every file below the folder except MinIO's own {@code .minio.sys} (relative path,
 * size, modification time and, on request, content digest). Plain data, journaled as JSON; the listings are files.
 *
 * <p>What it cannot prove: object sizes and ETags (they live inside {@code xl.meta}, MinIO's binary format, which this
 * library does not read), object versions, that the data parts are intact unless the content digest was taken, and
 * anything about policies, users and bucket settings (in {@code .minio.sys}).
 *
 * @param folder       the data folder walked
 * @param takenAt      when the walk finished
 * @param format       the layout {@code .minio.sys/format.json} names, for example {@code xl-single}
 * @param buckets      per bucket: keys and their digest
 * @param files        how many files (outside {@code .minio.sys})
 * @param fileBytes    their total size on disk
 * @param filesDigest  order-independent digest of (path, size, tag) of every file
 * @param filesListing the absolute path of the file listing
 * @param contentDigest whether each file's tag includes its content's SHA-256
 */
public record OfflineInventory(String folder, Instant takenAt, String format, List<OfflineBucket> buckets, long files,
                               long fileBytes, String filesDigest, String filesListing, boolean contentDigest) {

    /**
     * Validates and copies.
     *
     * @param folder        the folder
     * @param takenAt       when
     * @param format        the layout
     * @param buckets       the buckets
     * @param files         how many files
     * @param fileBytes     their size
     * @param filesDigest   their digest
     * @param filesListing  their listing
     * @param contentDigest whether contents were digested
     */
    public OfflineInventory {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(takenAt, "takenAt");
        buckets = List.copyOf(Objects.requireNonNull(buckets, "buckets"));
    }

    /**
     * A bucket by name.
     *
     * @param name the bucket
     * @return the bucket, or empty
     */
    public Optional<OfflineBucket> bucket(String name) {
        return buckets.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /**
     * One bucket as the layout shows it.
     *
     * @param name    the bucket (a top-level folder)
     * @param objects how many object folders (holding {@code xl.meta})
     * @param digest  order-independent digest of the keys (the same rule as {@link BucketInventory#digest()}, one
     *                field)
     * @param listing the absolute path of the key listing (sizes unknown, no ETags)
     */
    public record OfflineBucket(String name, long objects, String digest, String listing) {
    }
}
