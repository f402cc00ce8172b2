package dev.kaapanamigrate.opensearch.internal;

import dev.kaapanamigrate.core.SetDigest;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.opensearch.OpenSearchErrorCode;
import java.io.IOException;
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
                    Page page = readPage(body, d);
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
                "{\"size\":" + pageSize + ",\"sort\":[\"_doc\"],\"track_total_hits\":true}",
                in -> readPage(in.readAllBytes(), d),
                reply -> endpoint.failure("listing index " + index + " with a scroll", reply));
        long expected = page.total;
        String scrollId = page.scrollId;
        try {
            while (page.hits > 0 && scrollId != null) {
                String id = scrollId;
                page = endpoint.stream("POST", "/_search/scroll",
                        "{\"scroll\":" + quote(keepAlive) + ",\"scroll_id\":" + quote(id) + "}",
                        in -> readPage(in.readAllBytes(), d),
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

        void add(String id, byte[] utf8, byte[] hash) throws IOException {
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
        /** The sort values of the last hit that had any, as the JSON text between its brackets. */
        String lastSort;
    }

    private static final byte[][] PAGE_FIELDS = names("pit_id", "_scroll_id", "hits");
    private static final byte[][] HITS_FIELDS = names("total", "hits");
    private static final byte[][] TOTAL_FIELDS = names("value");
    private static final byte[][] HIT_FIELDS = names("_id", "_source", "sort");

    private static byte[][] names(String... names) {
        byte[][] out = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            out[i] = names[i].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        return out;
    }

    /**
     * Reads a search answer straight from its bytes ({@link JsonCursor}): the PIT or scroll id, the total, and per hit
     * its id, the canonical hash of its source and its sort values (kept as the JSON text between the brackets).
     */
    private Page readPage(byte[] body, Digests d) throws IOException {
        Page page = new Page();
        JsonCursor c = new JsonCursor(body);
        if (!c.openEmpty('{', '}')) {
            do {
                int field = c.name(PAGE_FIELDS);
                c.expect(':');
                switch (field) {
                    case 0 -> page.pitId = c.string();
                    case 1 -> page.scrollId = c.string();
                    case 2 -> readHits(c, page, d);
                    default -> c.skipValue();
                }
            } while (c.next('}'));
        }
        if (!c.atEnd()) {
            throw c.unexpected("the end of the answer");
        }
        return page;
    }

    private void readHits(JsonCursor c, Page page, Digests d) throws IOException {
        if (c.openEmpty('{', '}')) {
            return;
        }
        do {
            int field = c.name(HITS_FIELDS);
            c.expect(':');
            if (field == 0 && c.peek() == '{') {
                if (!c.openEmpty('{', '}')) {
                    do {
                        boolean value = c.name(TOTAL_FIELDS) == 0;
                        c.expect(':');
                        if (value) {
                            page.total = longValue(c);
                        } else {
                            c.skipValue();
                        }
                    } while (c.next('}'));
                }
            } else if (field == 0) {
                page.total = longValue(c);
            } else if (field == 1 && !c.openEmpty('[', ']')) {
                do {
                    readHit(c, page, d);
                } while (c.next(']'));
            } else if (field != 1) {
                c.skipValue();
            }
        } while (c.next('}'));
    }

    private static long longValue(JsonCursor c) throws IOException {
        int from = c.number();
        try {
            return Long.parseLong(new String(c.bytes(), from, c.position() - from,
                    java.nio.charset.StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException e) {
            throw new IOException("a search answer's total is not a whole number", e);
        }
    }

    private void readHit(JsonCursor c, Page page, Digests d) throws IOException {
        String id = null;
        byte[] idUtf8 = null;
        byte[] hash = NO_SOURCE;
        if (!c.openEmpty('{', '}')) {
            do {
                int field = c.name(HIT_FIELDS);
                c.expect(':');
                if (field == 0) {
                    id = c.string();
                    idUtf8 = id.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                } else if (field == 1) {
                    hash = canonical.hash(c);
                } else if (field == 2 && c.peek() == '[') {
                    int from = c.position() + 1;
                    c.skipValue();
                    String values = new String(c.bytes(), from, c.position() - 1 - from,
                            java.nio.charset.StandardCharsets.UTF_8).strip();
                    if (!values.isEmpty()) {
                        page.lastSort = values;
                    }
                } else {
                    c.skipValue();
                }
            } while (c.next('}'));
        }
        if (id == null) {
            throw new IOException("a search hit without _id");
        }
        page.hits++;
        d.add(id, idUtf8, hash);
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
