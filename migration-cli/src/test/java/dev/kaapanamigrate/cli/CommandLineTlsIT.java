package dev.kaapanamigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.ReliabilityCounts;
import dev.kaapanamigrate.testkit.backends.ObjectStore;
import dev.kaapanamigrate.testkit.backends.SearchNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to the stores, end to end: the embedded S3 and OpenSearch behind loopback TLS endpoints with a certificate made
 * at test time, reached by a forked {@code kaapana-migrate check}. Without {@code --ca-file} the certificate is refused
 * with the store's code, the endpoint and the fix (no stack trace), before any step runs; with {@code --ca-file} the
 * clients trust it and reach the stores through it, but a certificate it trusts for another host name only is still
 * refused; with {@code --insecure} too, with a warning, and the report records how certificates were checked.
 */
@KaapanaInstallation
@ExtendWith(ReliabilityCounts.class)
class CommandLineTlsIT {

    private static final String SECRET_VARIABLE = "KAAPANA_MIGRATE_MINIO_SECRET_KEY";

    @TempDir
    static Path work;

    private static Path caFile;
    private static TlsProxy s3Proxy;
    private static TlsProxy searchProxy;

    record Outcome(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    static void tlsEndpoints(ObjectStore s3, SearchNode node) throws Exception {
        caFile = TlsProxy.certificate(work);
        URI s3Endpoint = URI.create(s3.endpoint());
        s3Proxy = TlsProxy.start(work, s3Endpoint.getHost(), s3Endpoint.getPort());
        searchProxy = TlsProxy.start(work, node.host(), node.port());
    }

    @AfterAll
    static void stop() throws Exception {
        s3Proxy.close();
        searchProxy.close();
    }

    private static Outcome check(GeneratedInstallation install, ObjectStore s3, String name, String... more)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("check", "--fast-data-dir", install.fastDataDir().toString(),
                "--slow-data-dir", install.slowDataDir().toString(), "--platform", "undeployed",
                "--report", work.resolve(name + ".json").toString()));
        args.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(KaapanaMigrateJar.command(args)).directory(work.toFile())
                .redirectOutput(work.resolve(name + "-out.txt").toFile())
                .redirectError(work.resolve(name + "-err.txt").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("KAAPANA_MIGRATE_"));
        pb.environment().putAll(Map.of(SECRET_VARIABLE, s3.secretKey()));
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("the command ends").isTrue();
        return new Outcome(p.exitValue(), Files.readString(work.resolve(name + "-out.txt")),
                Files.readString(work.resolve(name + "-err.txt")));
    }

    private static String[] stores(ObjectStore s3, String... more) {
        List<String> args = new ArrayList<>(List.of("--minio-url", s3Proxy.url(), "--minio-access-key",
                s3.accessKey(), "--opensearch-url", searchProxy.url()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void anUntrustedCertificateIsRefusedWithTheEndpointAndTheFixBeforeAnyStepRuns(GeneratedInstallation install,
            ObjectStore s3) throws Exception {
        int s3Before = s3Proxy.handshakes();
        int searchBefore = searchProxy.handshakes();
        List<String> before = CommandLineIT.tree(install.fastDataDir());
        Outcome minio = check(install, s3, "untrusted", stores(s3));
        Outcome openSearch = check(install, s3, "untrusted-search", "--opensearch-url", searchProxy.url());

        assertThat(minio.exitCode()).as(minio.all()).isEqualTo(ExitCodes.USAGE);
        assertThat(minio.err()).contains("MINIO_ENDPOINT_UNREACHABLE", "TLS with MinIO at " + s3Proxy.url(),
                "--ca-file", "--insecure");
        assertThat(openSearch.exitCode()).as(openSearch.all()).isEqualTo(ExitCodes.USAGE);
        assertThat(openSearch.err()).contains("OPENSEARCH_NODE_UNREACHABLE",
                "TLS with OpenSearch at " + searchProxy.url(), "--ca-file");
        for (Outcome o : List.of(minio, openSearch)) {
            assertThat(o.all()).as("one message, no stack trace").doesNotContain("\tat ", "Caused by")
                    .doesNotContain(s3.secretKey());
            assertThat(o.out()).as("no step ran").doesNotContain("> kaapana.detect-version");
        }
        assertThat(s3Proxy.handshakes()).as("no client trusted the certificate").isEqualTo(s3Before);
        assertThat(searchProxy.handshakes()).isEqualTo(searchBefore);
        assertThat(CommandLineIT.tree(install.fastDataDir())).as("nothing changed in FAST").isEqualTo(before);
        ReliabilityCounts.proved(CommandLineTlsIT.class, "bad input: MinIO's untrusted TLS certificate refused "
                + "(MINIO_ENDPOINT_UNREACHABLE, exit 2) with the endpoint and --ca-file; no step ran, FAST unchanged");
        ReliabilityCounts.proved(CommandLineTlsIT.class, "bad input: OpenSearch's untrusted TLS certificate refused "
                + "(OPENSEARCH_NODE_UNREACHABLE, exit 2) with the endpoint and --ca-file; no step ran, FAST unchanged");
    }

    @Test
    void theCaFileStillChecksTheHostName(GeneratedInstallation install, ObjectStore s3, SearchNode node)
            throws Exception {
        // a certificate for other.example only, trusted through --ca-file, reached as 127.0.0.1
        Path other = Files.createDirectories(work.resolve("other-name"));
        Path otherCa = TlsProxy.certificate(other, "other.example", "dns:other.example");
        URI s3Endpoint = URI.create(s3.endpoint());
        try (TlsProxy s3Other = TlsProxy.start(other, s3Endpoint.getHost(), s3Endpoint.getPort());
             TlsProxy searchOther = TlsProxy.start(other, node.host(), node.port())) {
            Outcome minio = check(install, s3, "other-name", "--minio-url", s3Other.url(), "--minio-access-key",
                    s3.accessKey(), "--ca-file", otherCa.toString());
            Outcome openSearch = check(install, s3, "other-name-search", "--opensearch-url", searchOther.url(),
                    "--ca-file", otherCa.toString());

            assertThat(minio.exitCode()).as(minio.all()).isEqualTo(ExitCodes.USAGE);
            assertThat(minio.err()).contains("MINIO_ENDPOINT_UNREACHABLE", "TLS with MinIO at " + s3Other.url(),
                    "host name", "--ca-file");
            assertThat(openSearch.exitCode()).as(openSearch.all()).isEqualTo(ExitCodes.USAGE);
            assertThat(openSearch.err()).contains("OPENSEARCH_NODE_UNREACHABLE",
                    "TLS with OpenSearch at " + searchOther.url(), "host name", "--ca-file");
            for (Outcome o : List.of(minio, openSearch)) {
                assertThat(o.out()).as("no step ran").doesNotContain("> kaapana.detect-version");
            }
        }
    }

    @Test
    void withTheCaFileTheClientsTrustTheEndpointsAndWithInsecureTheyWarn(GeneratedInstallation install,
            ObjectStore s3) throws Exception {
        int s3Before = s3Proxy.handshakes();
        int searchBefore = searchProxy.handshakes();
        Outcome trusted = check(install, s3, "trusted", stores(s3, "--ca-file", caFile.toString()));

        assertThat(trusted.exitCode()).as(trusted.all()).isEqualTo(ExitCodes.OK);
        assertThat(trusted.all()).doesNotContain("TLS with", "WARNING");
        assertThat(s3Proxy.handshakes()).as("MinIO's client went through the TLS endpoint").isGreaterThan(s3Before);
        assertThat(searchProxy.handshakes()).as("OpenSearch's client went through the TLS endpoint")
                .isGreaterThan(searchBefore);
        JsonNode report = new ObjectMapper().readTree(work.resolve("trusted.json").toFile());
        assertThat(report.path("options").path("tls").asText()).contains("CA file", caFile.getFileName().toString());

        int before = s3Proxy.handshakes();
        Outcome insecure = check(install, s3, "insecure", stores(s3, "--insecure"));

        assertThat(insecure.exitCode()).as(insecure.all()).isEqualTo(ExitCodes.OK);
        assertThat(insecure.err()).contains("WARNING: --insecure", "NOT verified");
        assertThat(s3Proxy.handshakes()).isGreaterThan(before);
        String saved = Files.readString(work.resolve("insecure.json"));
        assertThat(new ObjectMapper().readTree(saved).path("options").path("tls").asText())
                .isEqualTo("not verified (--insecure)");
        assertThat(saved + insecure.all()).doesNotContain(s3.secretKey());

        Outcome both = check(install, s3, "both", stores(s3, "--insecure", "--ca-file", caFile.toString()));
        assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).contains("contradict");
    }
}
