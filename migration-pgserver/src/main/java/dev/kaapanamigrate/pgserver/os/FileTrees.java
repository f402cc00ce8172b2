package dev.kaapanamigrate.pgserver.os;

import dev.kaapanamigrate.core.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;


/**
 * Whole directory trees: deleting one ({@code rm -rf}) and copying one with its owners ({@code cp -a}).
 *
 * <pre>{@code
 * FileTrees.copyPreservingOwners(dataFolder, scratch.resolve("copy"), Duration.ofHours(1));
 * ...
 * FileTrees.deleteRecursively(scratch);
 * }</pre>
 */
public final class FileTrees {


    private FileTrees() {
    }

    /**
     * Deletes a file or a directory tree ({@link Directories#deleteTree}). Symbolic links are deleted, never followed; a missing path, or
     * entries that disappear meanwhile, are fine.
     *
     * @param root the file or directory, or {@code null} (nothing to do)
     * @throws UncheckedIOException if something cannot be deleted (what was deleted before stays deleted)
     */
    public static void deleteRecursively(Path root) {
        Directories.deleteTree(root);
    }

    /**
     * Deletes a file or a directory tree like {@link #deleteRecursively}, but logs a warning instead of failing:
     * for cleaning up after work that has already succeeded or failed for its own reasons.
     *
     * @param root the file or directory, or {@code null}
     * @return {@code true} when nothing is left at {@code root}
     */
    public static boolean deleteQuietly(Path root) {
        return Directories.deleteTreeQuietly(root);
    }

    /**
     * Copies a file or directory tree with owners, groups, modes, times and symbolic links as they are
     * ({@code cp -a}: Java's file API loses owners and special files). Run as root to keep other users' owners.
     *
     * @param from    the tree
     * @param to      the copy; must not exist, its parent must
     * @param timeout how long the copy may take; then it is killed (and a partial copy is left at {@code to})
     * @throws IOException with {@code cp}'s last output lines when it fails or does not finish in time
     */
    public static void copyPreservingOwners(Path from, Path to, Duration timeout) throws IOException {
        Path target = to.toAbsolutePath();
        Path log = Files.createTempFile("kaapana-migrate-copy-", ".log");
        try {
            int rc = ExternalCommands.run(List.of("cp", "-a", "--", from.toAbsolutePath().toString(), target.toString()),
                    target.getParent(), log, timeout);
            if (rc != 0) {
                throw new IOException("cp -a " + from + " " + to + " exited with " + rc + ": "
                        + ExternalCommands.tail(log, 5));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
