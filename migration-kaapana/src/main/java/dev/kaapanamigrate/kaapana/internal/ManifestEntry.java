package dev.kaapanamigrate.kaapana.internal;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a backup manifest: a directory, regular file, symbolic link, second name of a hard-linked file, or a
 * special file that was not copied, with what a restore must reproduce and verify.
 *
 * @param path   the path relative to the backed-up root (FAST_DATA_DIR), with {@code /} separators
 * @param kind   what it is
 * @param size   the size in bytes (files; 0 otherwise)
 * @param sha256 the SHA-256 of the content as lower-case hex (files), else {@code null}
 * @param mode   the permission bits including setuid, setgid and sticky
 * @param uid    the owner
 * @param gid    the group
 * @param mtime  the modification time
 * @param target the link text (symbolic links), the path of the first name (hard links), the file type (skipped),
 *               else {@code null}
 * @param sparse whether the file is sparse (fewer blocks allocated than its size needs) and is kept sparse
 */
public record ManifestEntry(String path, Kind kind, long size, String sha256, int mode, int uid, int gid, Instant mtime,
                            String target, boolean sparse) {

    /** What an entry is. */
    public enum Kind {
        /** A directory. */
        DIRECTORY,
        /** A regular file (the first name of a hard-linked one). */
        FILE,
        /** A symbolic link, copied as a link (never followed). */
        SYMLINK,
        /** Another name of a file listed before ({@code target}); copied as a hard link. */
        HARDLINK,
        /** A FIFO, socket or device: listed, not copied. */
        SKIPPED
    }

    /**
     * Validates the components.
     *
     * @param path   the relative path
     * @param kind   the kind
     * @param size   the size
     * @param sha256 the digest
     * @param mode   the mode bits
     * @param uid    the owner
     * @param gid    the group
     * @param mtime  the modification time
     * @param target the link text, first name or file type
     * @param sparse whether it is sparse
     */
    public ManifestEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(mtime, "mtime");
    }
}
