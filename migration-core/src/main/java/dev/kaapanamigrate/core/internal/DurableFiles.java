package dev.kaapanamigrate.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** File-system helpers for durable writes. */
public final class DurableFiles {

    private DurableFiles() {
    }

    /**
     * Flushes a directory's entries (new or renamed files) to disk. Best effort: some file systems and
     * operating systems cannot open a directory for syncing, and then this does nothing.
     *
     * @param dir the directory, or {@code null}
     */
    public static void syncDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // Not supported here (for example on Windows); the file contents themselves are synced.
        }
    }

    /**
     * Replaces a file's content so that a reader, or the file after a crash or power loss, shows either the old
     * or the new content: write a sibling temporary file, fsync it, rename it over the target, fsync the folder.
     *
     * @param target the file
     * @param content the new content
     * @throws IOException when it cannot be written
     */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        Path file = target.toAbsolutePath();
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(file.getParent());
    }
}
