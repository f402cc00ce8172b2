package dev.kaapanamigrate.cli;

import dev.kaapanamigrate.core.ConfigurationException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.kaapana.KaapanaMigration;
import dev.kaapanamigrate.minio.MinioErrorCode;
import dev.kaapanamigrate.minio.MinioPolicyAdmin;
import dev.kaapanamigrate.minio.MinioSteps;
import dev.kaapanamigrate.minio.MinioStore;
import dev.kaapanamigrate.opensearch.OpenSearchErrorCode;
import dev.kaapanamigrate.opensearch.OpenSearchSteps;
import io.minio.MinioClient;
import io.minio.credentials.StaticProvider;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The stores' endpoints, credentials and TLS. Secrets never come from the command line (visible to every user through
 * {@code ps}, kept in shell histories): only from an environment variable, a file, or a prompt on a terminal. A secret
 * given as an argument is refused without being echoed. TLS verification stays on by default (the JVM's trust store);
 * {@code --ca-file} adds a CA to it, {@code --insecure} turns verification off with a warning (see {@link Tls}). An
 * {@code https} endpoint is reached once while the plan is built: a certificate it does not trust stops the command
 * there (exit 2, the endpoint and the fix named) instead of hours later, at the first step that needs the store; an
 * endpoint that does not answer yet (the platform undeployed) is left to the steps.
 */
final class StoreOptions {

    private static final Logger LOG = LoggerFactory.getLogger(StoreOptions.class);

    static final String MINIO_SECRET_VARIABLE = "KAAPANA_MIGRATE_MINIO_SECRET_KEY";
    static final String OPENSEARCH_PASSWORD_VARIABLE = "KAAPANA_MIGRATE_OPENSEARCH_PASSWORD";

    @Option(names = "--minio-url", paramLabel = "URL", description = "MinIO's S3 endpoint, for example "
            + "https://kaapana.example/minio (without it the object store is reported as not checked).")
    String minioUrl;

    @Option(names = "--minio-access-key", paramLabel = "KEY", description = "MinIO's access key (user name).")
    String minioAccessKey;

    @Option(names = "--minio-secret-key-file", paramLabel = "FILE", description = "A file holding MinIO's secret key; "
            + "or set " + MINIO_SECRET_VARIABLE + ".")
    Path minioSecretKeyFile;

    @Option(names = "--opensearch-url", paramLabel = "URL", description = "OpenSearch's endpoint, for example "
            + "https://kaapana.example:9200 (without it the index is reported as not checked).")
    String openSearchUrl;

    @Option(names = "--opensearch-user", paramLabel = "USER", description = "OpenSearch's user.")
    String openSearchUser;

    @Option(names = "--opensearch-password-file", paramLabel = "FILE", description = "A file holding OpenSearch's "
            + "password; or set " + OPENSEARCH_PASSWORD_VARIABLE + ".")
    Path openSearchPasswordFile;

    @Option(names = "--ca-file", paramLabel = "PEM", description = "Trust the CA certificate(s) in this PEM file for "
            + "MinIO and OpenSearch, in addition to the JVM's trust store (host names are still verified).")
    Path caFile;

    @Option(names = "--insecure", description = "Do not verify the TLS certificates of MinIO and OpenSearch (any "
            + "certificate, any host name): only on a network you trust; prints a warning.")
    boolean insecure;

    // Accepted only to refuse them with the way to pass a secret; their value is never printed.
    @Option(names = "--minio-secret-key", hidden = true, paramLabel = "SECRET")
    String minioSecretKeyArgument;

    @Option(names = "--opensearch-password", hidden = true, paramLabel = "SECRET")
    String openSearchPasswordArgument;

    void refuseSecretArguments() {
        if (minioSecretKeyArgument != null) {
            throw refused("--minio-secret-key", MINIO_SECRET_VARIABLE, "--minio-secret-key-file");
        }
        if (openSearchPasswordArgument != null) {
            throw refused("--opensearch-password", OPENSEARCH_PASSWORD_VARIABLE, "--opensearch-password-file");
        }
    }

    static UsageException refused(String option, String variable, String fileOption) {
        return new UsageException("a secret given as a plain argument (" + option + ") is refused: command lines are "
                + "visible to every user of the host and kept in shell histories; pass it through the environment ("
                + variable + ") or a file (" + fileOption + " FILE, readable only by you), or leave both out to be "
                + "asked on the terminal. The value was not used or printed.");
    }

    // resolved once: a command that builds its plan twice (preview, then run) asks at most once
    private String minioSecret;
    private String openSearchPassword;

    private Tls tls;

    /** How the stores' certificates are checked, for the report; empty when no store is configured. */
    java.util.Optional<String> tlsDescription() {
        return tls == null ? java.util.Optional.empty() : java.util.Optional.of(tls.describe());
    }

    KaapanaMigration configure(KaapanaMigration m, Map<String, String> env, boolean interactive, PrintWriter err) {
        refuseSecretArguments();
        KaapanaMigration out = m;
        if (minioUrl == null && openSearchUrl == null) {
            if (caFile != null || insecure) {
                throw new UsageException((insecure ? "--insecure" : "--ca-file") + " is given without a store; it "
                        + "applies to --minio-url and --opensearch-url; add them or leave it out");
            }
            return out;
        }
        if (tls == null) {
            tls = Tls.of(caFile, insecure);
            if (tls.insecure()) {
                err.println("kaapana-migrate: WARNING: --insecure: the TLS certificates of MinIO and OpenSearch are NOT "
                        + "verified; anyone on the network path can read and change what this command sends and "
                        + "receives, credentials included. Use --ca-file FILE instead where you can.");
                err.flush();
            }
        }
        if (minioUrl != null) {
            if (minioAccessKey == null) {
                throw new UsageException("--minio-url is given without --minio-access-key; expected both (and the secret "
                        + "key in " + MINIO_SECRET_VARIABLE + " or --minio-secret-key-file)");
            }
            if (minioSecret == null) {
                minioSecret = secret("MinIO secret key", MINIO_SECRET_VARIABLE, minioSecretKeyFile, env, interactive,
                        err);
            }
            String secret = minioSecret;
            OkHttpClient http = tls.apply(new OkHttpClient.Builder().connectTimeout(Duration.ofSeconds(30))
                    .readTimeout(Duration.ofMinutes(5)).writeTimeout(Duration.ofMinutes(5))
                    .protocols(List.of(Protocol.HTTP_1_1))).build();
            MinioClient client = minio(minioUrl, minioAccessKey, secret, http);
            if (!probed.contains(minioUrl) && isHttps(minioUrl)) {
                probeMinio(minioUrl, minio(minioUrl, minioAccessKey, secret, http.newBuilder()
                        .connectTimeout(Duration.ofSeconds(10)).readTimeout(Duration.ofSeconds(30)).build()));
                probed.add(minioUrl);
            }
            out = out.objectStore(MinioSteps.of(MinioStore.of(client, minioUrl)
                    .withPolicyAdmin(MinioPolicyAdmin.of(minioUrl, new StaticProvider(minioAccessKey, secret, null))
                            .withHttpClient(http))));
        }
        if (openSearchUrl != null) {
            if (openSearchUser != null && openSearchPassword == null) {
                openSearchPassword = secret("OpenSearch password", OPENSEARCH_PASSWORD_VARIABLE, openSearchPasswordFile,
                        env, interactive, err);
            }
            String password = openSearchPassword;
            OpenSearchClient client = openSearch(openSearchUrl, openSearchUser, password, tls);
            if (!probed.contains(openSearchUrl) && isHttps(openSearchUrl)) {
                probeOpenSearch(openSearchUrl, client);
                probed.add(openSearchUrl);
            }
            out = out.searchIndex(OpenSearchSteps.of(client));
        }
        return out;
    }

    static String secret(String what, String variable, Path file, Map<String, String> env, boolean interactive,
            PrintWriter err) {
        if (file != null) {
            String value;
            try {
                value = Files.readString(file).strip();
            } catch (IOException e) {
                throw new UsageException("the " + what + " file " + file + " cannot be read (" + e.getClass()
                        .getSimpleName() + "); expected a readable file holding only the secret; check the path and "
                        + "its permissions");
            }
            warnIfOthersCanRead(what, file, err);
            return value;
        }
        String value = env.get(variable);
        if (value != null && !value.isEmpty()) {
            return value;
        }
        Console console = System.console();
        if (interactive && console != null) {
            char[] typed = console.readPassword("%s: ", what);
            if (typed != null) {
                try {
                    if (typed.length > 0) {
                        return new String(typed);
                    }
                } finally {
                    java.util.Arrays.fill(typed, '\0');
                }
            }
        }
        throw new UsageException("the " + what + " is missing; expected it in " + variable + " or in a file named by "
                + "the matching --...-file option (or typed at the prompt of an interactive run)");
    }

    /** A secret's file readable by its group or by others: a warning naming the file and the fix (not a refusal). */
    static void warnIfOthersCanRead(String what, Path file, PrintWriter err) {
        java.util.Set<java.nio.file.attribute.PosixFilePermission> mode;
        try {
            mode = Files.getPosixFilePermissions(file);
        } catch (IOException | UnsupportedOperationException e) {
            return;
        }
        if (mode.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)
                || mode.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
            err.println("kaapana-migrate: WARNING: the " + what + " file " + file + " can be read by "
                    + (mode.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ) ? "every user of the host"
                    : "its group") + " (" + java.nio.file.attribute.PosixFilePermissions.toString(mode) + "); make it "
                    + "readable only by you: chmod 600 " + file);
            err.flush();
        }
    }

    private final java.util.Set<String> probed = new java.util.HashSet<>();

    private static boolean isHttps(String url) {
        return url.regionMatches(true, 0, "https:", 0, 6);
    }

    /** One request through the configured client: a TLS failure stops the command; anything else is the steps'. */
    private static void probeMinio(String url, MinioClient probe) {
        try {
            probe.listBuckets();
        } catch (Exception e) {
            Tls.failure(e).ifPresent(ssl -> {
                throw new ConfigurationException(Problem.of(MinioErrorCode.ENDPOINT_UNREACHABLE,
                        "TLS with MinIO at " + url + " failed: " + ssl.getMessage(),
                        "a certificate this command trusts, for the URL's host name", Tls.fix()));
            });
            LOG.info("MinIO at {} did not answer the TLS check ({}); the steps that need it reach it later", url,
                    e.getClass().getSimpleName());
        }
    }

    private static void probeOpenSearch(String url, OpenSearchClient probe) {
        try {
            probe.info();
        } catch (Exception e) {
            Tls.failure(e).ifPresent(ssl -> {
                throw new ConfigurationException(Problem.of(OpenSearchErrorCode.NODE_UNREACHABLE,
                        "TLS with OpenSearch at " + url + " failed: " + ssl.getMessage(),
                        "a certificate this command trusts, for the URL's host name", Tls.fix()));
            });
            LOG.info("OpenSearch at {} did not answer the TLS check ({}); the steps that need it reach it later", url,
                    e.getClass().getSimpleName());
        }
    }

    private static MinioClient minio(String endpoint, String accessKey, String secretKey, OkHttpClient http) {
        // HTTP/1.1 only: MinIO behind Kaapana's ingress; TLS as the options say (Tls).
        try {
            return MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey).httpClient(http, true)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UsageException("--minio-url " + endpoint + " is not a URL MinIO accepts (" + e.getMessage()
                    + "); expected https://host[:port]");
        }
    }

    private static OpenSearchClient openSearch(String url, String user, String password, Tls tls) {
        HttpHost host;
        try {
            host = HttpHost.create(url);
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new UsageException("--opensearch-url " + url + " is not a URL (" + e.getMessage()
                    + "); expected https://host:9200");
        }
        ApacheHttpClient5TransportBuilder b = ApacheHttpClient5TransportBuilder.builder(host)
                .setMapper(new JacksonJsonpMapper());
        BasicCredentialsProvider credentials = new BasicCredentialsProvider();
        if (user != null) {
            credentials.setCredentials(new AuthScope(host), new UsernamePasswordCredentials(user,
                    password.toCharArray()));
        }
        java.util.Optional<TlsStrategy> strategy = tls.strategy();
        b = b.setHttpClientConfigCallback(c -> {
            c.setDefaultCredentialsProvider(credentials);
            // a connection manager of our own replaces the transport's: keep its pool sizes and response timeout
            strategy.ifPresent(s -> c.setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                    .setMaxConnPerRoute(ApacheHttpClient5TransportBuilder.DEFAULT_MAX_CONN_PER_ROUTE)
                    .setMaxConnTotal(ApacheHttpClient5TransportBuilder.DEFAULT_MAX_CONN_TOTAL)
                    .setTlsStrategy(s).setDefaultConnectionConfig(ConnectionConfig.custom()
                            .setConnectTimeout(Timeout.ofSeconds(30))
                            .setSocketTimeout(Timeout.ofMilliseconds(
                                    ApacheHttpClient5TransportBuilder.DEFAULT_RESPONSE_TIMEOUT_MILLIS)).build())
                    .build()));
            return c;
        });
        OpenSearchTransport transport = b.build();
        return new OpenSearchClient(transport);
    }
}
