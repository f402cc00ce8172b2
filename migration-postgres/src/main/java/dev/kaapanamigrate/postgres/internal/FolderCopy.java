package dev.kaapanamigrate.postgres.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.kaapanamigrate.pgserver.DatabaseServerException;
import dev.kaapanamigrate.pgserver.os.FileTrees;
import dev.kaapanamigrate.pgserver.os.Posix;

/** Scratch copies of data folders for dry-run rehearsals. Not API. */
public final class FolderCopy {

    private static final long COPY_TIMEOUT_SECONDS = 6 * 3600;

    private FolderCopy() {
    }

    /**
     * Creates a scratch directory that the data folders' owner can enter.
     *
     * @param parent where to create it, or {@code null} for {@code java.io.tmpdir}
     * @return the new directory (mode 0755)
     */
    public static Path createScratch(Path parent) {
        try {
            Path base = parent != null ? parent : Path.of(System.getProperty("java.io.tmpdir"));
            Files.createDirectories(base);
            Path dir = Files.createTempDirectory(base, "kaapana-migrate-rehearsal-");
            Posix.chmod(dir, 0755);
            return dir;
        } catch (IOException e) {
            throw new DatabaseServerException("Cannot create a scratch directory for the dry-run's copies of the data "
                    + "folders under " + (parent != null ? parent : System.getProperty("java.io.tmpdir")) + ": " + e
                    + ". Choose another with TemporaryServers.Builder.rehearsalDirectory(...).", e);
        }
    }

    /**
     * Copies a stopped data folder with owners, modes and times ({@code cp -a}).
     *
     * @param from the data folder
     * @param to   the copy (must not exist)
     */
    public static void copyPreservingOwners(Path from, Path to) {
        try {
            FileTrees.copyPreservingOwners(from, to, Duration.ofSeconds(COPY_TIMEOUT_SECONDS));
        } catch (IOException e) {
            throw new DatabaseServerException("Copying " + from + " to " + to + " for the dry-run failed (" + e.getMessage()
                    + "). Check free space in " + to.getParent() + " or choose another rehearsal directory with "
                    + "TemporaryServers.Builder.rehearsalDirectory(...).", e);
        }
    }

    /**
     * Deletes a scratch directory, logging instead of failing.
     *
     * @param dir the directory
     */
    public static void deleteQuietly(Path dir) {
        FileTrees.deleteQuietly(dir);
    }
}
