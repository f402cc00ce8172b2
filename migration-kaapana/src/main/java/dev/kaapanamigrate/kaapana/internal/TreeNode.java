package dev.kaapanamigrate.kaapana.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

/**
 * One entry of a scanned tree with the attributes a copy keeps, read with one {@code lstat}.
 *
 * @param path      the path relative to the scanned root, {@code /}-separated
 * @param absolute  the path on disk
 * @param kind      what it is ({@code HARDLINK} for a later name of a file seen before)
 * @param size      its size
 * @param mode      its permission bits (with setuid, setgid, sticky)
 * @param uid       its owner
 * @param gid       its group
 * @param mtime     its modification time
 * @param atime     its access time
 * @param fileKey   its device and inode
 * @param nlink     its link count
 * @param target    the link text (symbolic link), the first name (hard link), the type (skipped), else {@code null}
 * @param blocks    512-byte blocks allocated, or -1 when unknown
 */
public record TreeNode(String path, Path absolute, ManifestEntry.Kind kind, long size, int mode, int uid, int gid,
                       Instant mtime, Instant atime, Object fileKey, int nlink, String target, long blocks) {

    private static final String ATTRIBUTES = "unix:mode,ino,dev,nlink,uid,gid,size,lastModifiedTime,lastAccessTime";
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;

    /**
     * Reads one path's attributes without following a link.
     *
     * @param path     the relative path
     * @param absolute the path on disk
     * @return the node (kind {@code FILE} for every regular file; hard links are found by the scan)
     * @throws IOException when it cannot be read
     */
    public static TreeNode stat(String path, Path absolute) throws IOException {
        Map<String, Object> a = Files.readAttributes(absolute, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        int rawMode = (Integer) a.get("mode");
        ManifestEntry.Kind kind;
        String target = null;
        switch (rawMode & S_IFMT) {
            case S_IFDIR -> kind = ManifestEntry.Kind.DIRECTORY;
            case S_IFREG -> kind = ManifestEntry.Kind.FILE;
            case S_IFLNK -> {
                kind = ManifestEntry.Kind.SYMLINK;
                target = Files.readSymbolicLink(absolute).toString();
            }
            default -> {
                kind = ManifestEntry.Kind.SKIPPED;
                target = typeName(rawMode);
            }
        }
        long dev = ((Number) a.get("dev")).longValue();
        long ino = ((Number) a.get("ino")).longValue();
        return new TreeNode(path, absolute, kind, kind == ManifestEntry.Kind.FILE ? (Long) a.get("size") : 0,
                rawMode & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"),
                ((FileTime) a.get("lastModifiedTime")).toInstant(), ((FileTime) a.get("lastAccessTime")).toInstant(),
                dev + ":" + ino, (Integer) a.get("nlink"), target, -1);
    }

    /**
     * This node with another kind and target (a later name of a hard-linked file).
     *
     * @param firstName the path of the first name
     * @return the hard-link node
     */
    public TreeNode asHardLinkTo(String firstName) {
        return new TreeNode(path, absolute, ManifestEntry.Kind.HARDLINK, 0, mode, uid, gid, mtime, atime, fileKey, nlink,
                firstName, blocks);
    }

    /**
     * This node with its allocated blocks.
     *
     * @param allocated 512-byte blocks
     * @return the node
     */
    public TreeNode withBlocks(long allocated) {
        return new TreeNode(path, absolute, kind, size, mode, uid, gid, mtime, atime, fileKey, nlink, target, allocated);
    }

    /**
     * Whether fewer blocks are allocated than the size needs: the file has holes and is copied keeping them.
     *
     * @return {@code true} for a sparse file
     */
    public boolean sparse() {
        return kind == ManifestEntry.Kind.FILE && blocks >= 0 && blocks * 512 < size;
    }

    /**
     * The space the copy takes: its allocated blocks (sparse files stay sparse), a block for a directory.
     *
     * @return bytes
     */
    public long allocatedBytes() {
        return switch (kind) {
            case FILE -> blocks >= 0 ? blocks * 512 : (size + 4095) / 4096 * 4096;
            case DIRECTORY -> 4096;
            default -> 0;
        };
    }

    /**
     * This node as a manifest entry.
     *
     * @param sha256 the content's digest (files), else {@code null}
     * @return the entry
     */
    public ManifestEntry toEntry(String sha256) {
        return new ManifestEntry(path, kind, size, sha256, mode, uid, gid, mtime, target, sparse());
    }

    private static String typeName(int rawMode) {
        return switch (rawMode & S_IFMT) {
            case S_IFIFO -> "fifo";
            case S_IFSOCK -> "socket";
            case S_IFCHR -> "character device";
            case S_IFBLK -> "block device";
            default -> "unknown file type";
        };
    }
}
