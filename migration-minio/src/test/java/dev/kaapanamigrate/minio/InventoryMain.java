package dev.kaapanamigrate.minio;

import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.StandaloneContext;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepRunner;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Runs in a child JVM ({@link InventoryHeapIT}): {@code inventory} takes {@code minio.baseline} of a store, {@code raw}
 * only counts a plain {@code listObjects} loop; prints the result, the time and the peak heap.
 */
final class InventoryMain {

    private InventoryMain() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String endpoint = args[1];
        MinioClient client = MinioClient.builder().endpoint(endpoint).region("us-east-1").credentials(args[2], args[3])
                .build();
        client.listBuckets(); // connect and load the client's classes before timing, in both modes
        long t0 = System.nanoTime();
        if (mode.equals("raw")) {
            long count = 0;
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder().bucket(args[4]).recursive(true).build())) {
                r.get();
                count++;
            }
            System.out.println("OBJECTS=" + count);
        } else {
            try (StandaloneContext ctx = MigrationContext.standalone()) {
                StepResult result = StepRunner.run(new BaselineStep(MinioStore.of(client, endpoint)), ctx);
                if (!result.status().isDone()) {
                    throw new IllegalStateException(result.message());
                }
                BucketInventory b = ctx.get(MinioKeys.BASELINE).orElseThrow().bucket(args[4]).orElseThrow();
                System.out.println("OBJECTS=" + b.objects());
                System.out.println("DIGEST=" + b.digest());
            }
        }
        System.out.println("MILLIS=" + (System.nanoTime() - t0) / 1_000_000);
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println("PEAK_HEAP_BYTES=" + peak);
        client.close();
    }
}
