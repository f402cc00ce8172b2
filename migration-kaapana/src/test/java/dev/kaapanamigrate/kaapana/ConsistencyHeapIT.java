package dev.kaapanamigrate.kaapana;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.pgserver.PostgresServer;
import dev.kaapanamigrate.testkit.backends.SearchNode;
import dev.kaapanamigrate.testkit.backends.TestBackends;
import dev.kaapanamigrate.testkit.postgres.ClusterSpec;
import dev.kaapanamigrate.testkit.postgres.PostgresCluster;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.core.BulkRequest;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;

/**
 * Flat memory: a child JVM with {@code -Xmx64m} runs the consistency check over 100,000 series — the database side read
 * live from a real PostgreSQL 17 server (150,000 mappings, 100,000 dataset members), {@code project_admin} listed from
 * the embedded search node (100,000 documents), 80,000 thumbnail keys in descending order and the PACS's 100,000 series
 * in random order through a QIDO-RS stand-in (both sorted in 1 MiB runs) — and names exactly the differences planted
 * here. The servers run in this JVM; only the check runs in the child's heap.
 */
class ConsistencyHeapIT {

    static final int SERIES = 100_000;
    static final String ADMIN = "6f1c2d3e-0000-4000-8000-00000000000a";
    static final String OTHER = "6f1c2d3e-0000-4000-8000-00000000000b";

    static String uid(int i) {
        return "1.2.826.0.1.3680043.9." + i;
    }

    @Test
    void aChildWith64MibOfHeapChecks100kSeriesAcrossTheStores() throws Exception {
        Path dir = Files.createTempDirectory("consistency-heap-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        PostgresCluster cluster = PostgresCluster.create(dir.resolve("pg"),
                ClusterSpec.builder("u", "pw").database("heap").syncToDisk(false).build());
        List<String> pacs = new ArrayList<>();
        for (int i = 0; i < SERIES - 1; i++) {
            pacs.add(uid(i));
        }
        pacs.add("8.8.8");
        Collections.shuffle(pacs, new Random(15));
        try (PostgresServer pg = cluster.start(); SearchNode node = TestBackends.startEmbeddedSearchNode();
             QidoStandIn qido = QidoStandIn.serving(pacs)) {
            try (Connection c = pg.dataSource("heap", "u", "pw").getConnection(); Statement st = c.createStatement()) {
                String all = "SELECT '1.2.826.0.1.3680043.9.' || i FROM generate_series(0, " + (SERIES - 1) + ") i";
                for (String sql : List.of(
                        "CREATE TABLE projects (int_id serial, id uuid NOT NULL, name varchar, s3_bucket varchar, "
                                + "opensearch_index varchar)",
                        "CREATE TABLE admin_project (id serial, project_id uuid)",
                        "CREATE TABLE data_projects (id serial, series_instance_uid varchar, project_id uuid NOT NULL)",
                        "CREATE TABLE identifiers (id varchar PRIMARY KEY)",
                        "CREATE TABLE dataset (id serial PRIMARY KEY, name varchar, project_id uuid NOT NULL)",
                        "CREATE TABLE identifier2dataset (identifier varchar NOT NULL, dataset int)",
                        "CREATE TABLE workflow (workflow_id varchar PRIMARY KEY, workflow_name varchar, "
                                + "project_id uuid NOT NULL)",
                        "INSERT INTO projects (id, name) VALUES ('" + ADMIN + "', 'admin'), ('" + OTHER + "', 'other')",
                        "INSERT INTO admin_project (project_id) VALUES ('" + ADMIN + "')",
                        "INSERT INTO data_projects (series_instance_uid, project_id) SELECT x, '" + ADMIN + "' FROM ("
                                + all + ") s(x)",
                        "INSERT INTO data_projects (series_instance_uid, project_id) SELECT '1.2.826.0.1.3680043.9.' || i, '"
                                + OTHER + "' FROM generate_series(0, " + (SERIES - 1) + ", 2) i",
                        "INSERT INTO identifiers (id) " + all,
                        "INSERT INTO dataset (name, project_id) VALUES ('everything', '" + ADMIN + "')",
                        "INSERT INTO identifier2dataset (identifier, dataset) SELECT x, 1 FROM (" + all + ") s(x)",
                        "INSERT INTO workflow VALUES ('w1', 'collect-metadata-1', '" + ADMIN + "')",
                        "ANALYZE")) {
                    st.execute(sql);
                }
            }
            indexAdminDocuments(node.client());
            Path thumbnails = dir.resolve("thumbnails-project-admin.gz");
            try (Writer w = new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(thumbnails)),
                    StandardCharsets.US_ASCII)) {
                for (int i = SERIES - 1; i >= 0; i--) {
                    if (i % 5 != 0) {
                        w.write(uid(i) + "\n");
                    }
                }
            }

            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Path log = dir.resolve("child.log");
            Process child = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "-cp", classpath,
                    ConsistencyHeapMain.class.getName(), pg.jdbcUrl("heap"), Integer.toString(node.port()),
                    qido.base().toString(), thumbnails.toString(), dir.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertThat(child.waitFor(10, TimeUnit.MINUTES)).as("the child finished").isTrue();
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(child.exitValue()).as("child output:%n%s", output).isZero();

            assertThat(value(output, "ADMIN_MAPPED")).isEqualTo("100000");
            assertThat(value(output, "ADMIN_INDEXED")).isEqualTo("100000");
            assertThat(value(output, "ADMIN_MEMBERS")).isEqualTo("100000");
            assertThat(value(output, "ADMIN_THUMBNAILS")).isEqualTo("80000");
            assertThat(value(output, "OTHER_MAPPED")).isEqualTo("50000");
            assertThat(value(output, "ALL_KINDS")).isEqualTo("ADMIN_INDEXED_NOT_MAPPED,INDEXED_NOT_IN_PACS,"
                    + "MAPPED_NOT_IN_ADMIN_INDEX,MAPPED_NOT_IN_PACS,PACS_NOT_INDEXED,PACS_NOT_MAPPED,"
                    + "PROJECT_WITHOUT_INDEX,SERIES_WITHOUT_THUMBNAIL");
            assertThat(value(output, "COUNT_SERIES_WITHOUT_THUMBNAIL")).isEqualTo("20000");
            assertThat(value(output, "FIRST_MAPPED_NOT_IN_ADMIN_INDEX")).isEqualTo(uid(0));
            assertThat(value(output, "FIRST_ADMIN_INDEXED_NOT_MAPPED")).isEqualTo("9.9.9");
            assertThat(value(output, "FIRST_MAPPED_NOT_IN_PACS")).isEqualTo(uid(SERIES - 1));
            assertThat(value(output, "FIRST_PACS_NOT_MAPPED")).isEqualTo("8.8.8");
            assertThat(value(output, "FIRST_PACS_NOT_INDEXED")).isEqualTo(uid(0) + ",8.8.8");
            assertThat(value(output, "FIRST_INDEXED_NOT_IN_PACS")).isEqualTo(uid(SERIES - 1) + ",9.9.9");
            assertThat(value(output, "FIRST_PROJECT_WITHOUT_INDEX")).isEqualTo("project_other(projectother)");
            System.out.printf("consistency check of %d series in a 64 MiB heap: peak heap %.1f MiB%n", SERIES,
                    Long.parseLong(value(output, "PEAK_HEAP_BYTES")) / 1048576.0);
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** {@code project_admin}: every series but the first, and one no project maps. */
    private static void indexAdminDocuments(OpenSearchClient client) throws Exception {
        client.indices().create(c -> c.index("project_admin"));
        List<String> ids = new ArrayList<>();
        for (int i = 1; i < SERIES; i++) {
            ids.add(uid(i));
        }
        ids.add("9.9.9");
        for (int from = 0; from < ids.size(); from += 10_000) {
            List<BulkOperation> ops = new ArrayList<>();
            for (String id : ids.subList(from, Math.min(ids.size(), from + 10_000))) {
                ops.add(BulkOperation.of(o -> o.index(x -> x.index("project_admin").id(id)
                        .document(Map.of("0020000E SeriesInstanceUID_keyword", id)))));
            }
            var response = client.bulk(BulkRequest.of(b -> b.operations(ops)));
            assertThat(response.errors()).as("bulk errors").isFalse();
        }
        client.indices().refresh(r -> r.index("project_admin"));
    }

    static String value(String output, String key) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + "=(\\S+)").matcher(output);
        assertThat(m.find()).as("%s in%n%s", key, output).isTrue();
        return m.group(1);
    }
}
