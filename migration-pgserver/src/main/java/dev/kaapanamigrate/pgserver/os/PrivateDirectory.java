package dev.kaapanamigrate.pgserver.os;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A new directory only one user (and root) can enter: mode 0700, owned by that user. PostgreSQL's servers and
 * tools keep their socket, logs, password file or temporary {@code hba} file in one; {@link #close()} deletes it
 * with everything in it.
 *
 * <p>It is created under {@code java.io.tmpdir}, or under {@code /tmp} when that path is long: a Unix socket's
 * path in it must stay within 107 bytes.
 *
 * <pre>{@code
 * try (PrivateDirectory work = PrivateDirectory.create(70, 70)) {
 *     Path passwordFile = work.path().resolve("pwfile");
 *     ...
 * }
 * }</pre>
 */
public final class PrivateDirectory implements AutoCloseable {

    /**
     * The start of every private directory's name, so that one a process left behind when it died can be told
     * from any other directory.
     */
    public static final String NAME_PREFIX = "kmig-pg-";

    /** Unix socket paths are limited to 107 bytes; keep the directory short. */
    private static final int MAX_BASE_LENGTH = 60;

    private final Path path;

    private PrivateDirectory(Path path) {
        this.path = path;
    }

    /**
     * Creates the directory.
     *
     * @param uid its owner (changing the owner needs root when it is not this JVM's uid)
     * @param gid its group
     * @return the new, empty directory
     * @throws UncheckedIOException if it cannot be created or given to the user
     */
    public static PrivateDirectory create(int uid, int gid) {
        Path base = Path.of(System.getProperty("java.io.tmpdir"));
        if (base.toAbsolutePath().toString().length() > MAX_BASE_LENGTH) {
            base = Path.of("/tmp");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory(base, NAME_PREFIX);
            Posix.chmod(dir, 0700);
            if (Posix.uid() != uid) {
                Posix.chown(dir, uid, gid);
            }
            return new PrivateDirectory(dir);
        } catch (IOException e) {
            FileTrees.deleteQuietly(dir);
            throw new UncheckedIOException("Cannot create a private directory for uid " + uid + " under " + base
                    + ": " + e + ". Make java.io.tmpdir writable or point it elsewhere.", e);
        }
    }

    /**
     * The directory.
     *
     * @return its absolute path
     */
    public Path path() {
        return path;
    }

    /**
     * A path in the directory.
     *
     * @param name a file name
     * @return {@code path().resolve(name)}
     */
    public Path resolve(String name) {
        return path.resolve(name);
    }

    /** Deletes the directory and everything in it; a failure is logged, not thrown. Idempotent. */
    @Override
    public void close() {
        FileTrees.deleteQuietly(path);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
