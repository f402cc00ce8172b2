package dev.kaapanamigrate.kaapana.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Proves a tree equal to a manifest: every entry there with its kind, size, owner, group, mode, modification time,
 * link text, hard-link identity and sparseness, and (when asked) the SHA-256 of every file's content, digested by
 * {@code threads} workers; and (when asked) nothing else below the covered top-level names.
 */
public final class TreeVerify {

    private static final int LISTED = 100;

    private TreeVerify() {
    }

    /**
     * One difference.
     *
     * @param path     the relative path
     * @param what     what differs, e.g. {@code "content"}, {@code "mode"}, {@code "missing"}
     * @param expected what the manifest says
     * @param found    what is there
     */
    public record Difference(String path, String what, String expected, String found) {
        /**
         * For messages.
         *
         * @return e.g. {@code "postgres-backend/PG_VERSION: content: expected sha256 ab…, found cd…"}
         */
        public String describe() {
            return path + ": " + what + (expected == null ? "" : ": expected " + expected + ", found " + found);
        }
    }

    /**
     * What the verification found.
     *
     * @param entries     entries checked
     * @param files       files whose content was digested
     * @param bytes       bytes digested
     * @param differences the first differences (at most 100)
     * @param count       how many differences there are in all
     */
    public record Outcome(long entries, long files, long bytes, List<Difference> differences, long count) {
        /**
         * Whether the tree equals the manifest.
         *
         * @return {@code true} when nothing differs
         */
        public boolean passed() {
            return count == 0;
        }

        /**
         * The differences for a message.
         *
         * @param max how many to name
         * @return e.g. {@code "a: missing; b: content ... (and 3 more)"}
         */
        public String describe(int max) {
            List<String> names = differences.stream().limit(max).map(Difference::describe).toList();
            return String.join("; ", names) + (count > names.size() ? " (and " + (count - names.size()) + " more)" : "");
        }
    }

    /**
     * Verifies a tree.
     *
     * @param entries  the manifest's entries
     * @param root     the root the entries' paths are relative to
     * @param units    the top-level names the manifest covers (for the extra-file check)
     * @param threads  digest workers
     * @param content  whether to digest every file (else sizes and attributes only)
     * @param extras   whether anything below the units that the manifest does not list is a difference
     * @param progress progress (files and bytes digested), or {@code null}
     * @return the outcome
     * @throws IOException when the tree cannot be read
     */
    public static Outcome verify(List<ManifestEntry> entries, Path root, List<String> units, int threads, boolean content,
                                 boolean extras, TreeCopy.Progress progress) throws IOException {
        Collector diffs = new Collector();
        Map<String, Object> keys = new HashMap<>();
        List<ManifestEntry> toDigest = new ArrayList<>();
        List<ManifestEntry> sparse = new ArrayList<>();
        for (ManifestEntry e : entries) {
            Path p = root.resolve(e.path());
            TreeNode n;
            try {
                n = TreeNode.stat(e.path(), p);
            } catch (NoSuchFileException missing) {
                if (e.kind() != ManifestEntry.Kind.SKIPPED) {
                    diffs.add(new Difference(e.path(), "missing", null, null));
                }
                continue;
            }
            keys.put(e.path(), n.fileKey());
            ManifestEntry.Kind expectedKind = e.kind() == ManifestEntry.Kind.HARDLINK ? ManifestEntry.Kind.FILE : e.kind();
            if (e.kind() == ManifestEntry.Kind.SKIPPED) {
                continue; // never copied; whatever is there now is not the backup's business
            }
            if (n.kind() != expectedKind) {
                diffs.add(new Difference(e.path(), "kind", expectedKind.name(), n.kind().name()));
                continue;
            }
            compare(diffs, e.path(), "owner", e.uid(), n.uid());
            compare(diffs, e.path(), "group", e.gid(), n.gid());
            if (e.kind() != ManifestEntry.Kind.SYMLINK) {
                if (e.mode() != n.mode()) {
                    diffs.add(new Difference(e.path(), "mode", String.format("%04o", e.mode()),
                            String.format("%04o", n.mode())));
                }
            }
            if (e.kind() == ManifestEntry.Kind.SYMLINK) {
                // Java sets a link's own times with lutimes(3): microseconds.
                compare(diffs, e.path(), "modification time", e.mtime().truncatedTo(ChronoUnit.MICROS),
                        n.mtime().truncatedTo(ChronoUnit.MICROS));
            } else if (e.kind() != ManifestEntry.Kind.HARDLINK) {
                compare(diffs, e.path(), "modification time", e.mtime(), n.mtime());
            }
            switch (e.kind()) {
                case FILE -> {
                    compare(diffs, e.path(), "size", e.size(), n.size());
                    if (content && e.size() == n.size()) {
                        toDigest.add(e);
                    }
                    if (e.sparse()) {
                        sparse.add(e);
                    }
                }
                case SYMLINK -> compare(diffs, e.path(), "link text", e.target(), n.target());
                case HARDLINK -> {
                    Object first = keys.get(e.target());
                    if (first == null || !first.equals(n.fileKey())) {
                        diffs.add(new Difference(e.path(), "hard link", "the same file as " + e.target(),
                                "a file of its own"));
                    }
                }
                default -> {
                }
            }
        }
        if (!sparse.isEmpty()) {
            Map<String, Long> blocks = Trees.blocks(root, units.stream().map(root::resolve).filter(Durable::exists)
                    .toList());
            for (ManifestEntry e : sparse) {
                Long b = blocks.get(root.resolve(e.path()).toString());
                if (b != null && b * 512 >= e.size()) {
                    diffs.add(new Difference(e.path(), "sparseness", "holes (fewer than " + e.size() / 512
                            + " blocks allocated)", b + " blocks allocated"));
                }
            }
        }
        if (extras) {
            Set<String> listed = new HashSet<>();
            entries.forEach(e -> listed.add(e.path()));
            for (String unit : units) {
                extras(root, unit, listed, diffs);
            }
        }
        long bytes = 0;
        if (!toDigest.isEmpty()) {
            bytes = digest(toDigest, root, threads, diffs, progress);
        }
        return new Outcome(entries.size(), toDigest.size(), bytes, List.copyOf(diffs.listed), diffs.count);
    }

    private static long digest(List<ManifestEntry> files, Path root, int threads, Collector diffs,
                               TreeCopy.Progress progress) throws IOException {
        long total = files.stream().mapToLong(ManifestEntry::size).sum();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), TreeCopy.named("kaapana-verify"));
        try {
            Deque<Future<String>> inFlight = new ArrayDeque<>();
            Deque<ManifestEntry> inFlightEntries = new ArrayDeque<>();
            int next = 0;
            long done = 0;
            long bytes = 0;
            int window = Math.max(1, threads) * 4;
            while (next < files.size() || !inFlight.isEmpty()) {
                while (next < files.size() && inFlight.size() < window) {
                    ManifestEntry e = files.get(next++);
                    Path p = root.resolve(e.path());
                    inFlight.add(pool.submit(() -> TreeCopy.sha256(p)));
                    inFlightEntries.add(e);
                }
                ManifestEntry e = inFlightEntries.removeFirst();
                String sha;
                try {
                    sha = inFlight.removeFirst().get();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("Interrupted while verifying " + e.path(), ie);
                } catch (ExecutionException ee) {
                    Throwable c = ee.getCause();
                    throw c instanceof IOException io ? io : c instanceof UncheckedIOException u ? u.getCause()
                            : new IOException("Verifying " + e.path() + " failed: " + c, c);
                }
                if (!sha.equals(e.sha256())) {
                    diffs.add(new Difference(e.path(), "content", "SHA-256 " + e.sha256(), "SHA-256 " + sha));
                }
                done++;
                bytes += e.size();
                if (progress != null) {
                    progress.update(done, files.size(), bytes, total, e.path());
                }
            }
            return bytes;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void extras(Path root, String rel, Set<String> listed, Collector diffs) throws IOException {
        Path p = root.resolve(rel);
        if (!Durable.exists(p)) {
            return;
        }
        if (!listed.contains(rel)) {
            diffs.add(new Difference(rel, "not in the backup's manifest", null, null));
            return;
        }
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                for (Path c : ds) {
                    extras(root, rel + "/" + c.getFileName(), listed, diffs);
                }
            }
        }
    }

    private static void compare(Collector diffs, String path, String what, Object expected, Object found) {
        if (!expected.equals(found)) {
            diffs.add(new Difference(path, what, String.valueOf(expected), String.valueOf(found)));
        }
    }

    /** The first differences and their count. */
    private static final class Collector {
        private final List<Difference> listed = new ArrayList<>();
        private long count;

        void add(Difference d) {
            count++;
            if (listed.size() < LISTED) {
                listed.add(d);
            }
        }
    }
}
