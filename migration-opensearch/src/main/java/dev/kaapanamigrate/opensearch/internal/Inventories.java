package dev.kaapanamigrate.opensearch.internal;

import dev.kaapanamigrate.core.RecordFile;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kaapanamigrate.core.CrashPoints;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.domain.KaapanaNames;
import dev.kaapanamigrate.opensearch.IndexInventory;
import dev.kaapanamigrate.opensearch.OpenSearchOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Inventories a set of indices into a folder: a sorted listing and the mapping per index, settings captured. */
public final class Inventories {

    private static final Logger LOG = LoggerFactory.getLogger(Inventories.class);

    /** The flat settings an inventory keeps. */
    static final Set<String> KEPT_SETTINGS = Set.of("index.number_of_shards", "index.number_of_replicas",
            "index.mapping.total_fields.limit", "index.max_docvalue_fields_search", "index.uuid", "index.creation_date",
            "index.version.created");

    /** Sort runs spilled by every inventory of this JVM so far (for tests and benchmarks). */
    private static final java.util.concurrent.atomic.AtomicLong SPILLED = new java.util.concurrent.atomic.AtomicLong();

    /** Entries per batch handed to the listing writer's thread. */
    static final int LISTING_BATCH = 1000;
    /** Full batches that may wait for the listing writer (bounds the memory of the hand-off). */
    static final int LISTING_BATCHES = 4;

    private final Endpoint endpoint;
    private final OpenSearchOptions options;

    /**
     * Creates an inventory taker.
     *
     * @param endpoint the endpoint
     * @param options  the options
     */
    public Inventories(Endpoint endpoint, OpenSearchOptions options) {
        this.endpoint = endpoint;
        this.options = options;
    }

    /**
     * The flat settings of every open {@code project_*} index and of the given ones, by index name.
     *
     * @param extra indices that must exist besides {@code project_*}
     * @return settings per index, sorted by name
     */
    public Map<String, Map<String, String>> settings(Iterable<String> extra) {
        Map<String, Map<String, String>> all = new TreeMap<>();
        read(KaapanaNames.INDEX_PATTERN, all);
        Set<String> wanted = new TreeSet<>();
        extra.forEach(wanted::add);
        wanted.removeAll(all.keySet());
        if (!wanted.isEmpty()) {
            read(String.join(",", wanted), all);
        }
        return all;
    }

    private void read(String target, Map<String, Map<String, String>> into) {
        Endpoint.Reply r = endpoint.call("GET", "/" + target + "/_settings?flat_settings=true", null);
        if (!r.ok()) {
            throw endpoint.failure("reading the settings of " + target, r);
        }
        for (Map.Entry<String, JsonNode> e : r.json().properties()) {
            Map<String, String> kept = new TreeMap<>();
            for (Map.Entry<String, JsonNode> setting : e.getValue().path("settings").properties()) {
                if (KEPT_SETTINGS.contains(setting.getKey())) {
                    kept.put(setting.getKey(), setting.getValue().asText());
                }
            }
            into.put(e.getKey(), kept);
        }
    }

    /**
     * Inventories indices into a folder. Each index's listing is merged into its sorted file on a thread of its own
     * while the next index is scanned (in name order, {@code project_admin}, which holds every series, comes first
     * among Kaapana's indices), so only the last index's merge follows the last page of all; at most one merge runs at
     * a time, which keeps the memory bounded by two sort budgets.
     *
     * @param indices  settings per index, as {@link #settings} returns them
     * @param folder   where the listings and mappings go (created)
     * @param ctx      for progress, or {@code null}
     * @return one inventory per index, in name order
     */
    public List<IndexInventory> take(Map<String, Map<String, String>> indices, Path folder, MigrationContext ctx) {
        java.util.concurrent.ExecutorService merger = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "opensearch-inventory-merge");
            t.setDaemon(true);
            return t;
        });
        Merging merging = null;
        try {
            Files.createDirectories(folder);
            List<IndexInventory> out = new ArrayList<>();
            IndexScanner scanner = new IndexScanner(endpoint, options.pageSize(), options.keepAlive(),
                    options.scrollOnly());
            for (Map.Entry<String, Map<String, String>> e : indices.entrySet()) {
                if (merging != null && merging.done().isDone()) { // taken up now: one that failed stops the next scan
                    Merging previous = merging;
                    merging = null;
                    finished(previous, indices.size(), ctx);
                }
                String index = e.getKey();
                long t0 = System.nanoTime();
                String listingFile = fileName(index) + ".listing";
                String mappingFile = fileName(index) + ".mapping.json";
                JsonNode mapping = mapping(index);
                Files.write(folder.resolve(mappingFile), Endpoint.JSON.writeValueAsBytes(mapping));
                int shards = Integer.parseInt(e.getValue().getOrDefault("index.number_of_shards", "1"));
                RecordFile.SortingWriter<Listing.Entry> writer = Listing.sorted(folder.resolve(listingFile),
                        options.sortBudgetBytes());
                boolean handedOver = false;
                try {
                    IndexScanner.Result result;
                    // the listing is sorted and written on a thread of its own while the next pages are hashed
                    try (AsyncSink sink = new AsyncSink(writer::add, LISTING_BATCH, LISTING_BATCHES,
                            "opensearch-inventory-listing")) {
                        result = scanner.scan(index, shards, sink);
                    }
                    long scanned = System.nanoTime();
                    if (merging != null) {
                        Merging previous = merging;
                        merging = null;
                        finished(previous, indices.size(), ctx);
                    }
                    Map<String, String> fields = Mappings.fields(mapping);
                    IndexInventory inventory = new IndexInventory(index, result.documents(), result.contentDigest(),
                            result.idDigest(), e.getValue(), Mappings.digest(mapping), fields.size(), listingFile,
                            mappingFile, result.method().name());
                    merging = new Merging(inventory, result, writer, t0, scanned, out.size() + 1,
                            merger.submit(() -> merge(writer)));
                    handedOver = true;
                    out.add(inventory);
                } finally {
                    if (!handedOver) {
                        writer.close(); // removes the unfinished listing
                    }
                }
            }
            if (merging != null) {
                finished(merging, indices.size(), ctx);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("writing the inventory to " + folder + " failed: " + e.getMessage(), e);
        } finally {
            // After a failure a merge may still run: it is stopped (removing what it left unfinished) and waited for, so
            // that nothing writes into the folder once the inventory has returned or thrown.
            merger.shutdownNow();
            awaitTermination(merger);
        }
    }

    /** An index whose scan is done and whose listing is being merged into its file. */
    private record Merging(IndexInventory inventory, IndexScanner.Result result,
                           RecordFile.SortingWriter<Listing.Entry> writer, long started, long scanned, int position,
                           java.util.concurrent.Future<Long> done) {
    }

    /** Merges a listing into its sorted file; closing without a finish (a failure) removes it. */
    private static long merge(RecordFile.SortingWriter<Listing.Entry> writer) throws IOException {
        long start = System.nanoTime();
        try (writer) {
            writer.finish();
        }
        return System.nanoTime() - start;
    }

    /** Waits for an index's merge, then logs it, reports progress and reaches its crash point. */
    private void finished(Merging m, int indices, MigrationContext ctx) throws IOException {
        long mergeNanos;
        long waitStart = System.nanoTime();
        try {
            mergeNanos = m.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while merging the listing of "
                    + m.inventory().index());
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("merging the listing of " + m.inventory().index() + " failed: " + e.getCause(),
                    e.getCause());
        }
        long end = System.nanoTime();
        String index = m.inventory().index();
        LOG.info("Inventoried {} at {}: {} documents listed in {} ms ({}, {} requests); the listing's {} sorted runs "
                        + "merged in {} ms on a thread of its own, {} ms waited for", index, endpoint.name(),
                m.result().documents(), (m.scanned() - m.started()) / 1_000_000, m.result().method(),
                m.result().requests(), m.writer().runs(), mergeNanos / 1_000_000, (end - waitStart) / 1_000_000);
        SPILLED.addAndGet(m.writer().runs());
        if (ctx != null) {
            ctx.progress(m.position(), indices, "indices inventoried", index);
        }
        CrashPoints.reach("opensearch.inventory:inventoried", index);
    }

    /** Waits for the merging thread to end, even when interrupted (the interrupt is kept for the caller). */
    private static void awaitTermination(java.util.concurrent.ExecutorService merger) {
        boolean interrupted = false;
        while (true) {
            try {
                if (merger.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)) {
                    break;
                }
                LOG.info("Waiting for the listing merge to stop");
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The mapping of an index ({@code mappings} of {@code GET /index/_mapping}).
     *
     * @param index the index
     * @return the mapping
     */
    public JsonNode mapping(String index) {
        Endpoint.Reply r = endpoint.call("GET", "/" + index + "/_mapping", null);
        if (!r.ok()) {
            throw endpoint.failure("reading the mapping of index " + index, r);
        }
        JsonNode node = r.json().path(index).path("mappings");
        return node.isMissingNode() ? Endpoint.JSON.createObjectNode() : node;
    }

    /**
     * A file name for an index (index names are lower-case and have no path separators).
     *
     * @param index the index
     * @return the name
     */
    public static String fileName(String index) {
        return index.replaceAll("[^a-z0-9._+-]", "_");
    }

    /**
     * Documents per index without each of the given fields, counted by the node ({@code _count}).
     *
     * @param index  the index
     * @param fields the fields
     * @return per field, the documents without it
     */
    public Map<String, Long> missingFields(String index, List<String> fields) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String field : fields) {
            Endpoint.Reply r = endpoint.call("POST", "/" + index + "/_count",
                    "{\"query\":{\"bool\":{\"must_not\":{\"exists\":{\"field\":" + IndexScanner.quote(field) + "}}}}}");
            if (!r.ok()) {
                throw endpoint.failure("counting documents of " + index + " without field " + field, r);
            }
            out.put(field, r.json().path("count").asLong());
        }
        return out;
    }

    /**
     * Sorted runs spilled to disk by every inventory of this JVM so far (0 when every listing came in order or fit in
     * its memory budget), for tests and benchmarks.
     *
     * @return the runs
     */
    public static long sortRunsSpilled() {
        return SPILLED.get();
    }
}
