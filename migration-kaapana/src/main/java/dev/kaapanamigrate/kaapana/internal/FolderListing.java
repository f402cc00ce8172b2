package dev.kaapanamigrate.kaapana.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A streaming inventory of folder trees: every file, symbolic link and special file with its path relative to a named
 * root ({@code FAST/postgres-dcm4che/base/1/1259}), kind, size, modification time (ns) and optionally its SHA-256, in
 * a gzip file. The walk lists one folder at a time in name order (links are recorded, never followed), so memory holds
 * the names of the folders on the current path only and two listings of the same tree come in the same order: they are
 * compared by a merge ({@link #compare}). Folders themselves are not entries (their times change with their content).
 */
public final class FolderListing {

    private static final byte[] MAGIC = {'K', 'M', 'F', 'L', 'S', '1'};

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

    /** Writes entries. */
    public static final class Writer implements AutoCloseable {
        private final DataOutputStream out;
        private long count;

        /**
         * Opens a listing file.
         *
         * @param file the file (replaced)
         * @throws IOException when it cannot be written
         */
        public Writer(Path file) throws IOException {
            this.out = new DataOutputStream(new BufferedOutputStream(new GZIPOutputStream(Files.newOutputStream(file),
                    1 << 16), 1 << 16));
            out.write(MAGIC);
        }

        void write(Entry e) throws IOException {
            out.writeByte(1);
            writeString(out, e.path());
            out.writeByte(e.kind());
            out.writeLong(e.size());
            out.writeLong(e.mtime());
            writeString(out, e.sha256());
            count++;
        }

        @Override
        public void close() throws IOException {
            out.writeByte(0);
            out.writeLong(count);
            out.close();
        }
    }

    /** Reads entries in their order. */
    public static final class Reader implements AutoCloseable {
        private final Path file;
        private final DataInputStream in;
        private Entry next;
        private long read;
        private boolean done;

        /**
         * Opens a listing file.
         *
         * @param file the file
         * @throws IOException when it cannot be read or is no folder listing
         */
        public Reader(Path file) throws IOException {
            this.file = file;
            InputStream raw = Files.newInputStream(file);
            this.in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16));
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                in.close();
                throw new IOException(file + " is not a folder listing");
            }
            advance();
        }

        private void advance() throws IOException {
            if (done) {
                next = null;
                return;
            }
            try {
                if (in.readByte() == 0) {
                    long count = in.readLong();
                    if (count != read) {
                        throw new IOException(file + " is damaged: its trailer says " + count + " entries, it holds " + read);
                    }
                    done = true;
                    next = null;
                    return;
                }
                String path = readString(in);
                char kind = (char) in.readByte();
                long size = in.readLong();
                long mtime = in.readLong();
                next = new Entry(path, kind, size, mtime, readString(in));
                read++;
            } catch (EOFException e) {
                throw new IOException(file + " is cut short after " + read + " entries", e);
            }
        }

        Entry peek() {
            return next;
        }

        Entry next() throws IOException {
            Entry e = next;
            if (e != null) {
                advance();
            }
            return e;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
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
    public static Counts walk(Path root, String name, Writer out, boolean digests, Predicate<String> skip)
            throws IOException {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        long[] c = {0, 0};
        walk(root, name, "", out, digests, skip, c);
        return new Counts(c[0], c[1]);
    }

    private static void walk(Path dir, String name, String rel, Writer out, boolean digests, Predicate<String> skip,
                             long[] c) throws IOException {
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
                out.write(new Entry(path, 'l', 0, mtime, Files.readSymbolicLink(p).toString()));
                c[0]++;
            } else if (a.isRegularFile()) {
                out.write(new Entry(path, 'f', a.size(), mtime, digests ? sha256(p) : ""));
                c[0]++;
                c[1] += a.size();
            } else {
                out.write(new Entry(path, 'o', 0, mtime, ""));
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
        try (Reader a = new Reader(before); Reader b = new Reader(after)) {
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

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        IdFile.writeVarLong(out, b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = new byte[(int) IdFile.readVarLong(in)];
        in.readFully(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}
