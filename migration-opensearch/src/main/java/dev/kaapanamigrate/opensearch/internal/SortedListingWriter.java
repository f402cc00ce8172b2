package dev.kaapanamigrate.opensearch.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Takes entries in any order and writes them, sorted by id, to a compressed listing, with memory bounded by a byte
 * budget: an external merge sort. Entries are kept in memory until the budget is used, then sorted and written as a run
 * to a scratch folder; closing merges the runs (one open reader per run) into the final listing. Input that arrives
 * already in id order needs no run at all.
 */
public final class SortedListingWriter implements AutoCloseable {

    /** The default memory budget of the buffered entries, in bytes (roughly). */
    public static final long DEFAULT_BUDGET = 4L << 20;

    private static final Comparator<Listing.Entry> BY_ID = Comparator.comparing(Listing.Entry::id);
    private static final java.util.concurrent.atomic.AtomicLong SPILLED = new java.util.concurrent.atomic.AtomicLong();

    private final Path target;
    private final Path scratch;
    private final long budget;
    private final List<Listing.Entry> buffer = new ArrayList<>();
    private final List<Path> runs = new ArrayList<>();
    private long buffered;
    private long count;
    private boolean inOrder = true;
    private Listing.Entry last;
    private Listing.Writer direct;

    /**
     * Starts a listing.
     *
     * @param target  the final listing file
     * @param scratch a folder for the runs (created when needed; its runs are removed on close)
     * @param budget  memory budget in bytes
     */
    public SortedListingWriter(Path target, Path scratch, long budget) {
        this.target = target;
        this.scratch = scratch;
        this.budget = budget;
    }

    /**
     * Adds an entry.
     *
     * @param e the entry
     * @throws IOException when a run cannot be written
     */
    public void add(Listing.Entry e) throws IOException {
        count++;
        if (inOrder && last != null && last.id().compareTo(e.id()) > 0) {
            inOrder = false;
        }
        last = e;
        buffer.add(e);
        buffered += 96 + 2L * e.id().length();
        if (buffered >= budget) {
            if (inOrder && runs.isEmpty()) {
                // still in order: stream straight into the final listing
                if (direct == null) {
                    direct = new Listing.Writer(target, true);
                }
                for (Listing.Entry x : buffer) {
                    direct.write(x);
                }
            } else {
                spill();
            }
            buffer.clear();
            buffered = 0;
        }
    }

    /**
     * Entries added.
     *
     * @return the count
     */
    public long count() {
        return count;
    }

    /**
     * How many sorted runs were written to the scratch folder (0 when everything fit or came in order).
     *
     * @return the runs
     */
    public int runs() {
        return runs.size();
    }

    private void spill() throws IOException {
        if (direct != null) {
            // entries written directly so far become the first run
            direct.close();
            Path first = newRun();
            Files.move(target, first, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            runs.add(first);
            convertToPlain(first);
            direct = null;
        }
        buffer.sort(BY_ID);
        Path run = newRun();
        try (Listing.Writer w = new Listing.Writer(run, false)) {
            for (Listing.Entry x : buffer) {
                w.write(x);
            }
        }
        runs.add(run);
        SPILLED.incrementAndGet();
    }

    /**
     * Sorted runs spilled to disk by every writer of this JVM so far (for tests and benchmarks).
     *
     * @return the runs
     */
    public static long spilledTotal() {
        return SPILLED.get();
    }

    private void convertToPlain(Path gz) throws IOException {
        Path plain = Path.of(gz + ".plain");
        try (Listing.Reader r = new Listing.Reader(gz, true); Listing.Writer w = new Listing.Writer(plain, false)) {
            for (Listing.Entry e = r.next(); e != null; e = r.next()) {
                w.write(e);
            }
        }
        Files.move(plain, gz, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private Path newRun() throws IOException {
        Files.createDirectories(scratch);
        return Files.createTempFile(scratch, "run-", ".bin");
    }

    /** Writes the final listing and removes the runs. */
    @Override
    public void close() throws IOException {
        try {
            if (runs.isEmpty()) {
                if (!inOrder) {
                    buffer.sort(BY_ID);
                }
                Listing.Writer w = direct != null ? direct : new Listing.Writer(target, true);
                try (w) {
                    for (Listing.Entry x : buffer) {
                        w.write(x);
                    }
                }
                direct = null;
                return;
            }
            if (!buffer.isEmpty()) {
                spill();
                buffer.clear();
            }
            merge();
        } finally {
            for (Path run : runs) {
                Files.deleteIfExists(run);
            }
            if (!runs.isEmpty()) {
                Files.deleteIfExists(scratch);
            }
        }
    }

    private void merge() throws IOException {
        List<Listing.Reader> readers = new ArrayList<>();
        try {
            PriorityQueue<Listing.Reader> queue = new PriorityQueue<>(Comparator.comparing(r -> r.peek().id()));
            for (Path run : runs) {
                Listing.Reader r = new Listing.Reader(run, false);
                readers.add(r);
                if (r.peek() != null) {
                    queue.add(r);
                }
            }
            try (Listing.Writer w = new Listing.Writer(target, true)) {
                while (!queue.isEmpty()) {
                    Listing.Reader r = queue.poll();
                    w.write(r.next());
                    if (r.peek() != null) {
                        queue.add(r);
                    }
                }
            }
        } finally {
            for (Listing.Reader r : readers) {
                r.close();
            }
        }
    }
}
