package dev.kaapanamigrate.pgserver.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Private working directories of PostgreSQL tools and servers (socket, logs, a temporary hba file). Not API.
 */
public final class RunDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(RunDirectory.class);
    /** Unix socket paths are limited to 107 bytes; keep the directory short. */
    private static final int MAX_BASE_LENGTH = 60;

    private RunDirectory() {
    }

    /**
     * Creates a new directory, mode 0700, owned by the given user (so that only that user and root can enter it).
     *
     * @param uid the owner
     * @param gid the group
     * @return the directory
     * @throws UncheckedIOException if it cannot be created
     */
    public static Path create(int uid, int gid) {
        try {
            Path base = Path.of(System.getProperty("java.io.tmpdir"));
            if (base.toAbsolutePath().toString().length() > MAX_BASE_LENGTH) {
                base = Path.of("/tmp");
            }
            Path dir = Files.createTempDirectory(base, "kmig-pg-");
            Posix.chmod(dir, 0700);
            if (Posix.uid() != uid) {
                Posix.chown(dir, uid, gid);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a private run directory under java.io.tmpdir: " + e
                    + ". Make java.io.tmpdir writable or point it elsewhere.", e);
        }
    }

    /**
     * Deletes a directory tree, logging instead of failing.
     *
     * @param dir the directory
     */
    public static void deleteQuietly(Path dir) {
        try {
            Posix.deleteTree(dir);
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Could not remove {}: {}", dir, e.toString());
        }
    }

    /**
     * Why a user cannot reach a path, or {@code null} when it can.
     *
     * @param path the path
     * @param uid  the user
     * @param gid  its group
     * @param what what the path is, for the message
     * @return the explanation with the fix, or {@code null}
     */
    public static String unreachable(Path path, int uid, int gid, String what) {
        String blocked = Posix.unreachableAncestor(path, uid, gid);
        if (blocked == null) {
            return null;
        }
        return "The " + what + " " + path + " cannot be reached by uid " + uid + ": the directory " + blocked
                + " is not searchable for it. Make the directories on the way searchable (e.g. chmod o+x), or "
                + "place the folder elsewhere.";
    }
}
