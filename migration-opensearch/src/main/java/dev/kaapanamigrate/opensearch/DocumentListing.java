package dev.kaapanamigrate.opensearch;

import dev.kaapanamigrate.core.RecordFile;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.opensearch.internal.Listing;
import dev.kaapanamigrate.core.SetDigest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Streams a document listing an inventory wrote ({@link IndexInventory#listingFile()} in
 * {@link OpenSearchInventory#directory()}, or a file of {@link DocumentListings#take}): its entries in ascending id
 * order ({@link String#compareTo}), one at a time, in flat memory.
 *
 * <pre>{@code
 * try (DocumentListing listing = DocumentListing.open(file)) {
 *     for (DocumentListing.Entry e : listing) { ... e.id() ... }
 * }
 * }</pre>
 */
public final class DocumentListing implements Iterable<DocumentListing.Entry>, AutoCloseable {

    /**
     * One listed document.
     *
     * @param id   the document id (Kaapana: the SeriesInstanceUID)
     * @param hash the canonical hash of its {@code _source}, 32 hex digits
     */
    public record Entry(String id, String hash) {
    }

    private final RecordFile.Reader<Listing.Entry> reader;
    private final Path file;
    private boolean iterated;

    private DocumentListing(RecordFile.Reader<Listing.Entry> reader, Path file) {
        this.reader = reader;
        this.file = file;
    }

    /**
     * Opens a listing file.
     *
     * @param file the file
     * @return the listing; close it
     * @throws MigrationException with {@link OpenSearchErrorCode#BASELINE_UNREADABLE} when it is missing or no listing
     */
    public static DocumentListing open(Path file) {
        try {
            return new DocumentListing(Listing.read(file), file);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private static MigrationException unreadable(Path file, IOException e) {
        return new MigrationException(Problem.of(OpenSearchErrorCode.BASELINE_UNREADABLE, "the document listing " + file
                + " cannot be read: " + e.getMessage(), "a listing file written by an index inventory",
                "keep the folder of the inventory that wrote it, or take the listing again"), e);
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
            @Override
            public boolean hasNext() {
                return reader.peek() != null;
            }

            @Override
            public Entry next() {
                try {
                    Listing.Entry e = reader.next();
                    if (e == null) {
                        throw new NoSuchElementException();
                    }
                    return new Entry(e.id(), SetDigest.hex(e.hash()));
                } catch (IOException x) {
                    throw unreadable(file, x);
                }
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
