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
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * and only counts the hits. Prints both times, the ratio raw/inventory (goal ≥ 0.9), the heap, and the CPU time the
 * node and the client spent in each, a figure that the load of a shared machine disturbs much less than the time.
 * The same loop pipelined as the inventory is (next page requested while the current one is counted) is timed too,
 * and its ratio to the inventory is printed per round with the median of those rounds. On Linux, each round also prints
 * the client's CPU time by thread for the pipelined loop and the inventory: where the inventory's extra work goes.
 * Rounds: {@code -Dkaapana.bench.rounds} (default 3). {@code -Dkaapana.bench.second=N} adds a second, smaller index
 * of N documents after the first by name (as Kaapana's project indices follow {@code project_admin}): the inventory's
 * merge of the first index then runs beside the scan of the second, and the raw loops list both. The node runs in a
 * JVM of its own, as in production ({@link SearchNodeMain}); {@code -Dkaapana.bench.node=in-process} runs it in the
 * test JVM instead, where the client's garbage collections stop the node too. {@code -Dkaapana.bench.pin=true} (Linux,
 * {@code taskset}) puts the node on CPU 0 and this JVM on the others, as on a host with cores to spare, where the
 * client's work does not take CPU time from the node; by default both share every CPU.
 * {@code -Dkaapana.bench.sortBudgetMiB=N} sets the inventory's sort memory (default:
 * {@link OpenSearchOptions#defaults()}'s); {@code -Dkaapana.bench.otherBudgetMiB=N} adds a second
 * inventory per round with N MiB (first in every other round) and prints both ratios, an A/B within one run.
 */
@EnabledIfSystemProperty(named = "kaapana.bench", matches = "true")
class InventoryBenchmarkIT {

    private static final JsonFactory JSON = new JsonFactory();

    @Test
    void inventoryAgainstARawSearchAfterLoop() throws Exception {
        if (System.getProperty("kaapana.bench.node", "forked").equals("in-process")) {
            try (SearchNode node = TestBackends.startEmbeddedSearchNode()) {
                compare(node.client(), () -> 0L, "in this JVM");
            }
        } else if (Boolean.getBoolean("kaapana.bench.pin")) {
            // As on a host with cores to spare: the node on CPU 0, this JVM (every thread) on the others.
            int cpus = Runtime.getRuntime().availableProcessors();
            assertThat(cpus).as("CPUs to split between node and client").isGreaterThanOrEqualTo(2);
            try (SearchNodeMain.Forked node = new SearchNodeMain.Forked("0")) {
                String client = cpus == 2 ? "1" : "1-" + (cpus - 1);
                Process pin = new ProcessBuilder("taskset", "-a", "-p", "-c", client,
                        Long.toString(ProcessHandle.current().pid())).redirectErrorStream(true).start();
                assertThat(pin.waitFor()).as("taskset of this JVM").isZero();
                compare(node.client(), node::cpuNanos, "in a JVM of its own on CPU 0, the client on CPU " + client);
            }
        } else {
            try (SearchNodeMain.Forked node = new SearchNodeMain.Forked()) {
                compare(node.client(), node::cpuNanos, "in a JVM of its own");
            }
        }
    }

    private static void compare(OpenSearchClient client, java.util.function.LongSupplier nodeCpu, String where)
            throws Exception {
        int n = Integer.getInteger("kaapana.bench.documents", 1_000_000);
        long t0 = System.nanoTime();
        Digest expected = SyntheticDocuments.load(client, INDICES.get(0), n);
        int second = Integer.getInteger("kaapana.bench.second", 0);
        List<String> indices = second > 0 ? INDICES : INDICES.subList(0, 1);
        if (second > 0) {
            SyntheticDocuments.load(client, INDICES.get(1), second);
            n += second;
        }
        System.out.printf("bench: loaded %d documents in %.1f s into a node %s%n", n, (System.nanoTime() - t0) / 1e9,
                where);
        rawLoop(client, indices, 1000); // warm-up of all paths (node caches, JIT)
        assertThat(rawPipelined(client, indices, 1000)).isEqualTo(n);
        assertThat(inventory(client)).isEqualTo(n);

        // alternate the three: the machine may be shared, so compare the best and the median of the rounds
        int rounds = Integer.getInteger("kaapana.bench.rounds", 3);
        double[] raw = new double[rounds];
        double[] piped = new double[rounds];
        double[] inv = new double[rounds];
        double[] rawCpu = new double[rounds];
        double[] pipedCpu = new double[rounds];
        double[] invCpu = new double[rounds];
        long peak = 0;
        Integer otherMiB = Integer.getInteger("kaapana.bench.otherBudgetMiB");
        double[] other = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            if (otherMiB != null && round % 2 == 1) { // the second inventory first in every other round
                other[round] = timedInventory(client, (long) otherMiB << 20, n);
            }
            long c0 = processCpu() + nodeCpu.getAsLong();
            long r0 = System.nanoTime();
            assertThat(rawLoop(client, indices, 1000)).isEqualTo(n);
            raw[round] = (System.nanoTime() - r0) / 1e9;
            rawCpu[round] = (processCpu() + nodeCpu.getAsLong() - c0) / 1e9;
            c0 = processCpu() + nodeCpu.getAsLong();
            java.util.Map<String, Long> pipedThreads = threadCpu();
            long pipedClient0 = processCpu();
            r0 = System.nanoTime();
            assertThat(rawPipelined(client, indices, 1000)).isEqualTo(n);
            piped[round] = (System.nanoTime() - r0) / 1e9;
            pipedCpu[round] = (processCpu() + nodeCpu.getAsLong() - c0) / 1e9;
            pipedThreads = since(pipedThreads, processCpu() - pipedClient0);
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            long clientCpu0 = processCpu();
            c0 = clientCpu0 + nodeCpu.getAsLong();
            java.util.Map<String, Long> invThreads = threadCpu();
            long i0 = System.nanoTime();
            long listed = inventory(client);
            inv[round] = (System.nanoTime() - i0) / 1e9;
            long clientCpu = processCpu() - clientCpu0;
            invThreads = since(invThreads, clientCpu);
            invCpu[round] = (processCpu() + nodeCpu.getAsLong() - c0) / 1e9;
            peak = Math.max(peak, peakHeap());
            assertThat(listed).isEqualTo(n);
            if (otherMiB != null && round % 2 == 0) {
                other[round] = timedInventory(client, (long) otherMiB << 20, n);
            }
            if (otherMiB != null) {
                System.out.printf("bench: round %d: inventory with %d MiB of sort memory %.2f s%n", round + 1,
                        otherMiB, other[round]);
            }
            System.out.printf("bench: round %d: raw %.2f s (CPU %.2f s), raw pipelined %.2f s (CPU %.2f s), "
                    + "inventory %.2f s (CPU %.2f s, of which the client's %.2f s); load average %.1f%n", round + 1,
                    raw[round], rawCpu[round], piped[round], pipedCpu[round], inv[round], invCpu[round],
                    clientCpu / 1e9, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            if (!invThreads.isEmpty()) {
                System.out.printf("bench: round %d: client CPU by thread, raw pipelined: %s; inventory: %s%n", round + 1,
                        describe(pipedThreads), describe(invThreads));
            }
        }
        double[] pipedByOther = new double[rounds];
        double[] pipedByInv = new double[rounds];
        for (int round = 0; round < rounds; round++) { // per round, before the sorting below
            pipedByOther[round] = piped[round] / other[round];
            pipedByInv[round] = piped[round] / inv[round];
        }
        String perRound = java.util.Arrays.stream(pipedByInv).mapToObj(r -> String.format("%.2f", r))
                .collect(java.util.stream.Collectors.joining(", "));
        for (double[] a : new double[][] {raw, piped, inv, rawCpu, pipedCpu, invCpu, other, pipedByOther,
                pipedByInv}) {
            java.util.Arrays.sort(a);
        }
        int m = rounds / 2;
        if (otherMiB != null) {
            System.out.printf("bench: sort memory %d MiB against %d MiB, pipelined raw/inventory per round: median "
                    + "%.2f against %.2f; inventory median %.2f s against %.2f s%n",
                    sortBudgetBytes() >> 20, otherMiB, pipedByInv[m], pipedByOther[m], inv[m],
                    other[m]);
        }
        System.out.printf("bench: CPU time (node and client): raw best %.2f s / median %.2f s, raw pipelined best "
                + "%.2f s / median %.2f s, inventory best %.2f s / median %.2f s%n", rawCpu[0], rawCpu[m], pipedCpu[0],
                pipedCpu[m], invCpu[0], invCpu[m]);
        System.out.printf("bench: %d documents, node %s: raw search_after loop best %.2f s / median %.2f s, raw "
                        + "pipelined best %.2f s / median %.2f s, inventory best %.2f s / median %.2f s; ratio "
                        + "raw/inventory best %.2f, median %.2f; pipelined raw/inventory best %.2f, median %.2f (goal "
                        + ">= 0.9); heap of this JVM peak %.0f MiB during an inventory%n", n, where, raw[0], raw[m],
                piped[0], piped[m], inv[0], inv[m], raw[0] / inv[0], raw[m] / inv[m], piped[0] / inv[0],
                piped[m] / inv[m], peak / 1048576.0);
        // The median of the per-round ratios: each round's loop and inventory run back to back, so a round's ratio
        // is the least disturbed by the node's speed drifting between rounds.
        System.out.printf("bench: pipelined raw/inventory per round %s; median of the rounds %.2f%n", perRound,
                pipedByInv[m]);
        System.out.println("bench: expected digest " + expected.content().digest());
    }

    /** The inventory itself: the step's apply (its check and its verify, which re-reads the listing, are not timed). */
    private static long inventory(OpenSearchClient client) {
        return inventory(client, sortBudgetBytes());
    }

    /** The inventory's sort memory: {@code -Dkaapana.bench.sortBudgetMiB}, or the default. */
    private static long sortBudgetBytes() {
        Integer mib = Integer.getInteger("kaapana.bench.sortBudgetMiB");
        return mib == null ? OpenSearchOptions.defaults().sortBudgetBytes() : (long) mib << 20;
    }

    /** The inventory with the given sort memory. */
    private static long inventory(OpenSearchClient client, long sortBudgetBytes) {
        try (StandaloneContext ctx = InventoryIT.context(PlatformState.SOURCE_RUNNING)) {
            ctx.enterStep(BaselineStep.ID);
            new BaselineStep(client, OpenSearchOptions.defaults().withSortBudgetBytes(sortBudgetBytes)).apply(ctx);
            return ctx.require(OpenSearchInventory.KEY).documents();
        }
    }

    /** Seconds of one inventory with the given sort memory, which must list all {@code n} documents. */
    private static double timedInventory(OpenSearchClient client, long sortBudgetBytes, int n) {
        long t0 = System.nanoTime();
        assertThat(inventory(client, sortBudgetBytes)).isEqualTo(n);
        return (System.nanoTime() - t0) / 1e9;
    }

    /** The benchmark's indices: the first always, the second with {@code -Dkaapana.bench.second}. */
    private static final List<String> INDICES = List.of("project_bench", "project_bench_second");

    /** {@link #rawLoop(OpenSearchClient, String, int)} over each index in turn. */
    static long rawLoop(OpenSearchClient client, List<String> indices, int pageSize) throws Exception {
        long count = 0;
        for (String index : indices) {
            count += rawLoop(client, index, pageSize);
        }
        return count;
    }

    /** {@link #rawPipelined(OpenSearchClient, String, int)} over each index in turn. */
    static long rawPipelined(OpenSearchClient client, List<String> indices, int pageSize) throws Exception {
        long count = 0;
        for (String index : indices) {
            count += rawPipelined(client, index, pageSize);
        }
        return count;
    }

    /** PIT, a slice per shard, search_after on _doc, sources fetched, the inventory's request body; counts hits only. */
    static long rawLoop(OpenSearchClient client, String index, int pageSize) throws Exception {
        String pit = openPit(client, index);
        long count = 0;
        for (int slice = 0; slice < 4; slice++) {
            String after = null;
            while (true) {
                Counted page;
                try (Response r = client.generic().execute(Requests.builder().method("POST").endpoint("/_search")
                        .json(request(pit, slice, pageSize, after)).build()); Body b = r.getBody().orElseThrow();
                     InputStream in = b.body()) {
                    page = count(in);
                }
                count += page.hits;
                if (page.hits < pageSize) {
                    break;
                }
                after = page.last;
            }
        }
        closePit(client, pit);
        return count;
    }

    /**
     * The raw loop pipelined as the inventory is: as soon as a page has arrived the next one is requested (its
     * search_after value found by a scan for the last {@code "sort":[} of the page), and the page is counted while the
     * node prepares the next one; a wrong guess is asked again.
     */
    static long rawPipelined(OpenSearchClient client, String index, int pageSize) throws Exception {
        String pit = openPit(client, index);
        long count = 0;
        ExecutorService fetcher = Executors.newSingleThreadExecutor();
        try {
            for (int slice = 0; slice < 4; slice++) {
                int s = slice;
                Future<byte[]> pending = fetcher.submit(() -> fetch(client, request(pit, s, pageSize, null)));
                while (true) {
                    byte[] body = pending.get();
                    String guess = lastSort(body);
                    pending = guess == null ? null
                            : fetcher.submit(() -> fetch(client, request(pit, s, pageSize, guess)));
                    Counted page = count(new java.io.ByteArrayInputStream(body));
                    count += page.hits;
                    if (page.hits < pageSize) {
                        if (pending != null) {
                            pending.get();
                        }
                        break;
                    }
                    if (pending == null || !page.last.equals(guess)) {
                        if (pending != null) {
                            pending.get();
                        }
                        pending = fetcher.submit(() -> fetch(client, request(pit, s, pageSize, page.last)));
                    }
                }
            }
        } finally {
            fetcher.shutdownNow();
        }
        closePit(client, pit);
        return count;
    }

    private static String openPit(OpenSearchClient client, String index) throws Exception {
        try (Response r = client.generic().execute(Requests.builder().method("POST")
                .endpoint("/" + index + "/_search/point_in_time?keep_alive=2m").build())) {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.getBody().orElseThrow().bodyAsBytes())
                    .path("pit_id").asText();
        }
    }

    private static void closePit(OpenSearchClient client, String pit) throws Exception {
        try (Response r = client.generic().execute(Requests.builder().method("DELETE").endpoint("/_search/point_in_time")
                .json("{\"pit_id\":[\"" + pit + "\"]}").build())) {
            r.getStatus();
        }
    }

    private static String request(String pit, int slice, int pageSize, String after) {
        return "{\"size\":" + pageSize + ",\"pit\":{\"id\":\"" + pit + "\",\"keep_alive\":\"2m\"},"
                + "\"sort\":[{\"_doc\":\"asc\"}],\"slice\":{\"id\":" + slice + ",\"max\":4}"
                + ",\"track_total_hits\":" + (after == null)
                + (after == null ? "" : ",\"search_after\":[" + after + "]") + "}";
    }

    private static byte[] fetch(OpenSearchClient client, String request) throws Exception {
        try (Response r = client.generic().execute(Requests.builder().method("POST").endpoint("/_search")
                .json(request).build());
             InputStream in = r.getBody().orElseThrow().body()) {
            return in.readAllBytes(); // as the inventory reads a page: one copy, not bodyAsBytes' growing buffer
        }
    }

    private static final byte[] SORT = "\"sort\":[".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static String lastSort(byte[] body) {
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

    private record Counted(int hits, String last) {
    }

    /** Walks a page's tokens (sources skipped): counts the hits, keeps the last sort value. */
    private static Counted count(InputStream in) throws java.io.IOException {
        int hits = 0;
        String last = null;
        try (JsonParser p = JSON.createParser(in)) {
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
        return new Counted(hits, last);
    }

    /** CPU time of this JVM's threads (node included), nanoseconds. */
    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * CPU time per thread group of this JVM (Linux: {@code /proc/self/task}, JVM-internal threads such as the
     * garbage collector's and the compilers' included), nanoseconds, by thread name (as the kernel keeps it: the first
     * 15 characters; the main thread is {@code java}) with trailing numbers removed; empty where {@code /proc} is
     * missing.
     */
    private static java.util.Map<String, Long> threadCpu() {
        java.util.Map<String, Long> cpu = new java.util.TreeMap<>();
        java.nio.file.Path tasks = java.nio.file.Path.of("/proc/self/task");
        if (!java.nio.file.Files.isDirectory(tasks)) {
            return cpu;
        }
        try (java.util.stream.Stream<java.nio.file.Path> all = java.nio.file.Files.list(tasks)) {
            for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) all::iterator) {
                try {
                    String stat = java.nio.file.Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                            .replaceAll("[-# ]*[0-9]+$", "");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
                    cpu.merge(name, ticks * 10_000_000L, Long::sum); // USER_HZ 100
                } catch (java.io.IOException | RuntimeException ended) {
                    // a thread that ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            return new java.util.TreeMap<>();
        }
        return cpu;
    }

    /**
     * The CPU time per thread group spent since an earlier {@link #threadCpu()}; what the process spent beyond the
     * threads still alive (the inventory's own threads end with it) as "threads that ended".
     */
    private static java.util.Map<String, Long> since(java.util.Map<String, Long> before, long processNanos) {
        java.util.Map<String, Long> now = threadCpu();
        if (now.isEmpty()) {
            return now;
        }
        now.replaceAll((name, t) -> t - before.getOrDefault(name, 0L));
        now.values().removeIf(t -> t <= 0);
        long alive = now.values().stream().mapToLong(Long::longValue).sum();
        now.put("threads that ended", processNanos - alive);
        return now;
    }

    /** The groups that took at least 50 ms, largest first, as {@code name 1.23 s}. */
    private static String describe(java.util.Map<String, Long> cpu) {
        return cpu.entrySet().stream().filter(e -> e.getValue() >= 50_000_000L)
                .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> String.format("%s %.2f s", e.getKey(), e.getValue() / 1e9))
                .collect(java.util.stream.Collectors.joining(", "));
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
