package dev.kaapanamigrate.minio.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Compares two listings sorted in {@link Utf8Order} by merging them: each key is missing (only in the expected
 * listing), changed (in both, other size or tag) or added (only in the actual one). Counts all, names the first few of
 * each kind. Memory is flat: one entry of each side at a time.
 */
public final class ListingMerge {

    /** A source of entries in order; {@code null} at the end. */
    @FunctionalInterface
    public interface Source {
        /**
         * The next entry.
         *
         * @return the entry, or {@code null} at the end
         * @throws IOException on failure
         */
        ListingFile.Entry next() throws IOException;
    }

    /**
     * The differences found.
     *
     * @param missing      keys only in the expected listing
     * @param changed      keys in both with another size or tag
     * @param added        keys only in the actual listing
     * @param missingNames the first missing keys
     * @param changedNames the first changed keys, each with what changed
     * @param addedNames   the first added keys
     * @param compared     how many expected entries were compared
     */
    public record Differences(long missing, long changed, long added, List<String> missingNames,
                              List<String> changedNames, List<String> addedNames, long compared) {
        /**
         * Whether nothing is missing or changed (additions allowed).
         *
         * @return {@code true} when every expected entry is there unchanged
         */
        public boolean nothingLost() {
            return missing == 0 && changed == 0;
        }
    }

    private ListingMerge() {
    }

    /**
     * Merges two sorted sources.
     *
     * @param expected     the baseline
     * @param actual       what is there now
     * @param compareTags  whether size and tag must match (else keys only)
     * @param namesPerKind how many keys to name per kind
     * @return the differences
     * @throws IOException when a source fails
     */
    public static Differences compare(Source expected, Source actual, boolean compareTags, int namesPerKind)
            throws IOException {
        long missing = 0;
        long changed = 0;
        long added = 0;
        long compared = 0;
        List<String> missingNames = new ArrayList<>();
        List<String> changedNames = new ArrayList<>();
        List<String> addedNames = new ArrayList<>();
        ListingFile.Entry e = expected.next();
        ListingFile.Entry a = actual.next();
        String lastExpected = null;
        String lastActual = null;
        while (e != null || a != null) {
            int c = e == null ? 1 : a == null ? -1 : Utf8Order.INSTANCE.compare(e.key(), a.key());
            if (c < 0) {
                lastExpected = checkOrder(lastExpected, e.key(), "baseline");
                compared++;
                if (missing++ < namesPerKind) {
                    missingNames.add(e.key());
                }
                e = expected.next();
            } else if (c > 0) {
                lastActual = checkOrder(lastActual, a.key(), "current");
                if (added++ < namesPerKind) {
                    addedNames.add(a.key());
                }
                a = actual.next();
            } else {
                lastExpected = checkOrder(lastExpected, e.key(), "baseline");
                lastActual = checkOrder(lastActual, a.key(), "current");
                compared++;
                if (compareTags && (e.size() != a.size() || !Objects.equals(e.tag(), a.tag()))) {
                    if (changed++ < namesPerKind) {
                        changedNames.add(e.key() + " (" + describe(e) + " -> " + describe(a) + ")");
                    }
                }
                e = expected.next();
                a = actual.next();
            }
        }
        return new Differences(missing, changed, added, List.copyOf(missingNames), List.copyOf(changedNames),
                List.copyOf(addedNames), compared);
    }

    private static String checkOrder(String last, String key, String side) throws IOException {
        if (last != null && Utf8Order.INSTANCE.compare(last, key) > 0) {
            throw new IOException("the " + side + " listing is not sorted: '" + key + "' after '" + last + "'");
        }
        return key;
    }

    private static String describe(ListingFile.Entry e) {
        return (e.size() < 0 ? "size unknown" : e.size() + " bytes") + (e.tag() == null ? "" : ", " + e.tag());
    }
}
