package dev.kaapanamigrate.pgserver.os;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * POSIX identities and file attributes as numbers, the way {@code id}, {@code stat}, {@code chmod} and
 * {@code chown} show and change them: the uid and gid this JVM runs as, and a file's owner, group and mode bits.
 * PostgreSQL runs only as its data folder's owner, so servers and tools are placed by these numbers.
 *
 * <pre>{@code
 * int owner = Posix.ownerUid(dataFolder);          // 70 for a Kaapana folder
 * if (Posix.isRoot()) { ... run as owner ... }
 * Posix.chmod(passwordFile, 0600);
 * }</pre>
 *
 * <p>Linux only (the {@code unix} file attribute view and {@code /proc}). Nothing here follows a symbolic
 * link except {@link #chmod}.
 */
public final class Posix {

    private static final Path PROC_SELF = Path.of("/proc/self");
    /** Permission bits from the lowest (others execute) to the highest (owner read). */
    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

    private Posix() {
    }

    /**
     * The effective uid of this JVM.
     *
     * @return for example {@code 0} for root
     */
    public static int uid() {
        return intAttribute(PROC_SELF, "unix:uid");
    }

    /**
     * The effective gid of this JVM.
     *
     * @return the gid
     */
    public static int gid() {
        return intAttribute(PROC_SELF, "unix:gid");
    }

    /**
     * Whether this JVM runs as root (uid 0).
     *
     * @return {@code true} for root
     */
    public static boolean isRoot() {
        return uid() == 0;
    }

    /**
     * The owner of a file or directory (a symbolic link itself, not its target).
     *
     * @param path the path
     * @return its owner's uid
     * @throws UncheckedIOException if it cannot be read
     */
    public static int ownerUid(Path path) {
        return intAttribute(path, "unix:uid");
    }

    /**
     * The group of a file or directory (a symbolic link itself, not its target).
     *
     * @param path the path
     * @return its gid
     * @throws UncheckedIOException if it cannot be read
     */
    public static int ownerGid(Path path) {
        return intAttribute(path, "unix:gid");
    }

    /**
     * The permission bits of a file or directory, including setuid, setgid and sticky (a symbolic link itself,
     * not its target).
     *
     * @param path the path
     * @return the lower 12 bits of {@code st_mode}, for example {@code 0700}
     * @throws UncheckedIOException if it cannot be read
     */
    public static int mode(Path path) {
        return intAttribute(path, "unix:mode") & 07777;
    }

    /**
     * Sets the read, write and execute bits of a path ({@code chmod}); setuid, setgid and sticky are cleared.
     *
     * @param path the path (followed if it is a symbolic link: do not call this on links)
     * @param mode the bits, for example {@code 0600}
     * @throws IOException if it fails
     */
    public static void chmod(Path path, int mode) throws IOException {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < BITS.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(BITS[bit]);
            }
        }
        Files.setPosixFilePermissions(path, permissions);
    }

    /**
     * Sets the owner and group of one path ({@code chown -h}: a symbolic link itself, not its target).
     *
     * @param path the path
     * @param uid  the new owner
     * @param gid  the new group
     * @throws IOException if it fails (for example when this JVM is not root)
     */
    public static void chown(Path path, int uid, int gid) throws IOException {
        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Sets the owner and group of a whole tree ({@code chown -R -h}: symbolic links are not followed).
     *
     * @param root the tree
     * @param uid  the new owner
     * @param gid  the new group
     * @throws IOException if it fails
     */
    public static void chownTree(Path root, int uid, int gid) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                chown(dir, uid, gid);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                chown(file, uid, gid);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Why a user cannot reach a path: the first directory on the way to it (its ancestors, not the path itself)
     * that the user may not search, because it lacks the {@code x} bit that applies to the user. Root reaches
     * everything; supplementary groups are not counted (a server started for a user runs without them).
     *
     * <pre>{@code
     * Posix.unreachable(folder, 70, 70, "data folder").ifPresent(why -> { throw new IllegalStateException(why); });
     * }</pre>
     *
     * @param path the path to reach
     * @param uid  the user
     * @param gid  the user's primary group
     * @param what what the path is, for the message (for example {@code "data folder"})
     * @return the explanation with the blocking directory's owner, group and mode and the fix; empty when the
     *         path can be reached (or a directory on the way does not exist yet: whoever creates it decides)
     * @throws UncheckedIOException if a directory on the way cannot be resolved
     */
    public static Optional<String> unreachable(Path path, int uid, int gid, String what) {
        if (uid == 0) {
            return Optional.empty();
        }
        Deque<Path> chain = new ArrayDeque<>();
        for (Path p = path.toAbsolutePath().normalize().getParent(); p != null; p = p.getParent()) {
            chain.push(p);
        }
        for (Path p : chain) {
            if (!Files.isDirectory(p)) {
                return Optional.empty();
            }
            Path real;
            try {
                real = p.toRealPath();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot resolve " + p + ": " + e.getMessage(), e);
            }
            int mode = mode(real);
            int owner = ownerUid(real);
            int group = ownerGid(real);
            int bit = owner == uid ? 0100 : group == gid ? 0010 : 0001;
            if ((mode & bit) == 0) {
                return Optional.of(String.format("The %s %s cannot be reached by uid %d: the directory %s (owner %d,"
                        + " group %d, mode %04o) is not searchable for it. Make the directories on the way searchable"
                        + " (e.g. chmod o+x), or place the %s elsewhere.", what, path, uid, p, owner, group, mode, what));
            }
        }
        return Optional.empty();
    }

    private static int intAttribute(Path path, String attribute) {
        try {
            return (Integer) Files.getAttribute(path, attribute, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + attribute + " of " + path + ": " + e.getMessage(), e);
        }
    }
}
