package dev.kaapanamigrate.kaapana.internal;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a backup holds: every entry with its size, SHA-256, owner, mode and time, the installation it was taken of, and
 * the top-level names it covers.
 *
 * @param format    the manifest format, {@value #FORMAT}
 * @param createdAt when the backup was taken
 * @param source    the real path of the FAST_DATA_DIR it was taken of
 * @param scope     {@code DATABASE_FOLDERS} or {@code WHOLE_TREE}
 * @param units     the top-level names below FAST_DATA_DIR the backup covers (present or not at backup time)
 * @param entries   the entries, each directory before what it holds
 */
public record Manifest(int format, Instant createdAt, String source, String scope, List<String> units,
                       List<ManifestEntry> entries) {

    /** The current format. */
    public static final int FORMAT = 1;

    /**
     * Validates and copies.
     *
     * @param format    the format
     * @param createdAt when
     * @param source    the installation
     * @param scope     the scope
     * @param units     the top-level names
     * @param entries   the entries
     */
    public Manifest {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(scope, "scope");
        units = List.copyOf(units);
        entries = List.copyOf(entries);
    }

    /**
     * The number of regular files (first names).
     *
     * @return the count
     */
    public long files() {
        return entries.stream().filter(e -> e.kind() == ManifestEntry.Kind.FILE).count();
    }

    /**
     * The bytes of content (first names of regular files).
     *
     * @return the sum of sizes
     */
    public long bytes() {
        return entries.stream().filter(e -> e.kind() == ManifestEntry.Kind.FILE).mapToLong(ManifestEntry::size).sum();
    }

    /**
     * Whether a top-level name was present when the backup was taken.
     *
     * @param unit the name
     * @return {@code true} when an entry of that name is listed
     */
    public boolean holds(String unit) {
        return entries.stream().anyMatch(e -> e.path().equals(unit));
    }
}
