package dev.kaapanamigrate.opensearch;

import dev.kaapanamigrate.core.ContextKey;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per index, how many documents lack each field 0.5 writes but migrated documents do not have (reference §9): the
 * input for the follow-up workflows (validate-dicoms, generate-thumbnail) that fill them. Counted by the node
 * ({@code _count} with a {@code must_not exists} query); shared as {@link #KEY} by {@link VerifyDocumentsStep}.
 *
 * @param missing index → field → documents without it
 */
public record NewFieldCounts(Map<String, Map<String, Long>> missing) {

    /** The context key. */
    public static final ContextKey<NewFieldCounts> KEY = ContextKey.of("opensearch.new-field-counts",
            NewFieldCounts.class);

    /** The five fields new in 0.5, absent from documents written by 0.4. */
    public static final List<String> FIELDS = List.of("00000000 IsSeriesComplete_boolean",
            "00000000 MinInstanceNumber_integer", "00000000 MaxInstanceNumber_integer",
            "00000000 MissingInstanceNumbers_integer", "00000000 ThumbnailInstanceUID_keyword");

    /**
     * Copies the map.
     *
     * @param missing the counts
     */
    public NewFieldCounts {
        TreeMap<String, Map<String, Long>> copy = new TreeMap<>();
        missing.forEach((k, v) -> copy.put(k, java.util.Collections.unmodifiableMap(new TreeMap<>(v))));
        missing = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * Documents of an index lacking a field.
     *
     * @param index the index
     * @param field the field
     * @return the count, 0 when not counted
     */
    public long missing(String index, String field) {
        return missing.getOrDefault(index, Map.of()).getOrDefault(field, 0L);
    }
}
