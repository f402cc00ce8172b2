package dev.kaapanamigrate.kaapana.internal;

import dev.kaapanamigrate.core.RecordFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts what it is given and keeps the first {@code limit} of it, in order; optionally writes all of it to an
 * {@link IdFile} (for inputs that come in ascending order).
 */
public final class Sample {

    private final int limit;
    private final List<String> first = new ArrayList<>();
    private final RecordFile.SortingWriter<String> all;
    private long count;

    /**
     * A sample that keeps the first entries only.
     *
     * @param limit how many to keep
     */
    public Sample(int limit) {
        this(limit, null);
    }

    /**
     * A sample that also writes every identifier it is given.
     *
     * @param limit how many to keep
     * @param all   where every identifier goes, or {@code null}
     */
    public Sample(int limit, RecordFile.SortingWriter<String> all) {
        this.limit = limit;
        this.all = all;
    }

    /**
     * Takes one entry.
     *
     * @param id    the identifier (written to the file, if any)
     * @param shown how it is listed, for example {@code "1.2.3 (dataset tumor)"}
     * @throws IOException when the file cannot be written
     */
    public void add(String id, String shown) throws IOException {
        count++;
        if (first.size() < limit) {
            first.add(shown);
        }
        if (all != null) {
            all.add(id);
        }
    }

    /**
     * Takes one identifier, listed as itself.
     *
     * @param id the identifier
     * @throws IOException when the file cannot be written
     */
    public void add(String id) throws IOException {
        add(id, id);
    }

    /**
     * How many were given.
     *
     * @return the count
     */
    public long count() {
        return count;
    }

    /**
     * The first ones, in the order given.
     *
     * @return at most the limit
     */
    public List<String> first() {
        return List.copyOf(first);
    }
}
