package dev.kaapanamigrate.minio;

import dev.kaapanamigrate.core.RecordFile;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.minio.internal.ListingFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Streams a listing file an inventory wrote ({@link BucketInventory#listing()}, {@link OfflineInventory.OfflineBucket#listing()},
 * {@link OfflineInventory#filesListing()}): its entries in the order S3 lists keys (UTF-8 byte order), one at a time.
 *
 * <pre>{@code
 * try (ObjectListing listing = ObjectListing.open(Path.of(bucket.listing()))) {
 *     for (ObjectListing.Entry e : listing) { ... }
 * }
 * }</pre>
 */
public final class ObjectListing implements Iterable<ObjectListing.Entry>, AutoCloseable {

    /**
     * One entry.
     *
     * @param key  the object key (or, in a file listing, the path relative to the data folder)
     * @param size the size in bytes, or -1 when unknown (keys read from the offline layout)
     * @param tag  the ETag without quotes (objects), the modification time in epoch milliseconds and optionally
     *             {@code :<sha-256>} (files), or {@code null}
     */
    public record Entry(String key, long size, String tag) {
    }

    private final RecordFile.Reader<ListingFile.Entry> reader;
    private final Path file;
    private boolean iterated;

    private ObjectListing(RecordFile.Reader<ListingFile.Entry> reader, Path file) {
        this.reader = reader;
        this.file = file;
    }

    /**
     * Opens a listing file.
     *
     * @param file the file
     * @return the listing; close it
     * @throws MigrationException with {@link MinioErrorCode#LISTING_FILE_INVALID} when it is missing or not a listing
     */
    public static ObjectListing open(Path file) {
        try {
            return new ObjectListing(ListingFile.read(file), file);
        } catch (IOException e) {
            throw invalid(file, e);
        }
    }

    static MigrationException invalid(Path file, Exception e) {
        return new MigrationException(Problem.of(MinioErrorCode.LISTING_FILE_INVALID, "the listing file " + file
                + " cannot be read: " + e, "a listing file written by an inventory",
                "keep the state directory of the run that took the inventory; otherwise take it again"), null);
    }

    /**
     * The entries; can be iterated once.
     *
     * @return the iterator; its {@code next()} throws {@link MigrationException} when the file is damaged
     */
    @Override
    public Iterator<Entry> iterator() {
        if (iterated) {
            throw new IllegalStateException("a listing can be iterated once");
        }
        iterated = true;
        return new Iterator<>() {
            private ListingFile.Entry next = read();

            private ListingFile.Entry read() {
                try {
                    return reader.next();
                } catch (IOException e) {
                    throw invalid(file, e);
                }
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Entry next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                ListingFile.Entry e = next;
                next = read();
                return new Entry(e.key(), e.size(), e.tag());
            }
        };
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
