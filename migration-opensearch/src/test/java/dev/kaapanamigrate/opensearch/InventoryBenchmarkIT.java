package dev.kaapanamigrate.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StandaloneContext;
import dev.kaapanamigrate.testkit.backends.SearchNode;
import dev.kaapanamigrate.testkit.backends.TestBackends;
import dev.kaapanamigrate.testkit.internal.Digest;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;

/**
 * Opt-in ({@code -Dkaapana.bench=true}; size {@code -Dkaapana.bench.documents}, default 1,000,000): the inventory
 * ({@link BaselineStep}: listing, canonical hashes, external sort, compressed listing) against a raw loop over the same
 * node in the same run that pages through the index exactly as the inventory does (point in time, a slice per shard,
 * {@code search_after} on {@code _doc}, same page size, sources fetched, the total tracked on a slice's first page only)
 * and only counts the hits. Prints both times, the ratio raw/inventory (goal ≥ 0.9), the heap, and the CPU time this
 * JVM (node and client) spent in each, a figure that the load of a shared machine disturbs much less than the time.
 * Rounds: {@code -Dkaapana.bench.rounds} (default 3).
 */
@EnabledIfSystemProperty(named = "kaapana.bench", matches = "true")
class InventoryBenchmarkIT {

    @Test
    void inventoryAgainstARawSearchAfterLoop() throws Exception {
        int n = Integer.getInteger("kaapana.bench.documents", 1_000_000);
        try (SearchNode node = TestBackends.startEmbeddedSearchNode()) {
            long t0 = System.nanoTime();
            Digest expected = SyntheticDocuments.load(node.client(), "project_bench", n);
            System.out.printf("bench: loaded %d documents in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
            rawLoop(node.client(), 1000); // warm-up of both paths (node caches, JIT)
            assertThat(inventory(node.client())).isEqualTo(n);

            // alternate the two, three rounds each: the machine is shared, so compare the best and the median
            int rounds = Integer.getInteger("kaapana.bench.rounds", 3);
            double[] raw = new double[rounds];
            double[] inv = new double[rounds];
            double[] rawCpu = new double[rounds];
            double[] invCpu = new double[rounds];
            long peak = 0;
            for (int round = 0; round < rounds; round++) {
                long c0 = processCpu();
                long rawStart = System.currentTimeMillis();
                long r0 = System.nanoTime();
                long counted = rawLoop(node.client(), 1000);
                raw[round] = (System.nanoTime() - r0) / 1e9;
                rawCpu[round] = (processCpu() - c0) / 1e9;
                assertThat(counted).isEqualTo(n);
                ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
                c0 = processCpu();
                long invStart = System.currentTimeMillis();
                long i0 = System.nanoTime();
                long listed = inventory(node.client());
                inv[round] = (System.nanoTime() - i0) / 1e9;
                invCpu[round] = (processCpu() - c0) / 1e9;
                peak = Math.max(peak, peakHeap());
                assertThat(listed).isEqualTo(n);
                System.out.printf("bench: round %d phases (epoch ms): raw %d-%d, inventory %d-%d%n", round + 1, rawStart,
                        invStart, invStart, System.currentTimeMillis());
                System.out.printf("bench: round %d: raw %.2f s (CPU of this JVM %.2f s), inventory %.2f s (CPU %.2f s); "
                        + "load average %.1f%n", round + 1, raw[round], rawCpu[round], inv[round], invCpu[round],
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            }
            java.util.Arrays.sort(raw);
            java.util.Arrays.sort(inv);
            java.util.Arrays.sort(rawCpu);
            java.util.Arrays.sort(invCpu);
            System.out.printf("bench: CPU time of this JVM (node and client): raw best %.2f s / median %.2f s, inventory "
                    + "best %.2f s / median %.2f s%n", rawCpu[0], rawCpu[rounds / 2], invCpu[0], invCpu[rounds / 2]);
            System.out.printf("bench: %d documents: raw search_after loop best %.2f s / median %.2f s, inventory best "
                            + "%.2f s / median %.2f s; ratio raw/inventory best %.2f, median %.2f (goal >= 0.9); heap of "
                            + "this JVM (the node included) peak %.0f MiB during an inventory%n", n, raw[0],
                    raw[rounds / 2], inv[0], inv[rounds / 2], raw[0] / inv[0], raw[rounds / 2] / inv[rounds / 2],
                    peak / 1048576.0);
            System.out.println("bench: expected digest " + expected.content().digest());
        }
    }

    /** The inventory itself: the step's apply (its check and its verify, which re-reads the listing, are not timed). */
    private static long inventory(OpenSearchClient client) {
        try (StandaloneContext ctx = InventoryIT.context(PlatformState.SOURCE_RUNNING)) {
            ctx.enterStep(BaselineStep.ID);
            new BaselineStep(client, OpenSearchOptions.defaults()).apply(ctx);
            return ctx.require(OpenSearchInventory.KEY).documents();
        }
    }

    /** PIT, a slice per shard, search_after on _doc, sources fetched, the inventory's request body; counts hits only. */
    static long rawLoop(OpenSearchClient client, int pageSize) throws Exception {
        String pit;
        try (Response r = client.generic().execute(Requests.builder().method("POST")
                .endpoint("/project_bench/_search/point_in_time?keep_alive=2m").build())) {
            pit = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.getBody().orElseThrow().bodyAsBytes())
                    .path("pit_id").asText();
        }
        long count = 0;
        JsonFactory json = new JsonFactory();
        for (int slice = 0; slice < 4; slice++) {
            String after = null;
            while (true) {
                String body = "{\"size\":" + pageSize + ",\"pit\":{\"id\":\"" + pit + "\",\"keep_alive\":\"2m\"},"
                        + "\"sort\":[{\"_doc\":\"asc\"}],\"slice\":{\"id\":" + slice + ",\"max\":4}"
                        + ",\"track_total_hits\":" + (after == null)
                        + (after == null ? "" : ",\"search_after\":[" + after + "]") + "}";
                int hits = 0;
                String last = null;
                try (Response r = client.generic().execute(Requests.builder().method("POST").endpoint("/_search")
                        .json(body).build()); Body b = r.getBody().orElseThrow(); InputStream in = b.body();
                     JsonParser p = json.createParser(in)) {
                    // walk the tokens; count the hits, keep the last sort value
                    int depth = 0;
                    boolean inSort = false;
                    for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                        if (t == JsonToken.FIELD_NAME && p.currentName().equals("_id") && depth == 4) {
                            hits++;
                        } else if (t == JsonToken.FIELD_NAME && p.currentName().equals("sort") && depth == 4) {
                            inSort = true;
                        } else if (inSort && t.isNumeric()) {
                            last = p.getText();
                            inSort = false;
                        } else if (t == JsonToken.FIELD_NAME && p.currentName().equals("_source")) {
                            p.nextToken();
                            p.skipChildren();
                        }
                        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                            depth++;
                        } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                            depth--;
                        }
                    }
                }
                count += hits;
                if (hits < pageSize) {
                    break;
                }
                after = last;
            }
        }
        try (Response r = client.generic().execute(Requests.builder().method("DELETE").endpoint("/_search/point_in_time")
                .json("{\"pit_id\":[\"" + pit + "\"]}").build())) {
            r.getStatus();
        }
        return count;
    }

    /** CPU time of this JVM's threads (node included), nanoseconds. */
    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
