package dev.kaapanamigrate.minio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.SetDigest;
import dev.kaapanamigrate.testkit.backends.ObjectStore;
import dev.kaapanamigrate.testkit.backends.TestBackends;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Flat memory: a bucket of 100k objects with long keys, seeded straight into the embedded S3 server's file store, is
 * inventoried by a child JVM with a 48 MiB heap. The opt-in benchmark ({@code -Dkaapana.bench=true}, size
 * {@code -Dkaapana.bench.objects}) compares the inventory with a plain listing loop that only counts, on the same
 * server in the same run, and prints the ratio and the peak heaps.
 */
class InventoryHeapIT {

    private static final String BUCKET = "big";

    Path dir;

    @BeforeEach
    void folder() throws Exception {
        // under test.tmpdir, which .ci/run puts on a tmpfs with room: seeding writes one file per object
        dir = Files.createTempDirectory("kaapana-minio-heap-");
    }

    @AfterEach
    void clean() {
        dev.kaapanamigrate.minio.internal.Inventories.deleteQuietly(dir);
    }

    @Test
    void aHundredThousandObjectsWithLongKeysInA48MiBHeap() throws Exception {
        String digest = seed(100_000, false);
        try (ObjectStore s3 = TestBackends.startEmbeddedObjectStore(dir, "minioadmin", "minioadmin")) {
            Map<String, String> out = child("inventory", s3, "-Xmx48m");
            assertThat(out.get("OBJECTS")).isEqualTo("100000");
            assertThat(out.get("DIGEST")).isEqualTo(digest);
            System.out.printf("inventory of 100k objects in a 48 MiB heap: peak heap %.1f MiB, %s ms%n",
                    Long.parseLong(out.get("PEAK_HEAP_BYTES")) / 1048576.0, out.get("MILLIS"));
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "kaapana.bench", matches = "true")
    void benchmarkAgainstARawListingLoop() throws Exception {
        int n = Integer.getInteger("kaapana.bench.objects", 50_000);
        long t0 = System.nanoTime();
        seed(n, true);
        long seeded = (System.nanoTime() - t0) / 1_000_000;
        try (ObjectStore s3 = TestBackends.startEmbeddedObjectStore(dir, "minioadmin", "minioadmin")) {
            child("raw", s3, "-Xmx64m"); // warm the server's caches for both
            // Alternate, best of three each: the machine is shared, so single runs are noisy.
            Map<String, String> raw = null;
            Map<String, String> inv = null;
            for (int round = 0; round < 3; round++) {
                raw = faster(raw, child("raw", s3, "-Xmx64m"));
                inv = faster(inv, child("inventory", s3, "-Xmx64m"));
            }
            assertThat(inv.get("OBJECTS")).isEqualTo(raw.get("OBJECTS")).isEqualTo(Integer.toString(n));
            double ratio = Double.parseDouble(raw.get("MILLIS")) / Double.parseDouble(inv.get("MILLIS"));
            System.out.printf("BENCHMARK %d objects (seeded in %d ms): raw listObjects loop %s ms (peak heap %.1f MiB),"
                            + " inventory %s ms (peak heap %.1f MiB); ratio raw/inventory %.2f (goal >= 0.9)%n", n, seeded,
                    raw.get("MILLIS"), Long.parseLong(raw.get("PEAK_HEAP_BYTES")) / 1048576.0, inv.get("MILLIS"),
                    Long.parseLong(inv.get("PEAK_HEAP_BYTES")) / 1048576.0, ratio);
        }
    }

    private static Map<String, String> faster(Map<String, String> a, Map<String, String> b) {
        return a == null || Long.parseLong(b.get("MILLIS")) < Long.parseLong(a.get("MILLIS")) ? b : a;
    }

    /**
     * Writes n objects as s3proxy's file store keeps them (a file per object under 1000 prefixes; with its MD5 as the
     * extended attribute s3proxy reads for the ETag when {@code etags}, else the listing has no ETags, which halves
     * s3proxy's time per page: it sorts the whole bucket for every page); returns the digest a listing must give.
     */
    private String seed(int n, boolean etags) throws Exception {
        Path bucket = Files.createDirectories(dir.resolve(BUCKET));
        SetDigest digest = new SetDigest();
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        for (int d = 0; d < 1000; d++) {
            Files.createDirectories(bucket.resolve(prefix(d)));
        }
        for (int i = 0; i < n; i++) {
            String key = prefix(i % 1000) + "/1.3.6.1.4.1.14519.5.2.1.7009.2403.33419580723451834567234" + i
                    + "-validation-report-of-the-series-with-a-rather-long-descriptive-name.html";
            byte[] data = ("report " + i).getBytes(StandardCharsets.UTF_8);
            Path file = bucket.resolve(key);
            Files.write(file, data);
            String etag = null;
            if (etags) {
                byte[] sum = md5.digest(data);
                Files.getFileAttributeView(file, UserDefinedFileAttributeView.class)
                        .write("user.content-md5", ByteBuffer.wrap(sum));
                etag = HexFormat.of().formatHex(sum);
            }
            digest.add(key, Integer.toString(data.length), etag);
        }
        return digest.hex();
    }

    private static String prefix(int d) {
        return String.format("staticwebsiteresults/validate-dicoms-%03d", d);
    }

    private Map<String, String> child(String mode, ObjectStore s3, String heap) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = Files.createTempFile("kaapana-minio-child-", ".log");
        try {
            Process child = new ProcessBuilder(java, heap, "-XX:+UseSerialGC", "-cp", classpath,
                    InventoryMain.class.getName(), mode, s3.endpoint(), s3.accessKey(), s3.secretKey(), BUCKET)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertThat(child.waitFor(30, TimeUnit.MINUTES)).as("the child finished").isTrue();
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(child.exitValue()).as("%s with %s; output:%n%s", mode, heap, output).isZero();
            Map<String, String> values = new HashMap<>();
            Matcher m = Pattern.compile("^([A-Z_]+)=(\\S+)$", Pattern.MULTILINE).matcher(output);
            while (m.find()) {
                values.put(m.group(1), m.group(2));
            }
            return values;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
