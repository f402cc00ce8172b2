package dev.kaapanamigrate.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deleting a directory tree ({@code rm -rf}) for steps that clean up scratch data in their file area: the one
 * implementation every module uses. Symbolic links are deleted, never followed.
 *
 * <pre>{@code
 * Path scratch = ctx.fileArea().resolve("sort-runs");
 * ...
 * Directories.deleteTreeQuietly(scratch);
 * }</pre>
 */
public final class Directories {

    private static final Logger LOG = LoggerFactory.getLogger(Directories.class);

    private Directories() {
    }

    /**
     * Deletes a file or a directory tree. A missing path, or entries that disappear meanwhile, are fine.
     *
     * @param root the file or directory, or {@code null} (nothing to do)
     * @throws UncheckedIOException if something cannot be deleted (what was deleted before stays deleted)
     */
    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (exc instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw exc;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    if (exc != null && !(exc instanceof NoSuchFileException)) {
                        throw exc;
                    }
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // gone in the meantime
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + root + ": " + e + ". Remove it by hand.", e);
        }
    }

    /**
     * Deletes a file or a directory tree like {@link #deleteTree}, but logs a warning instead of failing: for cleaning
     * up after work that has already succeeded or failed for its own reasons.
     *
     * @param root the file or directory, or {@code null}
     * @return {@code true} when nothing is left at {@code root}
     */
    public static boolean deleteTreeQuietly(Path root) {
        try {
            deleteTree(root);
            return true;
        } catch (UncheckedIOException e) {
            LOG.warn("{}", e.getMessage());
            return false;
        }
    }
}
