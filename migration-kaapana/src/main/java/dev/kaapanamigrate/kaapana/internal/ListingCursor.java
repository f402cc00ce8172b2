package dev.kaapanamigrate.kaapana.internal;

import dev.kaapanamigrate.opensearch.DocumentListing;
import java.nio.file.Path;
import java.util.Iterator;

/** The document ids of an index listing ({@link DocumentListing}) as an {@link IdCursor}. */
public final class ListingCursor implements IdCursor {

    private final DocumentListing listing;
    private final Iterator<DocumentListing.Entry> entries;
    private final String name;
    private String next;

    /**
     * Opens a listing.
     *
     * @param file the listing file
     */
    public ListingCursor(Path file) {
        this.listing = DocumentListing.open(file);
        this.entries = listing.iterator();
        this.name = file.toString();
        this.next = entries.hasNext() ? entries.next().id() : null;
    }

    @Override
    public String peek() {
        return next;
    }

    @Override
    public String next() {
        String e = next;
        next = entries.hasNext() ? entries.next().id() : null;
        return e;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        listing.close();
    }
}
