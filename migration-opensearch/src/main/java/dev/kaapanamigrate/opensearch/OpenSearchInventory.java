package dev.kaapanamigrate.opensearch;

import dev.kaapanamigrate.core.ContextKey;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The inventory of Kaapana's indices taken while 0.4 ran ({@link BaselineStep}), shared as {@link #KEY}; the (id,
 * hash) listings and mappings are files in {@link #directory()} (the baseline step's file area in the state
 * directory). Plain data: Jackson writes and reads it, and it holds no credential.
 *
 * @param endpoint         the node it was taken from (scheme, host, port)
 * @param takenAt          when
 * @param directory        the folder of the listing and mapping files (absolute)
 * @param indices          every index inventoried, by name
 * @param seriesNotInAdmin documents of project indices whose id was not in {@code project_admin} then
 */
public record OpenSearchInventory(String endpoint, Instant takenAt, String directory, List<IndexInventory> indices,
                                  long seriesNotInAdmin) {

    /** The context key of the baseline taken while 0.4 ran. */
    public static final ContextKey<OpenSearchInventory> KEY = ContextKey.of("opensearch.baseline",
            OpenSearchInventory.class);

    /**
     * Validates and copies.
     *
     * @param endpoint         endpoint
     * @param takenAt          when
     * @param directory        files folder
     * @param indices          indices
     * @param seriesNotInAdmin series missing from project_admin
     */
    public OpenSearchInventory {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(directory, "directory");
        indices = List.copyOf(indices);
    }

    /**
     * Documents in all inventoried indices.
     *
     * @return the sum
     */
    public long documents() {
        return indices.stream().mapToLong(IndexInventory::documents).sum();
    }

    /**
     * One index's inventory.
     *
     * @param name the index
     * @return its inventory, or empty
     */
    public Optional<IndexInventory> index(String name) {
        return indices.stream().filter(i -> i.index().equals(name)).findFirst();
    }
}
