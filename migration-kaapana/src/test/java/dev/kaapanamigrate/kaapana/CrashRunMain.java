package dev.kaapanamigrate.kaapana;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kaapanamigrate.core.IdSource;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.minio.MinioPolicyAdmin;
import dev.kaapanamigrate.minio.MinioSteps;
import dev.kaapanamigrate.minio.MinioStore;
import dev.kaapanamigrate.opensearch.OpenSearchSteps;
import dev.kaapanamigrate.pgserver.Libc;
import dev.kaapanamigrate.postgres.TemporaryServers;
import io.minio.MinioClient;
import io.minio.credentials.StaticProvider;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Properties;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/**
 * The whole Kaapana plan in a JVM of its own, for {@link CrashRecoveryIT}: every store (MinIO through its gate and the
 * admin API stand-in, OpenSearch through the security stand-in), the platform moved through the stand-in cluster's
 * deploy scripts, helm and kubectl, a verified backup, workflow rewrites and orphan archiving; seeded ids and a fixed
 * clock, so that two runs give the same project UUIDs. With {@code -Dkaapana.migrate.crashAt} it dies at that point; the
 * outcome of a run that ends is written as JSON.
 */
public final class CrashRunMain {

    private CrashRunMain() {
    }

    /**
     * Entry point.
     *
     * @param args the properties file describing the installation and its endpoints, and the outcome file to write
     * @throws Exception on failure (exit status 1)
     */
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(args[0]))) {
            p.load(r);
        }
        Path fast = Path.of(p.getProperty("fast"));
        Path slow = Path.of(p.getProperty("slow"));
        MinioClient minio = MinioClient.builder().endpoint(p.getProperty("minio.endpoint")).region("us-east-1")
                .credentials(p.getProperty("minio.access"), p.getProperty("minio.secret")).build();
        MinioStore store = MinioStore.of(minio, p.getProperty("minio.endpoint"))
                .withPolicyAdmin(MinioPolicyAdmin.of(p.getProperty("minio.policy-endpoint"),
                        new StaticProvider(p.getProperty("minio.access"), p.getProperty("minio.secret"), null)));
        HttpHost host = HttpHost.create(p.getProperty("opensearch.url"));
        BasicCredentialsProvider credentials = new BasicCredentialsProvider();
        credentials.setCredentials(new AuthScope(host), new UsernamePasswordCredentials(p.getProperty("opensearch.user"),
                p.getProperty("opensearch.password").toCharArray()));
        OpenSearchClient search = new OpenSearchClient(ApacheHttpClient5TransportBuilder.builder(host)
                .setMapper(new JacksonJsonpMapper())
                .setHttpClientConfigCallback(b -> b.setDefaultCredentialsProvider(credentials))
                .build());
        KaapanaPlatformControl control = KaapanaPlatformControl.builder()
                .searchPath(p.getProperty("cluster.search-path"))
                .undeployScript(Path.of(p.getProperty("cluster.undeploy-script")))
                .deployScript(Path.of(p.getProperty("cluster.deploy-script")))
                .fastDataDir(fast)
                .pollInterval(Duration.ofMillis(50))
                .build();
        long seed = Long.parseLong(p.getProperty("ids.seed"));
        Clock clock = Clock.fixed(Instant.parse(p.getProperty("clock")), ZoneOffset.UTC);

        KaapanaRun run = KaapanaMigration.configure(fast)
                .slowDataDir(slow)
                .platformControl(control)
                .databaseConnections(TemporaryServers.builder(fast)
                        .folderLibc(Libc.valueOf(p.getProperty("libc").toUpperCase(Locale.ROOT))).build())
                .objectStore(MinioSteps.of(store))
                .searchIndex(OpenSearchSteps.of(search))
                .backup(BackupOptions.to(Path.of(p.getProperty("backup"))).withThreads(2))
                .rewriteWorkflows(true)
                .archiveOrphanedFolders(Path.of(p.getProperty("archive")))
                .customizePlan(b -> b.idSource(IdSource.seeded(seed)).clock(clock).platformTimeout(Duration.ofMinutes(2)))
                .run();

        MigrationResult result = run.result();
        ObjectMapper json = new ObjectMapper();
        ObjectNode out = json.createObjectNode();
        out.put("status", result.status().name());
        out.put("code", result.errorCode() == null ? null : result.errorCode().code());
        out.put("message", result.message());
        out.put("installation", run.installation().toString());
        ArrayNode steps = out.putArray("steps");
        for (StepResult s : result.steps()) {
            steps.add(s.stepId() + " " + s.status() + " " + s.duration().toMillis() + " ms");
        }
        json.writerWithDefaultPrettyPrinter().writeValue(Path.of(args[1]).toFile(), out);
        System.exit(0);
    }
}
