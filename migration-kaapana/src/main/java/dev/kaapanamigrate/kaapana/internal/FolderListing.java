package dev.kaapanamigrate.kaapana.internal;

import dev.kaapanamigrate.core.RecordFile;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;

/**
 * A streaming inventory of folder trees: every file, symbolic link and special file with its path relative to a named
 * root ({@code FAST/postgres-dcm4che/base/1/1259}), kind, size, modification time (ns) and optionally its SHA-256, in
 * a compressed core {@code RecordFile}. The walk lists one folder at a time in name order (links are recorded, never
 * followed), so memory holds the names of the folders on the current path only and two listings of the same tree come
 * in the same order: they are compared by a merge ({@link #compare}). Folders themselves are not entries (their times
 * change with their content).
 */
public final class FolderListing {

    private FolderListing() {
    }

    /**
     * One entry.
     *
     * @param path   the path below the named root, {@code /}-separated, with the root's name first
     * @param kind   {@code f} file, {@code l} symbolic link, {@code o} other (FIFO, socket, device)
     * @param size   the size in bytes
     * @param mtime  the modification time in nanoseconds since the epoch
     * @param sha256 the content digest (files, when digests were taken), else {@code ""}; a link's target for links
     */
    public record Entry(String path, char kind, long size, long mtime, String sha256) {

        /**
         * How the entry is shown in a difference.
         *
         * @return for example {@code 8192 bytes, modified 2024-05-01T10:00:00Z}
         */
        public String describe() {
            return (kind == 'l' ? "link to " + sha256 : size + " bytes") + ", modified "
                    + java.time.Instant.ofEpochSecond(0, mtime) + (kind == 'f' && !sha256.isEmpty()
                    ? ", sha256 " + sha256.substring(0, 12) + "…" : "");
        }
    }

    /** What a walk counted per root. */
    public record Counts(long files, long bytes) {
    }

    /** The record of an entry: path, kind, size, modification time and digest or link target. */
    public static final RecordFile.Codec<Entry> CODEC = new RecordFile.Codec<>() {
        @Override
        public String name() {
            return "kaapana.folder-listing/1";
        }

        @Override
        public void write(DataOutput out, Entry e) throws IOException {
            RecordFile.writeString(out, e.path());
            out.writeByte(e.kind());
            out.writeLong(e.size());
            out.writeLong(e.mtime());
            RecordFile.writeString(out, e.sha256());
        }

        @Override
        public Entry read(DataInput in) throws IOException {
            String path = RecordFile.readString(in);
            char kind = (char) in.readByte();
            long size = in.readLong();
            long mtime = in.readLong();
            return new Entry(path, kind, size, mtime, RecordFile.readString(in));
        }
    };

    /**
     * Starts a listing file; {@link #walk} writes its entries in the walk's order.
     *
     * @param file the file (replaced)
     * @return the writer
     * @throws IOException when it cannot be created
     */
    public static RecordFile.Writer<Entry> writer(Path file) throws IOException {
        return RecordFile.write(file, CODEC);
    }

    /**
     * Walks one folder into the listing.
     *
     * @param root    the folder
     * @param name    the name its entries start with, for example {@code FAST/postgres-dcm4che}
     * @param out     the listing
     * @param digests whether to read every file for its SHA-256
     * @param skip    entries (relative to {@code root}, {@code /}-separated) to leave out
     * @return files and bytes, or {@code null} when the folder does not exist
     * @throws IOException when a folder cannot be listed or a file read
     */
    public static Counts walk(Path root, String name, RecordFile.Writer<Entry> out, boolean digests,
                              Predicate<String> skip) throws IOException {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        long[] c = {0, 0};
        walk(root, name, "", out, digests, skip, c);
        return new Counts(c[0], c[1]);
    }

    private static void walk(Path dir, String name, String rel, RecordFile.Writer<Entry> out, boolean digests,
                             Predicate<String> skip, long[] c) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(children::add);
        }
        children.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        for (Path p : children) {
            String childRel = rel.isEmpty() ? p.getFileName().toString() : rel + "/" + p.getFileName();
            if (skip.test(childRel)) {
                continue;
            }
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            long mtime = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
            String path = name + "/" + childRel;
            if (a.isDirectory()) {
                walk(p, name, childRel, out, digests, skip, c);
            } else if (a.isSymbolicLink()) {
                out.add(new Entry(path, 'l', 0, mtime, Files.readSymbolicLink(p).toString()));
                c[0]++;
            } else if (a.isRegularFile()) {
                out.add(new Entry(path, 'f', a.size(), mtime, digests ? sha256(p) : ""));
                c[0]++;
                c[1] += a.size();
            } else {
                out.add(new Entry(path, 'o', 0, mtime, ""));
                c[0]++;
            }
        }
    }

    /** The differences between two listings. */
    public record Differences(Sample removed, Sample changed, Sample added) {
    }

    /**
     * Compares two listings of the same roots by merging them.
     *
     * @param before       the earlier listing
     * @param after        the later listing
     * @param limit        how many of each kind to name
     * @param compareRoot  which roots to compare (by the entry's path); others are skipped on both sides
     * @param changeCounts whether a changed entry counts (false: only removals and additions are looked at)
     * @return the differences
     * @throws IOException when a listing cannot be read
     */
    public static Differences compare(Path before, Path after, int limit, Predicate<String> compareRoot,
                                      boolean changeCounts) throws IOException {
        Sample removed = new Sample(limit);
        Sample changed = new Sample(limit);
        Sample added = new Sample(limit);
        try (RecordFile.Reader<Entry> a = RecordFile.read(before, CODEC);
             RecordFile.Reader<Entry> b = RecordFile.read(after, CODEC)) {
            while (a.peek() != null || b.peek() != null) {
                Entry x = a.peek();
                Entry y = b.peek();
                if (x != null && !compareRoot.test(x.path())) {
                    a.next();
                    continue;
                }
                if (y != null && !compareRoot.test(y.path())) {
                    b.next();
                    continue;
                }
                int c = x == null ? 1 : y == null ? -1 : comparePaths(x.path(), y.path());
                if (c == 0) {
                    a.next();
                    b.next();
                    boolean same = x.kind() == y.kind() && x.size() == y.size() && x.mtime() == y.mtime()
                            && (x.sha256().isEmpty() || y.sha256().isEmpty() || x.sha256().equals(y.sha256()));
                    if (!same && changeCounts) {
                        changed.add(x.path(), x.path() + " (" + x.describe() + " -> " + y.describe() + ")");
                    }
                } else if (c < 0) {
                    a.next();
                    removed.add(x.path(), x.path() + " (" + x.describe() + ")");
                } else {
                    b.next();
                    added.add(y.path(), y.path() + " (" + y.describe() + ")");
                }
            }
        }
        return new Differences(removed, changed, added);
    }

    /**
     * The walk's order: component by component, each by {@link String#compareTo}.
     *
     * @param a a path
     * @param b another
     * @return negative, zero or positive
     */
    static int comparePaths(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ei = a.indexOf('/', i);
            int ej = b.indexOf('/', j);
            String x = a.substring(i, ei < 0 ? a.length() : ei);
            String y = b.substring(j, ej < 0 ? b.length() : ej);
            int c = x.compareTo(y);
            if (c != 0) {
                return c;
            }
            i = ei < 0 ? a.length() : ei + 1;
            j = ej < 0 ? b.length() : ej + 1;
            if (ei < 0 || ej < 0) {
                return Boolean.compare(ei >= 0, ej >= 0);
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf) >= 0) {
                buf.flip();
                md.update(buf);
                buf.clear();
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
