package dev.kaapanamigrate.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.testkit.backends.SearchNode;
import dev.kaapanamigrate.testkit.backends.TestBackends;
import dev.kaapanamigrate.testkit.internal.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Flat memory: a child JVM with {@code -Xmx64m} inventories 100,000 documents of the embedded node (run in this JVM)
 * through {@link BaselineStep}, with the default 4 MiB sort budget (so the listing spills sorted runs and merges them),
 * and finds the count and content digest computed here from the documents sent.
 */
class InventoryHeapIT {

    static final int DOCUMENTS = 100_000;

    @Test
    void aChildWith64MibOfHeapInventories100kDocuments() throws Exception {
        Path dir = Files.createTempDirectory("inventory-heap-");
        try (SearchNode node = TestBackends.startEmbeddedSearchNode()) {
            Digest expected = SyntheticDocuments.load(node.client(), "project_heap", DOCUMENTS);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Path log = dir.resolve("child.log");
            Process child = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "-cp", classpath,
                    InventoryMain.class.getName(), "http://127.0.0.1:" + node.port(), dir.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertThat(child.waitFor(10, TimeUnit.MINUTES)).as("the child finished").isTrue();
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(child.exitValue()).as("child output:%n%s", output).isZero();
            assertThat(value(output, "DOCUMENTS_project_heap")).isEqualTo(Long.toString(DOCUMENTS));
            assertThat(value(output, "DIGEST_project_heap")).isEqualTo(expected.content().digest());
            assertThat(Long.parseLong(value(output, "SORT_RUNS_SPILLED"))).isPositive();
            System.out.printf("inventory of %d documents in a 64 MiB heap: peak heap %.1f MiB%n", DOCUMENTS,
                    Long.parseLong(value(output, "PEAK_HEAP_BYTES")) / 1048576.0);
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static String value(String output, String key) {
        Matcher m = Pattern.compile(Pattern.quote(key) + "=(\\S+)").matcher(output);
        assertThat(m.find()).as("%s in%n%s", key, output).isTrue();
        return m.group(1);
    }
}
