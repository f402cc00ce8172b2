package dev.kaapanamigrate.opensearch;

import dev.kaapanamigrate.core.ConfigurationException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings shared by the OpenSearch steps; immutable, every {@code with…} returns a new instance.
 *
 * <pre>{@code
 * OpenSearchOptions options = OpenSearchOptions.defaults()
 *         .withIndices(List.of(".opensearch_dashboards"))     // inventory these besides project_*
 *         .withFirstDifferences(50);
 * }</pre>
 *
 * @param endpointName     how messages name the node, or {@code null} to read it from the client's transport
 * @param indices          indices to inventory besides every {@code project_*} index
 * @param pageSize         documents per search page
 * @param keepAlive        how long the node keeps a point in time or scroll between pages, for example {@code 2m}
 * @param scrollOnly       list with a scroll even where a point in time is possible
 * @param sortBudgetBytes  memory for sorting a listing before it spills sorted runs to disk
 * @param firstDifferences how many differences a fact names (all are counted)
 * @param claimValues      the claim values of Kaapana's OpenSearch rights (role {@code <claim>_<project name>})
 * @param scratchDirectory where temporary listings go, or {@code null} for {@code java.io.tmpdir}
 * @param fileDigests      whether the offline inventory of FAST_DATA_DIR/os/data hashes every file's content
 */
public record OpenSearchOptions(String endpointName, List<String> indices, int pageSize, String keepAlive,
                                boolean scrollOnly, long sortBudgetBytes, int firstDifferences, List<String> claimValues,
                                Path scratchDirectory, boolean fileDigests) {

    /**
     * Validates the settings.
     *
     * @param endpointName     the endpoint's name or {@code null}
     * @param indices          extra indices
     * @param pageSize         page size, 1 to 10000
     * @param keepAlive        keep-alive, for example {@code 2m}
     * @param scrollOnly       scroll only
     * @param sortBudgetBytes  sort memory, at least 64 KiB
     * @param firstDifferences differences named, at least 1
     * @param claimValues      claim values, at least one
     * @param scratchDirectory scratch folder or {@code null}
     * @param fileDigests      hash files offline
     */
    public OpenSearchOptions {
        indices = List.copyOf(Objects.requireNonNull(indices, "indices"));
        claimValues = List.copyOf(Objects.requireNonNull(claimValues, "claimValues"));
        for (String index : indices) {
            if (index.isBlank() || index.contains("/") || index.contains(",") || index.contains("*")) {
                throw new ConfigurationException("OpenSearchOptions.indices holds '" + index + "'; expected plain index "
                        + "names without '/', ',' or '*' (every project_* index is inventoried anyway)");
            }
        }
        if (pageSize < 1 || pageSize > 10_000) {
            throw new ConfigurationException("OpenSearchOptions.pageSize is " + pageSize + "; expected 1 to 10000");
        }
        if (keepAlive == null || !keepAlive.matches("\\d+[smh]")) {
            throw new ConfigurationException("OpenSearchOptions.keepAlive is '" + keepAlive + "'; expected a time "
                    + "such as 2m or 90s");
        }
        if (sortBudgetBytes < 64 * 1024) {
            throw new ConfigurationException("OpenSearchOptions.sortBudgetBytes is " + sortBudgetBytes
                    + "; expected at least 65536");
        }
        if (firstDifferences < 1) {
            throw new ConfigurationException("OpenSearchOptions.firstDifferences is " + firstDifferences
                    + "; expected at least 1");
        }
        if (claimValues.isEmpty()) {
            throw new ConfigurationException("OpenSearchOptions.claimValues is empty; expected at least one, for "
                    + "example admin_project (the claim value of Kaapana's opensearch_access right)");
        }
    }

    /**
     * The defaults: endpoint from the client, only {@code project_*}, pages of 1000, keep-alive 2m, point in time,
     * 4 MiB of sort memory, 20 differences named, claim value {@code admin_project}, scratch in {@code java.io.tmpdir},
     * no file content digests.
     *
     * @return the defaults
     */
    public static OpenSearchOptions defaults() {
        return new OpenSearchOptions(null, List.of(), 1000, "2m", false, 4L << 20, 20, List.of("admin_project"), null,
                false);
    }

    /**
     * The endpoint's name in messages, when the client's transport cannot tell it.
     *
     * @param name for example {@code https://kaapana.example:9200}; never put credentials here
     * @return new options
     */
    public OpenSearchOptions withEndpointName(String name) {
        return new OpenSearchOptions(name, indices, pageSize, keepAlive, scrollOnly, sortBudgetBytes, firstDifferences,
                claimValues, scratchDirectory, fileDigests);
    }

    /**
     * Indices to inventory besides every {@code project_*} index.
     *
     * @param names index names
     * @return new options
     */
    public OpenSearchOptions withIndices(List<String> names) {
        return new OpenSearchOptions(endpointName, names, pageSize, keepAlive, scrollOnly, sortBudgetBytes,
                firstDifferences, claimValues, scratchDirectory, fileDigests);
    }

    /**
     * Documents per search page.
     *
     * @param size 1 to 10000
     * @return new options
     */
    public OpenSearchOptions withPageSize(int size) {
        return new OpenSearchOptions(endpointName, indices, size, keepAlive, scrollOnly, sortBudgetBytes,
                firstDifferences, claimValues, scratchDirectory, fileDigests);
    }

    /**
     * List with a scroll even where a point in time is possible.
     *
     * @param scroll whether to
     * @return new options
     */
    public OpenSearchOptions withScrollOnly(boolean scroll) {
        return new OpenSearchOptions(endpointName, indices, pageSize, keepAlive, scroll, sortBudgetBytes,
                firstDifferences, claimValues, scratchDirectory, fileDigests);
    }

    /**
     * Memory for sorting a listing before it spills to disk.
     *
     * @param bytes at least 65536
     * @return new options
     */
    public OpenSearchOptions withSortBudgetBytes(long bytes) {
        return new OpenSearchOptions(endpointName, indices, pageSize, keepAlive, scrollOnly, bytes, firstDifferences,
                claimValues, scratchDirectory, fileDigests);
    }

    /**
     * How many differences a fact names.
     *
     * @param n at least 1
     * @return new options
     */
    public OpenSearchOptions withFirstDifferences(int n) {
        return new OpenSearchOptions(endpointName, indices, pageSize, keepAlive, scrollOnly, sortBudgetBytes, n,
                claimValues, scratchDirectory, fileDigests);
    }

    /**
     * The claim values of Kaapana's OpenSearch rights.
     *
     * @param values for example {@code admin_project}
     * @return new options
     */
    public OpenSearchOptions withClaimValues(List<String> values) {
        return new OpenSearchOptions(endpointName, indices, pageSize, keepAlive, scrollOnly, sortBudgetBytes,
                firstDifferences, values, scratchDirectory, fileDigests);
    }

    /**
     * Where temporary listings go.
     *
     * @param dir an existing folder
     * @return new options
     */
    public OpenSearchOptions withScratchDirectory(Path dir) {
        return new OpenSearchOptions(endpointName, indices, pageSize, keepAlive, scrollOnly, sortBudgetBytes,
                firstDifferences, claimValues, dir, fileDigests);
    }

    /**
     * Whether the offline inventory hashes every file (reads all of os/data) besides size and modification time.
     *
     * @param digests whether to
     * @return new options
     */
    public OpenSearchOptions withFileDigests(boolean digests) {
        return new OpenSearchOptions(endpointName, indices, pageSize, keepAlive, scrollOnly, sortBudgetBytes,
                firstDifferences, claimValues, scratchDirectory, digests);
    }

    /**
     * The scratch folder to use.
     *
     * @return the configured one, or {@code java.io.tmpdir}
     */
    public Path scratch() {
        return Optional.ofNullable(scratchDirectory).orElse(Path.of(System.getProperty("java.io.tmpdir")));
    }
}
