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
     * Copies a folder with owners, modes, times and links ({@code cp -a}; Java's file API loses owners and special
     * files). The target must not exist.
     *
     * @param from           the folder
     * @param to             the copy
     * @param timeoutSeconds how long {@code cp} may take
     * @throws IOException with {@code cp}'s last output lines when it fails or does not finish in time
     */
    public static void copyPreservingOwners(Path from, Path to, long timeoutSeconds) throws IOException {
        Path log = Files.createTempFile("kaapana-migrate-copy-", ".log");
        try {
            int rc = CommandLine.run(CommandLine.builder(java.util.List.of("cp", "-a", "--", from.toString(), to.toString()),
                    to.toAbsolutePath().getParent(), log, java.util.Map.of()), timeoutSeconds);
            if (rc != 0) {
                throw new IOException("cp -a exited with " + rc + ": " + CommandLine.tail(log, 5));
            }
        } finally {
            Files.deleteIfExists(log);
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
