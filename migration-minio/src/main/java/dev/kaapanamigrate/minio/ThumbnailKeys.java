package dev.kaapanamigrate.minio;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The thumbnails each project bucket holds once 0.5 runs ({@link MinioKeys#THUMBNAILS}), for the consistency step that
 * joins them with the series: 0.5 expects {@code thumbnails/<SeriesInstanceUID>.png} in the project bucket for every
 * series, 0.4 made them only for SEG and RTSTRUCT. Plain data; the series UIDs themselves are in files (gzip, one UID per
 * line, sorted), as there may be very many.
 *
 * <pre>{@code
 * ThumbnailKeys thumbnails = ctx.require(MinioKeys.THUMBNAILS);
 * for (ThumbnailKeys.Bucket b : thumbnails.buckets()) {
 *     try (var uids = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(Path.of(b.file())))))) { ... }
 * }
 * }</pre>
 *
 * @param buckets per project bucket, sorted by name
 */
public record ThumbnailKeys(List<Bucket> buckets) {

    /**
     * Copies the list.
     *
     * @param buckets the buckets
     */
    public ThumbnailKeys {
        buckets = List.copyOf(Objects.requireNonNull(buckets, "buckets"));
    }

    /**
     * A bucket by name.
     *
     * @param name the bucket
     * @return the bucket, or empty
     */
    public Optional<Bucket> bucket(String name) {
        return buckets.stream().filter(b -> b.bucket().equals(name)).findFirst();
    }

    /**
     * The thumbnails of one bucket.
     *
     * @param bucket     the bucket
     * @param project    the project's name, or {@code null} when no project list was known
     * @param thumbnails how many {@code thumbnails/<uid>.png} keys
     * @param file       the absolute path of the gzip file of their series UIDs, one per line, sorted
     */
    public record Bucket(String bucket, String project, long thumbnails, String file) {
    }
}
