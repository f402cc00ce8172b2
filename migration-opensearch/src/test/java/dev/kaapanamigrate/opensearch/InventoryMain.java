package dev.kaapanamigrate.opensearch;

import dev.kaapanamigrate.core.IdSource;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StandaloneContext;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepRunner;
import dev.kaapanamigrate.core.StepStatus;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/** Runs in a child JVM: the baseline of a node, printing counts, digests, sort runs and the peak heap. */
final class InventoryMain {

    private InventoryMain() {
    }

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        OpenSearchClient client = new OpenSearchClient(ApacheHttpClient5TransportBuilder
                .builder(new HttpHost(url.getScheme(), url.getHost(), url.getPort()))
                .setMapper(new JacksonJsonpMapper()).build());
        Path scratch = Files.createDirectories(Path.of(args[1]).resolve("scratch"));
        try (StandaloneContext ctx = MigrationContext.standalone(Clock.systemUTC(), IdSource.random(),
                PlatformState.SOURCE_RUNNING, false)) {
            StepResult r = StepRunner.run(new BaselineStep(client, OpenSearchOptions.defaults()
                    .withScratchDirectory(scratch)), ctx);
            if (r.status() != StepStatus.APPLIED) {
                System.out.println("FAILED " + r.message());
                System.exit(2);
            }
            for (IndexInventory i : ctx.require(OpenSearchInventory.KEY).indices()) {
                System.out.println("DOCUMENTS_" + i.index() + "=" + i.documents());
                System.out.println("DIGEST_" + i.index() + "=" + i.contentDigest());
            }
        } finally {
            client._transport().close();
        }
        System.out.println("SORT_RUNS_SPILLED=" + dev.kaapanamigrate.opensearch.internal.Inventories.sortRunsSpilled());
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println("PEAK_HEAP_BYTES=" + peak);
    }
}
