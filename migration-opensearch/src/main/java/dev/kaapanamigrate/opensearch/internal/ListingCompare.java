package dev.kaapanamigrate.opensearch.internal;

import dev.kaapanamigrate.core.RecordFile;
import dev.kaapanamigrate.core.SetDigest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/** Compares sorted listings by merging them: memory stays flat whatever their size. */
public final class ListingCompare {

    private ListingCompare() {
    }

    /**
     * A kind of difference: how many, and the first few ids.
     *
     * @param count how many
     * @param first the first ids (in id order), at most the limit asked for
     */
    public record Found(long count, List<String> first) {
        /**
         * A description for facts.
         *
         * @return for example {@code "2 (first: a, b)"}
         */
        public String describe() {
            return count == 0 ? "0" : count + " (" + (first.size() < count ? "first " + first.size() + ": " : "")
                    + String.join(", ", first) + ")";
        }
    }

    /**
     * How a listing differs from its baseline.
     *
     * @param missing in the baseline, not now
     * @param changed in both, with another content hash
     * @param added   now, not in the baseline
     */
    public record Differences(Found missing, Found changed, Found added) {
    }

    private static final class Collector {
        final int limit;
        long count;
        final List<String> first = new ArrayList<>();

        Collector(int limit) {
            this.limit = limit;
        }

        void add(String id) {
            count++;
            if (first.size() < limit) {
                first.add(id);
            }
        }

        Found found() {
            return new Found(count, List.copyOf(first));
        }
    }

    /**
     * Merges a baseline listing with the current one.
     *
     * @param baseline the baseline listing (a core {@code RecordFile})
     * @param current  the current listing (a core {@code RecordFile})
     * @param limit    how many ids to name per kind
     * @return the differences
     * @throws IOException when a listing cannot be read
     */
    public static Differences diff(Path baseline, Path current, int limit) throws IOException {
        Collector missing = new Collector(limit);
        Collector changed = new Collector(limit);
        Collector added = new Collector(limit);
        try (RecordFile.Reader<Listing.Entry> b = Listing.read(baseline); RecordFile.Reader<Listing.Entry> c = Listing.read(current)) {
            while (b.peek() != null || c.peek() != null) {
                if (c.peek() == null || (b.peek() != null && b.peek().id().compareTo(c.peek().id()) < 0)) {
                    missing.add(b.next().id());
                } else if (b.peek() == null || b.peek().id().compareTo(c.peek().id()) > 0) {
                    added.add(c.next().id());
                } else {
                    Listing.Entry x = b.next();
                    Listing.Entry y = c.next();
                    if (!Arrays.equals(x.hash(), y.hash())) {
                        changed.add(x.id());
                    }
                }
            }
        }
        return new Differences(missing.found(), changed.found(), added.found());
    }

    /**
     * Documents of the given listings whose id is not in the reference listing (series of project indices missing from
     * {@code project_admin}); named as {@code index/id}.
     *
     * @param listings  the listings by index name
     * @param reference the reference listing
     * @param limit     how many to name
     * @return what is missing from the reference
     * @throws IOException when a listing cannot be read
     */
    public static Found notIn(Map<String, Path> listings, Path reference, int limit) throws IOException {
        Collector missing = new Collector(limit);
        record Head(String index, RecordFile.Reader<Listing.Entry> reader) {
        }
        List<RecordFile.Reader<Listing.Entry>> open = new ArrayList<>();
        try (RecordFile.Reader<Listing.Entry> ref = Listing.read(reference)) {
            PriorityQueue<Head> queue = new PriorityQueue<>(Comparator.comparing((Head h) -> h.reader().peek().id()));
            for (Map.Entry<String, Path> e : listings.entrySet()) {
                RecordFile.Reader<Listing.Entry> r = Listing.read(e.getValue());
                open.add(r);
                if (r.peek() != null) {
                    queue.add(new Head(e.getKey(), r));
                }
            }
            while (!queue.isEmpty()) {
                Head h = queue.poll();
                String id = h.reader().next().id();
                while (ref.peek() != null && ref.peek().id().compareTo(id) < 0) {
                    ref.next();
                }
                if (ref.peek() == null || !ref.peek().id().equals(id)) {
                    missing.add(h.index() + "/" + id);
                }
                if (h.reader().peek() != null) {
                    queue.add(h);
                }
            }
        } finally {
            for (RecordFile.Reader<Listing.Entry> r : open) {
                r.close();
            }
        }
        return missing.found();
    }

    /**
     * Reads a listing whole to recompute its count and content digest (to prove a recorded listing intact).
     *
     * @param listing the listing
     * @return count and digest, as {@code [count, digest]}
     * @throws IOException when it cannot be read or is out of order
     */
    public static String[] recount(Path listing) throws IOException {
        SetDigest d = new SetDigest();
        String previous = null;
        try (RecordFile.Reader<Listing.Entry> r = Listing.read(listing)) {
            for (Listing.Entry e = r.next(); e != null; e = r.next()) {
                if (previous != null && previous.compareTo(e.id()) > 0) {
                    throw new IOException(listing + " is not sorted by id at " + e.id());
                }
                previous = e.id();
                d.add(e.id(), SetDigest.hex(e.hash()));
            }
        }
        return new String[] {Long.toString(d.count()), d.hex()};
    }
}
