package dev.kaapanamigrate.kaapana.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes that survive a crash: temporary file, flush, rename, flush the folder; and flushing a whole file system. */
public final class Durable {

    private static final Logger LOG = LoggerFactory.getLogger(Durable.class);

    private Durable() {
    }

    /**
     * Writes a small file atomically: a temporary file beside it is written and flushed, renamed over it, and the
     * folder is flushed.
     *
     * @param file  the file
     * @param bytes its content
     * @throws IOException when it fails
     */
    public static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file.toAbsolutePath().getParent());
    }

    /**
     * Flushes a directory (its entries: renames, creations, deletions).
     *
     * @param dir the directory
     * @throws IOException when it fails
     */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Flushes everything written to the file system holding {@code path} ({@code sync --file-system}, one
     * {@code syncfs(2)}: far cheaper than one {@code fsync} per file of a tree); without that command, {@code sync}.
     *
     * @param path a path on the file system
     * @throws IOException when neither works
     */
    public static void syncFileSystem(Path path) throws IOException {
        Optional<Path> sync = CommandRunner.find("sync", "/usr/bin:/bin");
        if (sync.isEmpty()) {
            throw new IOException("the sync command (coreutils) is missing: cannot flush " + path + " to disk");
        }
        CommandRunner.Result r = CommandRunner.run(List.of(sync.get().toString(), "--file-system", path.toString()),
                Map.of(), Path.of("/"), Duration.ofHours(1), true, Clock.systemUTC());
        if (!r.succeeded()) {
            LOG.debug("sync --file-system failed ({}), flushing all file systems", r.stdout().strip());
            r = CommandRunner.run(List.of(sync.get().toString()), Map.of(), Path.of("/"), Duration.ofHours(1), true,
                    Clock.systemUTC());
            if (!r.succeeded()) {
                throw new IOException("sync failed: " + r.stdout().strip());
            }
        }
    }

    /**
     * Whether a path exists without following a final symbolic link.
     *
     * @param p the path
     * @return {@code true} when something is there
     */
    public static boolean exists(Path p) {
        return Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }
}
