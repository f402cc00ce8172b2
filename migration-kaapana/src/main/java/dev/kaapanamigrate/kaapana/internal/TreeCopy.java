package dev.kaapanamigrate.kaapana.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a list of tree entries the way {@code cp -a} does: owners, groups, modes (with setuid, setgid and sticky),
 * modification and access times, symbolic links as links, hard links as hard links, sparse files with their holes; and
 * computes the SHA-256 of every file's content while it copies.
 *
 * <ul>
 *   <li>Directories are created first, in order; their owners, modes and times are set last, deepest first (a
 *   read-only directory can be filled, and filling one does not change its time afterwards).</li>
 *   <li>Files are copied by {@code threads} workers. A large file is copied in the kernel ({@code
 *   FileChannel.transferTo}: {@code sendfile(2)}) while another thread digests the source, so copying and digesting
 *   overlap on two cores; a small one is read once into a 1 MiB direct buffer, digested and written. A sparse file is
 *   read and digested in full and written without its all-zero 4 KiB blocks, which stay holes; its length is set at
 *   the end.</li>
 *   <li>Nothing is flushed file by file ({@code fsync} per file costs a journal commit each): the caller flushes the
 *   file system once ({@link Durable#syncFileSystem}).</li>
 * </ul>
 */
public final class TreeCopy {

    private static final Logger LOG = LoggerFactory.getLogger(TreeCopy.class);
    /** Files at least this large are copied in the kernel while another thread digests them. */
    static final long LARGE = 8L << 20;
    private static final int BUFFER = 1 << 20;
    private static final int BLOCK = 4096;
    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER));
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(BLOCK).asReadOnlyBuffer();

    private TreeCopy() {
    }

    /**
     * One entry to copy.
     *
     * @param path   the relative path (also where it goes below the destination)
     * @param kind   what it is
     * @param from   where its content is read (files), {@code null} otherwise
     * @param size   its size (files)
     * @param mode   the mode to give it
     * @param uid    the owner to give it
     * @param gid    the group to give it
     * @param mtime  the modification time to give it
     * @param atime  the access time to give it, or {@code null} for the modification time
     * @param target the link text (symbolic link) or the path of the first name (hard link)
     * @param sparse whether to keep all-zero blocks as holes
     */
    public record Item(String path, ManifestEntry.Kind kind, Path from, long size, int mode, int uid, int gid,
                       Instant mtime, Instant atime, String target, boolean sparse) {
        /**
         * An item from a scanned node.
         *
         * @param n the node
         * @return the item
         */
        public static Item of(TreeNode n) {
            return new Item(n.path(), n.kind(), n.absolute(), n.size(), n.mode(), n.uid(), n.gid(), n.mtime(), n.atime(),
                    n.target(), n.sparse());
        }

        /**
         * An item from a manifest entry whose content is read below {@code root}.
         *
         * @param e    the entry
         * @param root where the content is
         * @return the item
         */
        public static Item of(ManifestEntry e, Path root) {
            return new Item(e.path(), e.kind(), root.resolve(e.path()), e.size(), e.mode(), e.uid(), e.gid(), e.mtime(),
                    null, e.target(), e.sparse());
        }
    }

    /** Progress, reported from the calling thread after each file. */
    public interface Progress {
        /**
         * A file is done.
         *
         * @param filesDone  files done
         * @param filesTotal files in all
         * @param bytesDone  bytes done
         * @param bytesTotal bytes in all
         * @param item       the file just done
         */
        void update(long filesDone, long filesTotal, long bytesDone, long bytesTotal, String item);
    }

    /**
     * What the copy did.
     *
     * @param digests     relative path → SHA-256 of every file copied as content (empty when not asked for)
     * @param linksCopied later names of hard-linked files that could not be linked and were copied as files
     * @param skipped     special files that were not copied
     */
    public record Outcome(Map<String, String> digests, List<String> linksCopied, List<String> skipped) {
    }

    /**
     * Copies the items below {@code destination}, which must exist and not hold them yet.
     *
     * @param items       the items, each directory before its content
     * @param destination the destination root
     * @param threads     parallel workers (at least 1)
     * @param digest      whether to compute the SHA-256 of every file
     * @param progress    progress, or {@code null}
     * @return what was done
     * @throws IOException when something cannot be copied (what was copied stays)
     */
    public static Outcome copy(List<Item> items, Path destination, int threads, boolean digest, Progress progress)
            throws IOException {
        boolean root = Posixish.isRoot();
        int own = Posixish.uid();
        int ownGid = Posixish.gid();
        List<Item> dirs = new ArrayList<>();
        List<Item> files = new ArrayList<>();
        List<Item> later = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Item i : items) {
            switch (i.kind()) {
                case DIRECTORY -> {
                    Files.createDirectory(destination.resolve(i.path()));
                    dirs.add(i);
                }
                case FILE -> files.add(i);
                case SKIPPED -> skipped.add(i.path() + " (" + i.target() + ")");
                default -> later.add(i);
            }
        }
        long bytesTotal = files.stream().mapToLong(Item::size).sum();
        Map<String, String> digests = new HashMap<>();
        ExecutorService workers = Executors.newFixedThreadPool(Math.max(1, threads), named("kaapana-copy"));
        ExecutorService hashers = digest ? Executors.newFixedThreadPool(Math.max(1, threads), named("kaapana-digest"))
                : null;
        try {
            Deque<Future<String>> inFlight = new ArrayDeque<>();
            Deque<Item> inFlightItems = new ArrayDeque<>();
            long filesDone = 0;
            long bytesDone = 0;
            int window = Math.max(1, threads) * 4;
            int next = 0;
            while (next < files.size() || !inFlight.isEmpty()) {
                while (next < files.size() && inFlight.size() < window) {
                    Item f = files.get(next++);
                    Path to = destination.resolve(f.path());
                    inFlight.add(workers.submit(() -> copyFile(f, to, digest, hashers, root, own, ownGid)));
                    inFlightItems.add(f);
                }
                Item done = inFlightItems.removeFirst();
                String sha = await(inFlight.removeFirst(), done.path());
                if (sha != null) {
                    digests.put(done.path(), sha);
                }
                filesDone++;
                bytesDone += done.size();
                if (progress != null) {
                    progress.update(filesDone, files.size(), bytesDone, bytesTotal, done.path());
                }
            }
        } finally {
            workers.shutdownNow();
            if (hashers != null) {
                hashers.shutdownNow();
            }
        }
        List<String> linksCopied = new ArrayList<>();
        for (Item i : later) {
            Path to = destination.resolve(i.path());
            if (i.kind() == ManifestEntry.Kind.SYMLINK) {
                Files.createSymbolicLink(to, Path.of(i.target()));
                setOwner(to, i, root, own, ownGid);
                setTimes(to, i);
            } else {
                try {
                    Files.createLink(to, destination.resolve(i.target()));
                } catch (IOException | UnsupportedOperationException e) {
                    if (e instanceof FileAlreadyExistsException) {
                        throw (FileAlreadyExistsException) e;
                    }
                    LOG.warn("Cannot hard-link {} to {} ({}); copying it as a file of its own", to, i.target(), e.toString());
                    Item asFile = new Item(i.path(), ManifestEntry.Kind.FILE, i.from(), Files.size(i.from()), i.mode(),
                            i.uid(), i.gid(), i.mtime(), i.atime(), null, false);
                    String sha = copyFile(asFile, to, digest, null, root, own, ownGid);
                    if (sha != null) {
                        digests.put(i.path(), sha);
                    }
                    linksCopied.add(i.path());
                }
            }
        }
        for (int d = dirs.size() - 1; d >= 0; d--) {
            Item i = dirs.get(d);
            Path to = destination.resolve(i.path());
            setOwner(to, i, root, own, ownGid);
            Files.setAttribute(to, "unix:mode", i.mode(), LinkOption.NOFOLLOW_LINKS);
            setTimes(to, i);
        }
        return new Outcome(Map.copyOf(digests), List.copyOf(linksCopied), List.copyOf(skipped));
    }

    private static String await(Future<String> f, String path) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while copying " + path, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw new IOException("Copying " + path + " failed: " + c, c);
        }
    }

    /** Copies one regular file with its attributes; returns its digest when asked for. */
    static String copyFile(Item f, Path to, boolean digest, ExecutorService hashers, boolean root, int own, int ownGid)
            throws IOException {
        String sha;
        if (f.sparse()) {
            sha = copySparse(f.from(), to, f.size(), digest);
        } else if (f.size() >= LARGE && (hashers != null || !digest)) {
            Future<String> hash = digest ? hashers.submit(() -> sha256(f.from())) : null;
            try (FileChannel in = FileChannel.open(f.from(), StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                long size = in.size();
                long pos = 0;
                while (pos < size) {
                    long n = in.transferTo(pos, size - pos, out);
                    if (n <= 0) {
                        throw new IOException(f.from() + " ended at " + pos + " bytes of " + size + " while it was copied");
                    }
                    pos += n;
                }
            }
            sha = hash == null ? null : await(hash, f.path());
        } else {
            sha = copyBuffered(f.from(), to, digest);
        }
        setOwner(to, f, root, own, ownGid);
        Files.setAttribute(to, "unix:mode", f.mode(), LinkOption.NOFOLLOW_LINKS);
        setTimes(to, f);
        return sha;
    }

    private static String copyBuffered(Path from, Path to, boolean digest) throws IOException {
        MessageDigest md = digest ? newDigest() : null;
        ByteBuffer buf = BUFFERS.get();
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (in.read(buf.clear()) >= 0) {
                buf.flip();
                if (md != null) {
                    md.update(buf.duplicate());
                }
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
            }
        }
        return md == null ? null : HexFormat.of().formatHex(md.digest());
    }

    private static String copySparse(Path from, Path to, long size, boolean digest) throws IOException {
        MessageDigest md = digest ? newDigest() : null;
        ByteBuffer buf = BUFFERS.get();
        Files.createFile(to);
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
             RandomAccessFile raf = new RandomAccessFile(to.toFile(), "rw")) {
            FileChannel out = raf.getChannel();
            long pos = 0;
            while (true) {
                buf.clear();
                // Fill the buffer completely, so that blocks stay aligned to the file's 4 KiB blocks.
                while (buf.hasRemaining() && in.read(buf) >= 0) {
                    // keep reading
                }
                buf.flip();
                int n = buf.remaining();
                if (n == 0) {
                    break;
                }
                if (md != null) {
                    md.update(buf.duplicate());
                }
                for (int off = 0; off < n; off += BLOCK) {
                    int len = Math.min(BLOCK, n - off);
                    ByteBuffer block = buf.duplicate().position(off).limit(off + len);
                    if (block.mismatch(ZEROS.duplicate().limit(len)) == -1) {
                        continue; // all zero: leave a hole
                    }
                    long at = pos + off;
                    while (block.hasRemaining()) {
                        at += out.write(block, at);
                    }
                }
                pos += n;
                if (n < buf.capacity()) {
                    break;
                }
            }
            raf.setLength(pos);
        }
        return md == null ? null : HexFormat.of().formatHex(md.digest());
    }

    /**
     * The SHA-256 of a file's content, read through a 1 MiB direct buffer.
     *
     * @param file the file
     * @return lower-case hex
     * @throws IOException when it cannot be read
     */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = newDigest();
        ByteBuffer buf = BUFFERS.get();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            while (in.read(buf.clear()) >= 0) {
                buf.flip();
                md.update(buf);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void setOwner(Path to, Item i, boolean root, int own, int ownGid) throws IOException {
        if (!root && i.uid() == own && i.gid() == ownGid) {
            return; // created as ours (a set-group-id parent is not used: directories get their modes last)
        }
        try {
            Files.setAttribute(to, "unix:uid", i.uid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(to, "unix:gid", i.gid(), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new IOException("cannot give " + to + " owner " + i.uid() + ":" + i.gid() + (root ? "" : " (not run as "
                    + "root: only root can keep other users' owners)") + ": " + e, e);
        }
    }

    private static void setTimes(Path to, Item i) throws IOException {
        FileTime m = FileTime.from(i.mtime());
        FileTime a = i.atime() == null ? m : FileTime.from(i.atime());
        Files.getFileAttributeView(to, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(m, a, null);
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static ThreadFactory named(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
