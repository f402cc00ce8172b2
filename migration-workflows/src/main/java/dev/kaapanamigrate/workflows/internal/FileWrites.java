package dev.kaapanamigrate.workflows.internal;

import dev.kaapanamigrate.core.CrashPoints;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Atomic, durable file writes that keep owner, group and mode, and SHA-256 digests. */
public final class FileWrites {

    /** Appended to a rewritten file's name for the copy of its original. */
    public static final String BACKUP_SUFFIX = ".kaapana-migrate-0.4.bak";

    /** Appended to the temporary file of an atomic write (after a leading dot). */
    public static final String TEMP_SUFFIX = ".kaapana-migrate.tmp";

    private static final Logger LOG = LoggerFactory.getLogger(FileWrites.class);

    private FileWrites() {
    }

    /**
     * Whether a file name is one of ours: a backup or a temporary file. These are never scanned or rewritten,
     * whatever the globs say: rewriting a backup would lose the original.
     *
     * @param name the file name
     * @return whether it is a backup or temporary file
     */
    public static boolean isOurs(String name) {
        return name.endsWith(BACKUP_SUFFIX) || name.startsWith(".") && name.endsWith(TEMP_SUFFIX);
    }

    /**
     * Replaces (or creates) a file so that it holds either the old or the new content, also after a crash: a sibling
     * temporary file {@code .<name>.kaapana-migrate.tmp} is written and flushed, given the owner, group and mode of
     * {@code like}, renamed over the target, and the folder is flushed. The temporary name does not end in
     * {@code .py}, so Airflow never loads a half-written file.
     *
     * @param target  the file
     * @param content the new content
     * @param like    the file whose owner, group and mode to copy, or {@code null}
     * @param mtime   the modification time to set, or {@code null} for now
     * @throws IOException when it cannot be written; the target is then unchanged
     */
    public static void writeAtomically(Path target, byte[] content, Path like, FileTime mtime) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + TEMP_SUFFIX);
        try {
            Files.deleteIfExists(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (like != null) {
                copyOwnership(like, tmp);
            }
            if (mtime != null) {
                Files.setLastModifiedTime(tmp, mtime);
            }
            CrashPoints.reach("workflows.rewrite:temporary-file-written", target.getFileName());
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system cannot rename " + tmp + " over " + target + " atomically", e);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the next write replaces it
            }
            throw e;
        }
        syncDirectory(target.getParent());
    }

    private static void copyOwnership(Path from, Path to) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(to, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        PosixFileAttributes attrs = Files.readAttributes(from, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        try {
            view.setOwner(attrs.owner());
            view.setGroup(attrs.group());
        } catch (IOException e) {
            // Only root may give a file away; the mode is still copied.
            LOG.debug("Cannot copy owner and group of {} to {}: {}", from, to, e.toString());
        }
        view.setPermissions(attrs.permissions());
    }

    /**
     * Flushes a folder's entries to disk; best effort where folders cannot be opened for syncing.
     *
     * @param dir the folder
     */
    public static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot sync {}: {}", dir, e.toString());
        }
    }

    /**
     * The SHA-256 digest.
     *
     * @param bytes the content
     * @return lower-case hex
     */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
