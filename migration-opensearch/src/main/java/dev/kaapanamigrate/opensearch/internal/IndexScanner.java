package dev.kaapanamigrate.opensearch.internal;

import dev.kaapanamigrate.core.SetDigest;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.opensearch.OpenSearchErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists every document of an index as (id, canonical hash of {@code _source}), streaming: a point in time (PIT) read
 * one shard at a time (a slice per shard), sorted by Lucene's {@code _doc} with {@code search_after} (OpenSearch 2.x
 * has no {@code _shard_doc} tiebreaker, and {@code _doc} is unique only within a shard); a scroll sorted by
 * {@code _doc} where the node has no PIT (older than 2.4) or the user may not open one. Each page is parsed as it
 * arrives, without a document tree; the listing ends with a count check against the PIT's total.
 */
public final class IndexScanner {

    private static final Logger LOG = LoggerFactory.getLogger(IndexScanner.class);
    private static final JsonFactory JSON = new JsonFactory();
    /** The hash given to a hit without a source (an index with {@code _source} disabled). */
    private static final byte[] NO_SOURCE = new byte[CanonicalJson.HASH_BYTES];

    /** How the listing was read. */
    public enum Method {
        /** Point in time, a slice per shard, {@code search_after} on {@code _doc}. */
        PIT,
        /** Scroll sorted by {@code _doc}. */
        SCROLL
    }

    /** Receives the listed documents. */
    @FunctionalInterface
    public interface Sink {
        /**
         * One document.
         *
         * @param e the document
         * @throws IOException when it cannot be kept
         */
        void accept(Listing.Entry e) throws IOException;
    }

    /**
     * What a scan found.
     *
     * @param documents     documents listed
     * @param contentDigest the order-independent digest of (id, hash)
     * @param idDigest      the order-independent digest of the ids
     * @param method        how it was listed
     * @param requests      search requests sent
     */
    public record Result(long documents, String contentDigest, String idDigest, Method method, long requests) {
    }

    private final Endpoint endpoint;
    private final int pageSize;
    private final String keepAlive;
    private final boolean forceScroll;
    private final CanonicalJson canonical = new CanonicalJson();

    /**
     * Creates a scanner.
     *
     * @param endpoint    the endpoint
     * @param pageSize    documents per page
     * @param keepAlive   how long the node keeps the PIT or scroll between pages, for example {@code 2m}
     * @param forceScroll list with a scroll even where a PIT is possible
     */
    public IndexScanner(Endpoint endpoint, int pageSize, String keepAlive, boolean forceScroll) {
        this.endpoint = endpoint;
        this.pageSize = pageSize;
        this.keepAlive = keepAlive;
        this.forceScroll = forceScroll;
    }

    /**
     * Lists an index.
     *
     * @param index  the index
     * @param shards its number of primary shards
     * @param sink   receives every document
     * @return counts and digests
     */
    public Result scan(String index, int shards, Sink sink) {
        Digests digests = new Digests(sink);
        if (!forceScroll) {
            String pit = openPit(index);
            if (pit != null) {
                return scanPit(index, shards, pit, digests);
            }
        }
        return scanScroll(index, digests);
    }

    private String openPit(String index) {
        Endpoint.Reply r = endpoint.call("POST", "/" + index + "/_search/point_in_time?keep_alive=" + keepAlive, null);
        if (r.ok()) {
            return r.json().path("pit_id").asText(null);
        }
        if (r.status() == 404 && "index_not_found_exception".equals(r.errorType())) {
            throw endpoint.failure("opening a point in time on index " + index, r);
        }
        if (r.status() == 400 || r.status() == 403 || r.status() == 404 || r.status() == 405) {
            LOG.info("No point in time on {} at {} ({} {}): listing with a scroll", index, endpoint.name(), r.status(),
                    r.shortReason());
            return null;
        }
        throw endpoint.failure("opening a point in time on index " + index, r);
    }

    /**
     * Pages are pipelined: as soon as a page's bytes have arrived, the next page is requested (its search_after value
     * is the last {@code "sort":[…]} of the page, found by a scan from the end), and the page is parsed and hashed
     * while the node prepares the next one. The value is checked against the fully parsed page; a mismatch discards
     * the prefetched page and asks again.
     */
    private Result scanPit(String index, int shards, String firstPit, Digests d) {
        String pit = firstPit;
        long requests = 0;
        long expected = 0;
        java.util.concurrent.ExecutorService fetcher = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "opensearch-inventory-fetch");
            t.setDaemon(true);
            return t;
        });
        try {
            int slices = Math.max(1, shards);
            for (int slice = 0; slice < slices; slice++) {
                String after = null;
                java.util.concurrent.Future<byte[]> pending = fetcher.submit(fetch(index, pit, slice, slices, null));
                requests++;
                while (true) {
                    byte[] body = await(pending);
                    String guess = lastSort(body);
                    pending = guess == null ? null : fetcher.submit(fetch(index, pit, slice, slices, guess));
                    Page page = readPage(new java.io.ByteArrayInputStream(body), d);
                    if (page.pitId != null) {
                        pit = page.pitId;
                    }
                    if (after == null) {
                        expected += page.total;
                    }
                    if (page.hits == 0 || page.hits < pageSize) {
                        if (pending != null) {
                            pending.cancel(false);
                            await(pending, true);
                        }
                        break;
                    }
                    after = page.lastSort;
                    if (pending == null || !after.equals(guess)) {
                        if (pending != null) {
                            await(pending, true);
                        }
                        pending = fetcher.submit(fetch(index, pit, slice, slices, after));
                    }
                    requests++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading a page of index " + index + " from " + endpoint.name() + " failed: "
                    + e.getMessage(), e);
        } finally {
            fetcher.shutdownNow();
            closePit(pit);
        }
        if (d.content.count() != expected) {
            throw new MigrationException(Problem.of(OpenSearchErrorCode.REQUEST_FAILED,
                    "the listing of index " + index + " at " + endpoint.name() + " returned " + d.content.count()
                            + " documents, its point in time holds " + expected,
                    "every document listed exactly once", "run again; if it repeats, check the cluster's health"), null);
        }
        return new Result(d.content.count(), d.content.hex(), d.ids.hex(), Method.PIT, requests);
    }

    private java.util.concurrent.Callable<byte[]> fetch(String index, String pit, int slice, int slices, String after) {
        StringBuilder body = new StringBuilder(256).append("{\"size\":").append(pageSize)
                .append(",\"pit\":{\"id\":").append(quote(pit)).append(",\"keep_alive\":")
                .append(quote(keepAlive)).append("},\"sort\":[{\"_doc\":\"asc\"}]");
        if (slices > 1) {
            body.append(",\"slice\":{\"id\":").append(slice).append(",\"max\":").append(slices).append('}');
        }
        body.append(",\"track_total_hits\":").append(after == null);
        if (after != null) {
            body.append(",\"search_after\":[").append(after).append(']');
        }
        String json = body.append('}').toString();
        return () -> {
            Endpoint.Reply r = endpoint.call("POST", "/_search", json);
            if (!r.ok()) {
                throw endpoint.failure("listing index " + index, r);
            }
            return r.body();
        };
    }

    private static byte[] await(java.util.concurrent.Future<byte[]> f) {
        return await(f, false);
    }

    private static byte[] await(java.util.concurrent.Future<byte[]> f, boolean discard) {
        try {
            return f.get();
        } catch (java.util.concurrent.CancellationException e) {
            return new byte[0];
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (discard) {
                return new byte[0];
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static final byte[] SORT = "\"sort\":[".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** The content of the last {@code "sort":[…]} of a page (the last hit's sort values), or {@code null}. */
    static String lastSort(byte[] body) {
        outer:
        for (int i = body.length - SORT.length; i >= 0; i--) {
            for (int k = 0; k < SORT.length; k++) {
                if (body[i + k] != SORT[k]) {
                    continue outer;
                }
            }
            int from = i + SORT.length;
            int to = from;
            while (to < body.length && body[to] != ']') {
                to++;
            }
            return to < body.length && to > from
                    ? new String(body, from, to - from, java.nio.charset.StandardCharsets.UTF_8) : null;
        }
        return null;
    }

    private void closePit(String pit) {
        try {
            Endpoint.Reply r = endpoint.call("DELETE", "/_search/point_in_time", "{\"pit_id\":[" + quote(pit) + "]}");
            if (!r.ok()) {
                LOG.debug("Closing a point in time at {} answered {}", endpoint.name(), r.status());
            }
        } catch (RuntimeException e) {
            LOG.debug("Closing a point in time at {} failed: {}", endpoint.name(), e.toString());
        }
    }

    private Result scanScroll(String index, Digests d) {
        long requests = 1;
        Page page = endpoint.stream("POST", "/" + index + "/_search?scroll=" + keepAlive,
                "{\"size\":" + pageSize + ",\"sort\":[\"_doc\"],\"track_total_hits\":true}", in -> readPage(in, d),
                reply -> endpoint.failure("listing index " + index + " with a scroll", reply));
        long expected = page.total;
        String scrollId = page.scrollId;
        try {
            while (page.hits > 0 && scrollId != null) {
                String id = scrollId;
                page = endpoint.stream("POST", "/_search/scroll",
                        "{\"scroll\":" + quote(keepAlive) + ",\"scroll_id\":" + quote(id) + "}", in -> readPage(in, d),
                        reply -> endpoint.failure("continuing the scroll of index " + index, reply));
                requests++;
                if (page.scrollId != null) {
                    scrollId = page.scrollId;
                }
            }
        } finally {
            if (scrollId != null) {
                try {
                    endpoint.call("DELETE", "/_search/scroll", "{\"scroll_id\":[" + quote(scrollId) + "]}");
                } catch (RuntimeException e) {
                    LOG.debug("Clearing a scroll at {} failed: {}", endpoint.name(), e.toString());
                }
            }
        }
        if (d.content.count() != expected) {
            throw new MigrationException(Problem.of(OpenSearchErrorCode.REQUEST_FAILED,
                    "the scroll over index " + index + " at " + endpoint.name() + " returned " + d.content.count()
                            + " documents of " + expected,
                    "every document listed exactly once", "run again; if it repeats, check the cluster's health"), null);
        }
        return new Result(d.content.count(), d.content.hex(), d.ids.hex(), Method.SCROLL, requests);
    }

    /** The digests of a scan and where its entries go. */
    private static final class Digests {
        final SetDigest content = new SetDigest();
        final SetDigest ids = new SetDigest();
        final Sink sink;

        Digests(Sink sink) {
            this.sink = sink;
        }

        void add(String id, byte[] hash) throws IOException {
            byte[] utf8 = id.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            content.addIdAndHash(utf8, hash);
            ids.addId(utf8);
            sink.accept(new Listing.Entry(id, hash));
        }
    }

    private static final class Page {
        String pitId;
        String scrollId;
        long total;
        int hits;
        /** The sort values of the hit read last, as JSON (reused from hit to hit; only the last one is kept). */
        final StringBuilder sort = new StringBuilder();
        boolean sorted;
        String lastSort;
    }

    private Page readPage(InputStream in, Digests d) throws IOException {
        Page page = new Page();
        try (JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a search answer must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "pit_id" -> page.pitId = p.getValueAsString();
                    case "_scroll_id" -> page.scrollId = p.getValueAsString();
                    case "hits" -> readHits(p, page, d);
                    default -> p.skipChildren();
                }
                if (t == null) {
                    break;
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        page.lastSort = page.sorted ? page.sort.toString() : null;
        return page;
    }

    private void readHits(JsonParser p, Page page, Digests d) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals("total")) {
                if (p.currentToken() == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String f = p.currentName();
                        p.nextToken();
                        if (f.equals("value")) {
                            page.total = p.getLongValue();
                        } else {
                            p.skipChildren();
                        }
                    }
                } else if (p.currentToken().isNumeric()) {
                    page.total = p.getLongValue();
                }
            } else if (field.equals("hits")) {
                for (JsonToken t = p.nextToken(); t == JsonToken.START_OBJECT; t = p.nextToken()) {
                    readHit(p, page, d);
                }
            } else {
                p.skipChildren();
            }
        }
    }

    private void readHit(JsonParser p, Page page, Digests d) throws IOException {
        String id = null;
        byte[] hash = NO_SOURCE;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "_id" -> id = p.getText();
                case "_source" -> hash = canonical.hash(p);
                case "sort" -> {
                    if (t == JsonToken.START_ARRAY) {
                        StringBuilder sort = page.sort;
                        sort.setLength(0);
                        for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
                            if (sort.length() > 0) {
                                sort.append(',');
                            }
                            if (v == JsonToken.VALUE_STRING) {
                                sort.append(quote(p.getText()));
                            } else {
                                sort.append(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                            }
                        }
                        page.sorted = true;
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (id == null) {
            throw new IOException("a search hit without _id");
        }
        page.hits++;
        d.add(id, hash);
    }

    /**
     * A JSON string literal.
     *
     * @param s the text
     * @return the quoted, escaped text
     */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
