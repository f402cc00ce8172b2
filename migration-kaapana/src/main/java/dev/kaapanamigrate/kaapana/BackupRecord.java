package dev.kaapanamigrate.kaapana;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A verified backup, as {@link BackupStep} shares it ({@link BackupStep#BACKUP}, journaled): where it is, what it
 * covers and the digest of its manifest. A later step or the caller restores it with {@link KaapanaBackup#of}.
 *
 * @param directory      the backup folder
 * @param manifest       its manifest file
 * @param manifestSha256 the SHA-256 of the manifest file
 * @param source         the FAST_DATA_DIR it was taken of
 * @param scope          what it covers
 * @param units          the top-level names of FAST_DATA_DIR it covers
 * @param files          regular files in it
 * @param bytes          bytes of file content in it
 * @param createdAt      when it was taken
 * @param verifiedAt     when its copy was last proven byte-identical to the manifest
 */
public record BackupRecord(String directory, String manifest, String manifestSha256, String source, BackupScope scope,
                           List<String> units, long files, long bytes, Instant createdAt, Instant verifiedAt) {

    /**
     * Validates and copies the components.
     *
     * @param directory      the backup folder
     * @param manifest       the manifest file
     * @param manifestSha256 the manifest's digest
     * @param source         FAST_DATA_DIR
     * @param scope          the scope
     * @param units          the covered names
     * @param files          the file count
     * @param bytes          the byte count
     * @param createdAt      when taken
     * @param verifiedAt     when verified
     */
    public BackupRecord {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(manifestSha256, "manifestSha256");
        units = List.copyOf(units);
    }
}
