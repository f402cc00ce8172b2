package dev.kaapanamigrate.minio.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Writes a listing file sorted in {@link Utf8Order} from entries in any order, in flat memory: entries that arrive in
 * order (an S3 listing) go straight to the file; once one arrives out of order (a directory walk, a server that sorts
 * otherwise) entries are buffered up to a byte budget, sorted and spilled as runs beside the target, and the runs are
 * merged at the end (at most {@value #FAN_IN} at a time).
 */
public final class SortedListingWriter implements Closeable {

    static final int FAN_IN = 64;
    private static final Comparator<ListingFile.Entry> ORDER = Comparator.comparing(ListingFile.Entry::key,
            Utf8Order.INSTANCE);

    private final Path target;
    private final long budgetBytes;
    private ListingFile.Writer direct;
    private String last;
    private final List<Path> runs = new ArrayList<>();
    private final List<ListingFile.Entry> buffer = new ArrayList<>();
    private long buffered;
    private boolean closed;

    /**
     * Starts a sorted listing file.
     *
     * @param target      the file to write
     * @param budgetBytes roughly how many bytes of entries to hold in memory before spilling a run
     * @throws IOException when the file cannot be created
     */
    public SortedListingWriter(Path target, long budgetBytes) throws IOException {
        this.target = target;
        this.budgetBytes = budgetBytes;
        this.direct = new ListingFile.Writer(target);
    }

    /**
     * Adds an entry.
     *
     * @param key  the key
     * @param size the size, -1 when unknown
     * @param tag  the tag, or {@code null}
     * @throws IOException on failure
     */
    public void add(String key, long size, String tag) throws IOException {
        if (direct != null) {
            if (last == null || Utf8Order.INSTANCE.compare(last, key) <= 0) {
                direct.write(key, size, tag);
                last = key;
                return;
            }
            // Out of order: what was written so far is the first sorted run.
            direct.close();
            direct = null;
            Path run0 = runFile();
            Files.move(target, run0, StandardCopyOption.REPLACE_EXISTING);
            runs.add(run0);
        }
        buffer.add(new ListingFile.Entry(key, size, tag));
        buffered += 64 + 2L * key.length() + (tag == null ? 0 : 2L * tag.length());
        if (buffered >= budgetBytes) {
            spill();
        }
    }

    /**
     * Whether every entry so far arrived in order.
     *
     * @return {@code true} when no sorting was needed
     */
    public boolean arrivedInOrder() {
        return direct != null;
    }

    private Path runFile() {
        return target.resolveSibling(target.getFileName() + ".run" + runs.size());
    }

    private void spill() throws IOException {
        buffer.sort(ORDER);
        Path run = runFile();
        try (ListingFile.Writer w = new ListingFile.Writer(run)) {
            for (ListingFile.Entry e : buffer) {
                w.write(e);
            }
        }
        runs.add(run);
        buffer.clear();
        buffered = 0;
    }

    /** Finishes the file: merges the runs when the entries came out of order. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (direct != null) {
            direct.close();
            return;
        }
        if (!buffer.isEmpty()) {
            spill();
        }
        List<Path> level = new ArrayList<>(runs);
        int generation = 0;
        while (level.size() > FAN_IN) {
            List<Path> next = new ArrayList<>();
            for (int i = 0; i < level.size(); i += FAN_IN) {
                List<Path> group = level.subList(i, Math.min(level.size(), i + FAN_IN));
                Path merged = target.resolveSibling(target.getFileName() + ".m" + generation + "-" + next.size());
                merge(group, merged);
                next.add(merged);
            }
            generation++;
            level = next;
        }
        merge(level, target);
    }

    /** Removes run files left by a failure; the target itself is left to the caller. */
    public void discardRuns() {
        for (Path run : runs) {
            try {
                Files.deleteIfExists(run);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    private static void merge(List<Path> inputs, Path output) throws IOException {
        record Head(ListingFile.Entry entry, ListingFile.Reader reader) {
        }
        PriorityQueue<Head> queue = new PriorityQueue<>(Math.max(1, inputs.size()),
                (a, b) -> ORDER.compare(a.entry(), b.entry()));
        List<ListingFile.Reader> readers = new ArrayList<>();
        try (ListingFile.Writer w = new ListingFile.Writer(output)) {
            for (Path in : inputs) {
                ListingFile.Reader r = new ListingFile.Reader(in);
                readers.add(r);
                ListingFile.Entry e = r.next();
                if (e != null) {
                    queue.add(new Head(e, r));
                }
            }
            while (!queue.isEmpty()) {
                Head h = queue.poll();
                w.write(h.entry());
                ListingFile.Entry e = h.reader().next();
                if (e != null) {
                    queue.add(new Head(e, h.reader()));
                }
            }
        } finally {
            for (ListingFile.Reader r : readers) {
                r.close();
            }
            for (Path in : inputs) {
                Files.deleteIfExists(in);
            }
        }
    }
}
