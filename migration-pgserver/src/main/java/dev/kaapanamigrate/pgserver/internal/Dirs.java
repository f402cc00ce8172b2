package dev.kaapanamigrate.pgserver.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Temporary directories and recursive deletion. */
public final class Dirs {

    private Dirs() {
    }

    /**
     * Creates a new directory under {@code java.io.tmpdir}.
     *
     * @param prefix the name prefix
     * @return the new directory
     */
    public static Path createTemp(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory with prefix " + prefix
                    + " under " + System.getProperty("java.io.tmpdir") + ": " + e.getMessage()
                    + ". Fix: make java.io.tmpdir writable or point it elsewhere.", e);
        }
    }

    /**
     * Deletes a directory tree; a missing directory is fine.
     *
     * @param dir the directory
     * @throws UncheckedIOException if something cannot be deleted
     */
    public static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
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
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    if (exc != null && !(exc instanceof NoSuchFileException)) {
                        throw exc;
                    }
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // gone in the meantime
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir + ": " + e, e);
        }
    }
}
