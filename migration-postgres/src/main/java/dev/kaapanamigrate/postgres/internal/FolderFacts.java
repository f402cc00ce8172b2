package dev.kaapanamigrate.postgres.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.stream.Stream;

/** File-system facts about folders, read without following symbolic links. */
public final class FolderFacts {

    private FolderFacts() {
    }

    /**
     * The unix identity and permissions of a path.
     *
     * @param device {@code unix:dev}
     * @param inode  {@code unix:ino}
     * @param uid    owner
     * @param gid    group
     * @param mode   permission bits (without the file type)
     */
    public record Stat(long device, long inode, int uid, int gid, int mode) {
        /**
         * The mode as octal text.
         *
         * @return for example {@code 700}
         */
        public String octalMode() {
            return Integer.toOctalString(mode & 07777);
        }
    }

    /**
     * Counts of a folder tree.
     *
     * @param files regular files
     * @param bytes their total size
     */
    public record Tree(long files, long bytes) {
    }

    /**
     * Reads the unix attributes of a path without following a symbolic link.
     *
     * @param path the path
     * @return its stat
     */
    public static Stat stat(Path path) {
        try {
            return readStat(path, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the attributes of " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Device, inode, owner and mode of a path, as {@code stat(2)} gives them.
     *
     * @param path    the path
     * @param options {@link LinkOption#NOFOLLOW_LINKS} for the link itself, none to follow it
     * @return the attributes
     * @throws IOException when they cannot be read
     */
    public static Stat readStat(Path path, LinkOption... options) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino,uid,gid,mode", options);
        return new Stat(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue(),
                ((Number) a.get("uid")).intValue(), ((Number) a.get("gid")).intValue(),
                ((Number) a.get("mode")).intValue() & 07777);
    }

    /**
     * Whether anything (including a dangling symbolic link) is at the path.
     *
     * @param path the path
     * @return {@code true} when something is there
     */
    public static boolean present(Path path) {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Whether the path is a real directory (not a symbolic link to one).
     *
     * @param path the path
     * @return {@code true} for a directory
     */
    public static boolean isDirectory(Path path) {
        return Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Whether a directory has no entries.
     *
     * @param dir the directory
     * @return {@code true} when empty
     */
    public static boolean isEmpty(Path dir) {
        return isEmptyBut(dir, null);
    }

    /**
     * Whether a directory holds nothing but, at most, an entry of the given name.
     *
     * @param dir    the directory
     * @param except a name to disregard, or {@code null}
     * @return {@code true} when there is nothing else
     */
    public static boolean isEmptyBut(Path dir, String except) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.noneMatch(p -> !p.getFileName().toString().equals(except));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The names in a directory, sorted, at most {@code limit}.
     *
     * @param dir   the directory
     * @param limit how many names at most
     * @return the names
     */
    public static java.util.List<String> names(Path dir, int limit) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().limit(limit).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Counts the regular files of a folder tree and their sizes, without following symbolic links.
     *
     * @param dir the folder
     * @return the counts
     */
    public static Tree tree(Path dir) {
        long[] counts = new long[2];
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        counts[0]++;
                        counts[1] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the folder tree " + dir + ": " + e.getMessage(), e);
        }
        return new Tree(counts[0], counts[1]);
    }

    /**
     * Flushes a directory's entries to disk ({@code fsync} of the directory), so that renames in it survive
     * a power loss.
     *
     * @param dir the directory
     */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot fsync the directory " + dir + ": " + e.getMessage(), e);
        }
    }
}
