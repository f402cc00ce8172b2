package dev.kaapanamigrate.minio.internal;

import dev.kaapanamigrate.core.CrashPoints;
import dev.kaapanamigrate.core.SetDigest;
import dev.kaapanamigrate.core.RecordFile;
import dev.kaapanamigrate.core.Directories;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.minio.BucketInventory;
import dev.kaapanamigrate.minio.MinioErrorCode;
import dev.kaapanamigrate.minio.MinioStore;
import dev.kaapanamigrate.minio.ObjectInventory;
import dev.kaapanamigrate.minio.ThumbnailKeys;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Takes online inventories into listing files, and recomputes a listing file's count and digest. */
public final class Inventories {

    private static final Logger LOG = LoggerFactory.getLogger(Inventories.class);
    private static final String THUMBNAIL_PREFIX = "thumbnails/";
    private static final String THUMBNAIL_SUFFIX = ".png";

    private Inventories() {
    }

    /** The count and digest of a listing file, and its bytes. */
    public record Summary(long objects, long bytes, String digest) {
    }

    /**
     * The buckets to inventory: every bucket, or the ones named (each must exist).
     *
     * @param reader the reader
     * @param store  the store
     * @param only   the buckets named, empty for all
     * @return the bucket names, sorted
     */
    public static List<String> bucketsToList(StoreReader reader, MinioStore store, List<String> only) {
        List<String> all = reader.bucketNames();
        if (only.isEmpty()) {
            return all;
        }
        List<String> missing = only.stream().filter(b -> !all.contains(b)).toList();
        if (!missing.isEmpty()) {
            throw new MigrationException(Problem.of(MinioErrorCode.BUCKET_MISSING, "the object store at "
                    + store.endpoint() + " has no bucket " + String.join(", ", missing) + " (it has " + all.size()
                    + " buckets)", "every bucket named in MinioOptions.withBuckets to exist",
                    "correct the bucket names in MinioOptions.withBuckets, or leave it empty to inventory every bucket"),
                    null);
        }
        return only.stream().sorted(Utf8Order.INSTANCE).distinct().toList();
    }

    /**
     * Lists every bucket into {@code dir/<bucket>.lst} (sorted as S3 lists keys), with progress per bucket.
     *
     * @param store       the store
     * @param reader      the reader
     * @param buckets     the buckets
     * @param dir         the directory for the listing files (created)
     * @param ctx         the context (clock, run id, progress)
     * @param sortBudget  the in-memory sort budget
     * @param thumbnails  bucket to project name for the buckets whose thumbnail keys to extract, or {@code null}
     * @param thumbOut    receives the thumbnail files found, or {@code null}
     * @return the inventory
     */
    public static ObjectInventory online(MinioStore store, StoreReader reader, List<String> buckets, Path dir,
                                         MigrationContext ctx, long sortBudget, Function<String, String> thumbnails,
                                         List<ThumbnailKeys.Bucket> thumbOut) {
        try {
            Files.createDirectories(dir);
            List<BucketInventory> result = new ArrayList<>();
            int done = 0;
            for (String bucket : buckets) {
                result.add(listBucket(store, reader, bucket, dir, sortBudget, thumbnails, thumbOut));
                done++;
                BucketInventory b = result.get(result.size() - 1);
                ctx.progress(done, buckets.size(), "buckets listed", bucket + " (" + b.objects() + " objects)");
                CrashPoints.reach("minio.inventory:listed", bucket);
            }
            ObjectInventory inventory = new ObjectInventory(store.endpoint(), ctx.clock().instant(),
                    ctx.runId().toString(), result);
            LOG.info("Inventory of {}: {} buckets, {} objects, {} bytes", store.endpoint(), result.size(),
                    inventory.objects(), inventory.bytes());
            return inventory;
        } catch (IOException e) {
            throw new MigrationException(Problem.of(MinioErrorCode.LISTING_FAILED, "writing the listing of "
                    + store.endpoint() + " into " + dir + " failed: " + e, "a writable state directory with free "
                    + "space", "free space in the state directory (a listing takes about 30 bytes per object), then "
                    + "run again"), e);
        }
    }

    private static BucketInventory listBucket(MinioStore store, StoreReader reader, String bucket, Path dir,
                                              long sortBudget, Function<String, String> thumbnails,
                                              List<ThumbnailKeys.Bucket> thumbOut) throws IOException {
        Path file = dir.resolve(bucket + ".lst");
        SetDigest digest = new SetDigest();
        long[] bytes = {0};
        String project = thumbnails == null ? null : thumbnails.apply(bucket);
        boolean wantThumbs = thumbnails != null && (project != null || bucket.startsWith("project-"));
        Path thumbFile = dir.resolve(bucket + ".thumbnails.gz");
        long[] thumbs = {0};
        RecordFile.SortingWriter<ListingFile.Entry> writer = ListingFile.sorted(file, sortBudget);
        BufferedWriter thumbWriter = wantThumbs ? new BufferedWriter(new OutputStreamWriter(
                new GZIPOutputStream(Files.newOutputStream(thumbFile), 1 << 16), StandardCharsets.US_ASCII)) : null;
        boolean ok = false;
        try {
            reader.listObjects(bucket, (key, size, etag) -> {
                writer.add(new ListingFile.Entry(key, size, etag));
                digest.add(key, Long.toString(size), etag);
                bytes[0] += size;
                if (thumbWriter != null && key.startsWith(THUMBNAIL_PREFIX) && key.endsWith(THUMBNAIL_SUFFIX)
                        && key.indexOf('/', THUMBNAIL_PREFIX.length()) < 0
                        && key.length() > THUMBNAIL_PREFIX.length() + THUMBNAIL_SUFFIX.length()) {
                    thumbWriter.write(key, THUMBNAIL_PREFIX.length(), key.length() - THUMBNAIL_PREFIX.length()
                            - THUMBNAIL_SUFFIX.length());
                    thumbWriter.write('\n');
                    thumbs[0]++;
                }
            });
            writer.finish();
            ok = true;
        } finally {
            try {
                writer.close(); // removes an unfinished listing
            } finally {
                if (thumbWriter != null) {
                    thumbWriter.close();
                }
            }
        }
        if (ok && thumbWriter != null) {
            thumbOut.add(new ThumbnailKeys.Bucket(bucket, project, thumbs[0], thumbFile.toAbsolutePath().toString()));
        }
        return new BucketInventory(bucket, digest.count(), bytes[0], digest.hex(), file.toAbsolutePath().toString());
    }

    /**
     * Recomputes a listing file's count, bytes and digest.
     *
     * @param file     the file
     * @param keysOnly whether the digest covers keys only (offline listings)
     * @return the summary
     * @throws MigrationException with {@link MinioErrorCode#LISTING_FILE_INVALID} when the file is missing or damaged
     */
    public static Summary summarize(Path file, boolean keysOnly) {
        SetDigest digest = new SetDigest();
        long bytes = 0;
        try (RecordFile.Reader<ListingFile.Entry> r = ListingFile.read(file)) {
            for (ListingFile.Entry e = r.next(); e != null; e = r.next()) {
                if (keysOnly) {
                    digest.add(e.key());
                } else {
                    digest.add(e.key(), Long.toString(e.size()), e.tag());
                }
                bytes += Math.max(0, e.size());
            }
        } catch (IOException e) {
            throw invalid(file, e);
        }
        return new Summary(digest.count(), bytes, digest.hex());
    }

    /**
     * The exception for a missing or damaged listing file.
     *
     * @param file the file
     * @param e    why
     * @return the exception
     */
    public static MigrationException invalid(Path file, Exception e) {
        return new MigrationException(Problem.of(MinioErrorCode.LISTING_FILE_INVALID, "the listing file " + file
                + " cannot be read: " + e, "the listing file the inventory wrote",
                "keep the state directory of the run that took the inventory; otherwise take it again"), null);
    }

    /**
     * Deletes a directory tree, quietly.
     *
     * @param dir the directory
     */
    public static void deleteQuietly(Path dir) {
        Directories.deleteTreeQuietly(dir);
    }

    /**
     * A listing file as a merge source.
     *
     * @param reader the reader
     * @return the source
     */
    public static ListingMerge.Source source(RecordFile.Reader<ListingFile.Entry> reader) {
        return reader::next;
    }
}
