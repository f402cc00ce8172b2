package dev.kaapanamigrate.opensearch;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one index held when it was inventoried: the document count, order-independent digests of its documents, its
 * settings and a digest of its mapping. The (id, hash) listing and the mapping are files beside the inventory
 * ({@link OpenSearchInventory#directory()}). Plain data for the journal and JSON.
 *
 * @param index         the index name
 * @param documents     how many documents it held
 * @param contentDigest the order-independent digest of every (id, canonical hash of {@code _source}) (32 hex digits)
 * @param idDigest      the order-independent digest of the document ids alone
 * @param settings      its flat index settings that the migration compares (shards, replicas, limits, uuid, created)
 * @param mappingDigest the canonical hash of its mapping
 * @param mappedFields  how many fields its mapping holds (sub-fields included)
 * @param listingFile   the file name of the (id, hash) listing, sorted by id (a compressed core {@code RecordFile})
 * @param mappingFile   the file name of the mapping (JSON)
 * @param method        how it was listed: {@code PIT} or {@code SCROLL}
 */
public record IndexInventory(String index, long documents, String contentDigest, String idDigest,
                             Map<String, String> settings, String mappingDigest, int mappedFields, String listingFile,
                             String mappingFile, String method) {

    /**
     * Validates and copies.
     *
     * @param index         the index
     * @param documents     documents
     * @param contentDigest content digest
     * @param idDigest      id digest
     * @param settings      settings
     * @param mappingDigest mapping digest
     * @param mappedFields  mapped fields
     * @param listingFile   listing file name
     * @param mappingFile   mapping file name
     * @param method        listing method
     */
    public IndexInventory {
        Objects.requireNonNull(index, "index");
        settings = settings == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(settings));
    }

    /**
     * The number of primary shards.
     *
     * @return the shards, 1 when unknown
     */
    public int shards() {
        return Integer.parseInt(settings.getOrDefault("index.number_of_shards", "1"));
    }
}
