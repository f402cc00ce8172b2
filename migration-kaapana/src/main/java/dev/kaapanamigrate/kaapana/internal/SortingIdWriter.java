package dev.kaapanamigrate.kaapana.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Writes identifiers that may come in any order into an {@link IdFile}, sorted and without duplicates, in flat memory:
 * input already in ascending order streams straight through; otherwise sorted runs of at most {@code budget} bytes are
 * spilled into a scratch folder and merged at the end (at most {@link #FAN_IN} runs at a time, in passes).
 */
public final class SortingIdWriter implements AutoCloseable {

    /** How many runs one merge pass reads at once. */
    public static final int FAN_IN = 64;

    private final Path target;
    private final Path scratch;
    private final long budget;
    private final List<String> buffer = new ArrayList<>();
    private final List<Path> runs = new ArrayList<>();
    private IdFile.Writer direct;
    private String last;
    private boolean inOrder = true;
    private long buffered;
    private long count;
    private boolean closed;

    /**
     * Starts a file.
     *
     * @param target  the sorted file (replaced)
     * @param scratch a folder for sort runs (a sub-folder named after the target is created when needed and removed on
     *                close)
     * @param budget  the memory budget of buffered identifiers, in bytes (roughly)
     * @throws IOException when the target cannot be written
     */
    public SortingIdWriter(Path target, Path scratch, long budget) throws IOException {
        this.target = target;
        this.scratch = scratch.resolve(target.getFileName() + ".runs");
        this.budget = Math.max(4096, budget);
        this.direct = new IdFile.Writer(target, true);
    }

    /**
     * Adds an identifier.
     *
     * @param id the identifier
     * @throws IOException when writing fails
     */
    public void add(String id) throws IOException {
        if (inOrder) {
            if (last == null || last.compareTo(id) <= 0) {
                direct.add(id);
                last = id;
                return;
            }
            // The first identifier out of order: what was written so far becomes the first run.
            inOrder = false;
            direct.close();
            Files.createDirectories(scratch);
            Path first = scratch.resolve("run-" + runs.size() + ".ids.gz");
            Files.move(target, first, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            runs.add(first);
            direct = null;
        }
        buffer.add(id);
        buffered += 48 + 2L * id.length();
        if (buffered >= budget) {
            spill();
        }
    }

    private void spill() throws IOException {
        Collections.sort(buffer);
        Files.createDirectories(scratch);
        Path run = scratch.resolve("run-" + runs.size() + ".ids.gz");
        try (IdFile.Writer w = new IdFile.Writer(run, true)) {
            for (String id : buffer) {
                w.add(id);
            }
        }
        runs.add(run);
        buffer.clear();
        buffered = 0;
    }

    /**
     * How many runs were spilled (0 when the input came in order).
     *
     * @return the runs
     */
    public int runs() {
        return runs.size();
    }

    /**
     * How many distinct identifiers the file holds; known after {@link #close()}.
     *
     * @return the count
     */
    public long count() {
        return count;
    }

    /**
     * The sorted file.
     *
     * @return the path
     */
    public Path target() {
        return target;
    }

    /**
     * Finishes the file (sorting and merging what was spilled) and says how many distinct identifiers it holds.
     *
     * @return the count
     * @throws IOException when writing fails
     */
    public long finish() throws IOException {
        close();
        return count;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (inOrder) {
            direct.close();
            count = direct.count();
            return;
        }
        try {
            if (!buffer.isEmpty()) {
                spill();
            }
            List<Path> level = new ArrayList<>(runs);
            int pass = 0;
            while (level.size() > FAN_IN) {
                List<Path> next = new ArrayList<>();
                for (int i = 0; i < level.size(); i += FAN_IN) {
                    List<Path> group = level.subList(i, Math.min(level.size(), i + FAN_IN));
                    Path merged = scratch.resolve("pass-" + pass + "-" + next.size() + ".ids.gz");
                    merge(group, merged);
                    for (Path p : group) {
                        Files.deleteIfExists(p);
                    }
                    next.add(merged);
                }
                level = next;
                pass++;
            }
            count = merge(level, target);
        } finally {
            discardRuns();
        }
    }

    private static long merge(List<Path> inputs, Path out) throws IOException {
        List<IdFile.Reader> readers = new ArrayList<>();
        PriorityQueue<IdFile.Reader> heap = new PriorityQueue<>(Comparator.comparing(IdFile.Reader::peek));
        try (IdFile.Writer w = new IdFile.Writer(out, true)) {
            for (Path p : inputs) {
                IdFile.Reader r = IdFile.open(p);
                readers.add(r);
                if (r.peek() != null) {
                    heap.add(r);
                }
            }
            while (!heap.isEmpty()) {
                IdFile.Reader r = heap.poll();
                w.add(r.next());
                if (r.peek() != null) {
                    heap.add(r);
                }
            }
            return w.finish();
        } finally {
            for (IdFile.Reader r : readers) {
                r.close();
            }
        }
    }

    /** Removes the sort runs and their folder (best effort). */
    private void discardRuns() {
        try (var s = Files.exists(scratch) ? Files.list(scratch) : java.util.stream.Stream.<Path>empty()) {
            s.forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Files.deleteIfExists(scratch);
        } catch (IOException | UncheckedIOException e) {
            // scratch only
        }
    }
}
