package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.ContextKey;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The PACS's folders as {@link PacsInventoryStep} found them before the migration (undeployed): the database, LDAP and
 * DICOM file folders that 0.4 → 0.5 leaves in place ({@code postgres-dcm4che}, {@code ldap}, {@code slapd.d} under
 * FAST_DATA_DIR, {@code dcm4che/dicom_data} and {@code dcm4che/server_data} under SLOW_DATA_DIR; reference §2), every
 * file with path, size, modification time and optionally its SHA-256 in a listing file. Shared as {@link #KEY}
 * (journaled; plain data).
 *
 * @param takenAt   when
 * @param runId     the run that took it
 * @param listing   the listing file (absolute)
 * @param digests   whether file contents were digested
 * @param folders   per folder: whether it exists, files, bytes
 */
public record PacsInventory(Instant takenAt, String runId, String listing, boolean digests, List<Folder> folders) {

    /** The context key. */
    public static final ContextKey<PacsInventory> KEY = ContextKey.of("kaapana.pacs-inventory", PacsInventory.class);

    /**
     * One folder.
     *
     * @param name    the folder as entries name it, for example {@code FAST/postgres-dcm4che}
     * @param present whether it exists
     * @param files   files, links and special files in it
     * @param bytes   the size of its files
     */
    public record Folder(String name, boolean present, long files, long bytes) {
    }

    /**
     * Copies the list.
     *
     * @param takenAt when
     * @param runId   the run
     * @param listing the listing file
     * @param digests whether contents were digested
     * @param folders the folders
     */
    public PacsInventory {
        Objects.requireNonNull(takenAt, "takenAt");
        Objects.requireNonNull(listing, "listing");
        folders = List.copyOf(folders);
    }

    /**
     * The files of every folder.
     *
     * @return the sum
     */
    public long files() {
        return folders.stream().mapToLong(Folder::files).sum();
    }

    /**
     * The bytes of every folder.
     *
     * @return the sum
     */
    public long bytes() {
        return folders.stream().mapToLong(Folder::bytes).sum();
    }
}
