package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.opensearch.OpenSearchOptions;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How the consistency check reports ({@link DatabaseSnapshotStep}, {@link ConsistencyStep}). Immutable.
 *
 * @param firstDifferences how many orphans each finding names (all are counted); default 20
 * @param sortBudgetBytes  memory for sorting an input that does not come sorted, in bytes; default 8 MiB
 * @param tolerated        kinds that are reported but do not fail the verification; default
 *                         {@link ConsistencyReport.Kind#SERIES_WITHOUT_THUMBNAIL} (0.4 made thumbnails for SEG and
 *                         RTSTRUCT only; the follow-up {@code generate-thumbnail} fills the gap)
 * @param scratchDirectory where a verify-only pass writes its temporary files, or {@code null} for {@code java.io.tmpdir}
 * @param search           how the index listings are taken (page size, sort budget, endpoint name)
 */
public record ConsistencyOptions(int firstDifferences, long sortBudgetBytes, Set<ConsistencyReport.Kind> tolerated,
                                 Path scratchDirectory, OpenSearchOptions search) {

    /**
     * Validates and copies.
     *
     * @param firstDifferences how many named
     * @param sortBudgetBytes  sort memory
     * @param tolerated        tolerated kinds
     * @param scratchDirectory scratch or {@code null}
     * @param search           index listing options
     */
    public ConsistencyOptions {
        if (firstDifferences < 0) {
            throw new IllegalArgumentException("firstDifferences must not be negative, was " + firstDifferences);
        }
        tolerated = tolerated.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(tolerated));
        Objects.requireNonNull(search, "search");
    }

    /**
     * 20 named, 8 MiB to sort, missing thumbnails tolerated, scratch in {@code java.io.tmpdir}.
     *
     * @return the defaults
     */
    public static ConsistencyOptions defaults() {
        return new ConsistencyOptions(20, 8L << 20, Set.of(ConsistencyReport.Kind.SERIES_WITHOUT_THUMBNAIL), null,
                OpenSearchOptions.defaults());
    }

    /**
     * How many orphans each finding names.
     *
     * @param n the number
     * @return a new options value
     */
    public ConsistencyOptions withFirstDifferences(int n) {
        return new ConsistencyOptions(n, sortBudgetBytes, tolerated, scratchDirectory, search);
    }

    /**
     * The sort memory.
     *
     * @param bytes the budget
     * @return a new options value
     */
    public ConsistencyOptions withSortBudgetBytes(long bytes) {
        return new ConsistencyOptions(firstDifferences, bytes, tolerated, scratchDirectory, search);
    }

    /**
     * The kinds reported without failing the verification (an installation whose 0.4 data already held them, say).
     *
     * @param kinds the kinds; none makes every kind fail, missing thumbnails included
     * @return a new options value
     */
    public ConsistencyOptions tolerating(Set<ConsistencyReport.Kind> kinds) {
        return new ConsistencyOptions(firstDifferences, sortBudgetBytes, kinds, scratchDirectory, search);
    }

    /**
     * Where a verify-only pass writes its temporary files.
     *
     * @param dir the folder
     * @return a new options value
     */
    public ConsistencyOptions withScratchDirectory(Path dir) {
        return new ConsistencyOptions(firstDifferences, sortBudgetBytes, tolerated, dir, search);
    }

    /**
     * How the index listings are taken.
     *
     * @param options the OpenSearch options
     * @return a new options value
     */
    public ConsistencyOptions withSearchOptions(OpenSearchOptions options) {
        return new ConsistencyOptions(firstDifferences, sortBudgetBytes, tolerated, scratchDirectory, options);
    }

    /**
     * The scratch folder.
     *
     * @return the configured one, or {@code java.io.tmpdir}
     */
    public Path scratch() {
        return scratchDirectory != null ? scratchDirectory : Path.of(System.getProperty("java.io.tmpdir"));
    }
}
