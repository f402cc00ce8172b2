package dev.kaapanamigrate.pgserver.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** POSIX helpers: ids, ownership, modes. Not API. */
public final class Posix {

    private static final Path PROC_SELF = Path.of("/proc/self");

    private Posix() {
    }

    /** @return the effective uid of this JVM */
    public static int uid() {
        return intAttribute(PROC_SELF, "unix:uid");
    }

    /** @return the effective gid of this JVM */
    public static int gid() {
        return intAttribute(PROC_SELF, "unix:gid");
    }

    /** @return whether this JVM runs as root */
    public static boolean isRoot() {
        return uid() == 0;
    }

    /**
     * @param path a file or directory (not followed if a symlink)
     * @return its owner uid
     */
    public static int ownerUid(Path path) {
        return intAttribute(path, "unix:uid");
    }

    /**
     * @param path a file or directory (not followed if a symlink)
     * @return its owner gid
     */
    public static int ownerGid(Path path) {
        return intAttribute(path, "unix:gid");
    }

    /**
     * @param path a file or directory (not followed if a symlink)
     * @return its permission bits (lower 12 bits of st_mode)
     */
    public static int mode(Path path) {
        return intAttribute(path, "unix:mode") & 07777;
    }

    private static int intAttribute(Path path, String attribute) {
        try {
            return (Integer) Files.getAttribute(path, attribute, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + attribute + " of " + path, e);
        }
    }

    /**
     * Changes owner and group of one path (not following symlinks).
     *
     * @param path the path
     * @param uid  the new owner
     * @param gid  the new group
     * @throws IOException if it fails (for example when not root)
     */
    public static void chown(Path path, int uid, int gid) throws IOException {
        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Changes owner and group of a tree (not following symlinks).
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
     * Converts permission bits to a permission set (setuid/setgid/sticky are dropped).
     *
     * @param mode the bits, e.g. {@code 0755}
     * @return the set
     */
    public static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }

    /**
     * Sets the permission bits of a path.
     *
     * @param path the path (followed if a symlink: do not call on symlinks)
     * @param mode the bits
     * @throws IOException if it fails
     */
    public static void chmod(Path path, int mode) throws IOException {
        Files.setPosixFilePermissions(path, permissions(mode));
    }

    /**
     * Finds the first directory on the way to {@code target} (the ancestors of {@code target}, not the target
     * itself) that the given identity cannot search (no x bit for it). Root may search everything.
     *
     * @param target the path to reach
     * @param uid    the identity's uid
     * @param gid    the identity's primary gid (supplementary groups are cleared when we switch users)
     * @return a description of the blocking directory, or {@code null} if the path is reachable
     */
    public static String unreachableAncestor(Path target, int uid, int gid) {
        if (uid == 0) {
            return null;
        }
        Path dir = target.toAbsolutePath().normalize().getParent();
        java.util.ArrayDeque<Path> chain = new java.util.ArrayDeque<>();
        for (Path p = dir; p != null; p = p.getParent()) {
            chain.push(p);
        }
        for (Path p : chain) {
            if (!Files.isDirectory(p)) {
                return null; // not there yet: whoever creates it decides
            }
            Path real;
            try {
                real = p.toRealPath();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot resolve " + p, e);
            }
            int mode = mode(real);
            int owner = ownerUid(real);
            int group = ownerGid(real);
            int bit = owner == uid ? 0100 : group == gid ? 0010 : 0001;
            if ((mode & bit) == 0) {
                return String.format("%s (owner %d, group %d, mode %04o)", p, owner, group, mode);
            }
        }
        return null;
    }

    /**
     * Deletes a tree if it exists (does not follow symlinks).
     *
     * @param root the tree
     * @throws IOException if it fails
     */
    public static void deleteTree(Path root) throws IOException {
        try {
            Dirs.deleteRecursively(root);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }
}

