package dev.kaapanamigrate.opensearch;

import dev.kaapanamigrate.core.ContextKey;
import java.time.Instant;
import java.util.Objects;

/**
 * The files of OpenSearch's data folder (FAST_DATA_DIR/os/data) as {@link OfflineBaselineStep} found them while the
 * platform was undeployed: count, bytes and an order-independent digest of (relative path, size, modification time and,
 * when asked for, a SHA-256 of the content). The per-file listing is the file {@link #listing()}. Shared as
 * {@link #KEY}; plain data.
 *
 * @param folder         the data folder (absolute)
 * @param takenAt        when
 * @param files          files
 * @param bytes          their total size
 * @param digest         the order-independent digest of the listing's lines
 * @param contentDigests whether every file's content was hashed
 * @param listing        the listing file (absolute; gzip text)
 */
public record DataFolderInventory(String folder, Instant takenAt, long files, long bytes, String digest,
                                  boolean contentDigests, String listing) {

    /** The context key. */
    public static final ContextKey<DataFolderInventory> KEY = ContextKey.of("opensearch.offline-baseline",
            DataFolderInventory.class);

    /**
     * Validates.
     *
     * @param folder         folder
     * @param takenAt        when
     * @param files          files
     * @param bytes          bytes
     * @param digest         digest
     * @param contentDigests content hashed
     * @param listing        listing file
     */
    public DataFolderInventory {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(listing, "listing");
    }
}
