package dev.kaapanamigrate.opensearch;

import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.opensearch.internal.Endpoint;
import dev.kaapanamigrate.opensearch.internal.Inventories;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * The index inventory as a public reader, for compositions above this module (the Kaapana consistency check): which
 * {@code project_*} indices exist, and the documents of some of them listed into id-sorted files, exactly as
 * {@link BaselineStep} and {@link VerifyDocumentsStep} list them (point in time per shard, streamed, external sort in flat
 * memory). Read a listing with {@link DocumentListing#open}.
 *
 * <pre>{@code
 * DocumentListings listings = DocumentListings.of(client, OpenSearchOptions.defaults());
 * Map<String, IndexInventory> taken = listings.take(listings.indices(), folder, ctx);
 * try (DocumentListing ids = DocumentListing.open(folder.resolve(taken.get("project_admin").listingFile()))) {
 *     for (DocumentListing.Entry e : ids) { ... }          // ascending id (String order)
 * }
 * }</pre>
 */
public final class DocumentListings {

    private final Endpoint endpoint;
    private final OpenSearchOptions options;

    private DocumentListings(OpenSearchClient client, OpenSearchOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.endpoint = new Endpoint(Objects.requireNonNull(client, "client"), options.endpointName());
    }

    /**
     * Listings through the caller's client.
     *
     * @param client  the client (credentials and TLS as the caller configured them)
     * @param options the options (page size, sort budget, endpoint name for messages)
     * @return the reader
     */
    public static DocumentListings of(OpenSearchClient client, OpenSearchOptions options) {
        return new DocumentListings(client, options);
    }

    /**
     * The node's name in messages.
     *
     * @return the endpoint, for example {@code https://kaapana.example:9200}
     */
    public String endpoint() {
        return endpoint.name();
    }

    /**
     * The open {@code project_*} indices.
     *
     * @return their names, sorted
     * @throws dev.kaapanamigrate.core.MigrationException with an {@code OPENSEARCH_} code when the node cannot be read
     */
    public List<String> indices() {
        return List.copyOf(new TreeSet<>(new Inventories(endpoint, options).settings(List.of()).keySet()));
    }

    /**
     * Lists the documents of existing indices, each into {@code <folder>/<index>.listing} (id and canonical content
     * hash, ascending id), with its mapping beside it.
     *
     * @param indices the indices (each must exist)
     * @param folder  where the files go (created)
     * @param ctx     progress goes there (one event per index), or {@code null}
     * @return per index its inventory (counts, digests, the listing's file name relative to {@code folder}), by name
     * @throws dev.kaapanamigrate.core.MigrationException with an {@code OPENSEARCH_} code when the node cannot be read
     */
    public Map<String, IndexInventory> take(Collection<String> indices, Path folder, MigrationContext ctx) {
        Inventories inventories = new Inventories(endpoint, options);
        Map<String, Map<String, String>> settings = new TreeMap<>(inventories.settings(indices));
        settings.keySet().retainAll(indices);
        Map<String, IndexInventory> out = new TreeMap<>();
        for (IndexInventory i : inventories.take(settings, folder, ctx)) {
            out.put(i.index(), i);
        }
        return out;
    }
}
