package dev.kaapanamigrate.core.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
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
}
