package dev.kaapanamigrate.postgres.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * File-system facts about folders, read without following symbolic links. A path this process may not read
 * ({@code EACCES}, as for a uid-70 {@code 0700} data folder when the migration does not run as root) is
 * never taken for a missing or empty one: every fact then throws {@link AccessDenied}, which the steps turn
 * into a finding through {@link #cannotRead(AccessDenied)}.
 */
public final class FolderFacts {

    private static final Path PROC_SELF_STATUS = Path.of("/proc/self/status");

    private FolderFacts() {
    }

    /** This process may not read a path: distinct from a missing one. */
    public static final class AccessDenied extends UncheckedIOException {

        private static final long serialVersionUID = 1L;

        /** The path that could not be read. */
        private final transient Path path;

        /**
         * Creates the exception.
         *
         * @param path  the path that could not be read
         * @param what  what was being done, for example {@code "list"}
         * @param cause the denial
         */
        public AccessDenied(Path path, String what, AccessDeniedException cause) {
            super("Cannot " + what + " " + path + ": permission denied", cause);
            this.path = path;
        }

        /**
         * The path that could not be read.
         *
         * @return the path
         */
        public Path path() {
            return path;
        }
    }

    /**
     * An I/O failure as an unchecked exception: {@link AccessDenied} for a denial, so that callers can tell it
     * from any other failure.
     *
     * @param what what was being done, for example {@code "list"}
     * @param path the path it was done to
     * @param e    the failure
     * @return the exception to throw
     */
    public static UncheckedIOException failure(String what, Path path, IOException e) {
        if (e instanceof AccessDeniedException denied) {
            return new AccessDenied(denied.getFile() == null ? path : Path.of(denied.getFile()), what, denied);
        }
        return new UncheckedIOException("Cannot " + what + " " + path + ": " + e.getMessage(), e);
    }

    /**
     * The finding for a path this process may not read: which path, as which uid, whose it is and its mode.
     *
     * @param denied the denial
     * @return the finding
     */
    public static Finding cannotRead(AccessDenied denied) {
        // the denied path may itself be unreachable (a file in a 0700 folder): report the folder that denies
        Path reported = denied.path();
        Optional<Stat> stat = Optional.empty();
        for (Path p = reported; p != null && stat.isEmpty(); p = p.getParent()) {
            try {
                stat = Optional.of(readStat(p, LinkOption.NOFOLLOW_LINKS));
                reported = p;
            } catch (IOException e) {
                // not reachable either: look at its parent
            }
        }
        return cannotRead(reported, currentUid(), stat);
    }

    /**
     * The finding for a path this process may not read.
     *
     * @param path the path
     * @param uid  the effective uid of this process, or {@code -1} when unknown
     * @param stat the path's stat, when it could be read
     * @return the finding
     */
    public static Finding cannotRead(Path path, int uid, Optional<Stat> stat) {
        String whose = stat.map(s -> " (owner uid " + s.uid() + ", mode 0" + s.octalMode() + ")").orElse("");
        return new Finding("cannot read " + path + " as uid " + (uid < 0 ? "unknown" : Integer.toString(uid)) + whose,
                "a migration that can read every PostgreSQL data folder (an unreadable one cannot be told apart from a "
                + "missing or foreign one)", "run the migration as root (or as the folders' owner)");
    }

    /**
     * The effective uid of this JVM, from {@code /proc/self/status}.
     *
     * @return the uid, or {@code -1} when it cannot be read
     */
    public static int currentUid() {
        try {
            for (String line : Files.readAllLines(PROC_SELF_STATUS)) {
                if (line.startsWith("Uid:")) {
                    // real, effective, saved, file-system uid: permission checks use the effective one
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux or no /proc: the message says "unknown"
        }
        return -1;
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
        return attributes(path).isPresent();
    }

    private static Optional<BasicFileAttributes> attributes(Path path) {
        try {
            return Optional.of(Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (AccessDeniedException e) {
            throw failure("look at", path, e);
        } catch (IOException e) {
            // for example ENOTDIR (a file where a folder was expected on the path): nothing usable there
            return Optional.empty();
        }
    }

    /**
     * Whether the path is a real directory (not a symbolic link to one).
     *
     * @param path the path
     * @return {@code true} for a directory
     */
    public static boolean isDirectory(Path path) {
        return attributes(path).map(BasicFileAttributes::isDirectory).orElse(false);
    }

    /**
     * Whether the path is a regular file (not a symbolic link to one).
     *
     * @param path the path
     * @return {@code true} for a regular file
     */
    public static boolean isRegularFile(Path path) {
        return attributes(path).map(BasicFileAttributes::isRegularFile).orElse(false);
    }

    /**
     * The text of a small file, stripped.
     *
     * @param file the file
     * @return its content
     */
    public static String readText(Path file) {
        try {
            return Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw failure("read", file, e);
        }
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
            throw failure("list", dir, e);
        } catch (UncheckedIOException e) {
            throw failure("list", dir, e.getCause());
        }
    }

    /**
     * The names in a directory, sorted, at most {@code limit}.
     *
     * @param dir   the directory
     * @param limit how many names at most
     * @return the names
     */
    public static List<String> names(Path dir, int limit) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().limit(limit).toList();
        } catch (IOException e) {
            throw failure("list", dir, e);
        } catch (UncheckedIOException e) {
            throw failure("list", dir, e.getCause());
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
            throw failure("read the folder tree", dir, e);
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
