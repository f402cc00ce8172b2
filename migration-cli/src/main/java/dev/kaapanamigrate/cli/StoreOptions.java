package dev.kaapanamigrate.cli;

import dev.kaapanamigrate.kaapana.KaapanaMigration;
import dev.kaapanamigrate.minio.MinioPolicyAdmin;
import dev.kaapanamigrate.minio.MinioSteps;
import dev.kaapanamigrate.minio.MinioStore;
import dev.kaapanamigrate.opensearch.OpenSearchSteps;
import io.minio.MinioClient;
import io.minio.credentials.StaticProvider;
import java.io.Console;
import java.io.IOException;
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
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import picocli.CommandLine.Option;

/**
 * The stores' endpoints and credentials. Secrets never come from the command line (visible to every user through
 * {@code ps}, kept in shell histories): only from an environment variable, a file, or a prompt on a terminal. A secret
 * given as an argument is refused without being echoed. TLS verification stays on (the JVM's trust store; add a CA with
 * {@code JAVA_OPTS=-Djavax.net.ssl.trustStore=...}).
 */
final class StoreOptions {

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

    KaapanaMigration configure(KaapanaMigration m, Map<String, String> env, boolean interactive) {
        refuseSecretArguments();
        KaapanaMigration out = m;
        if (minioUrl != null) {
            if (minioAccessKey == null) {
                throw new UsageException("--minio-url is given without --minio-access-key; expected both (and the secret "
                        + "key in " + MINIO_SECRET_VARIABLE + " or --minio-secret-key-file)");
            }
            if (minioSecret == null) {
                minioSecret = secret("MinIO secret key", MINIO_SECRET_VARIABLE, minioSecretKeyFile, env, interactive);
            }
            String secret = minioSecret;
            out = out.objectStore(MinioSteps.of(MinioStore.of(minio(minioUrl, minioAccessKey, secret), minioUrl)
                    .withPolicyAdmin(MinioPolicyAdmin.of(minioUrl, new StaticProvider(minioAccessKey, secret, null)))));
        }
        if (openSearchUrl != null) {
            if (openSearchUser != null && openSearchPassword == null) {
                openSearchPassword = secret("OpenSearch password", OPENSEARCH_PASSWORD_VARIABLE, openSearchPasswordFile,
                        env, interactive);
            }
            String password = openSearchPassword;
            out = out.searchIndex(OpenSearchSteps.of(openSearch(openSearchUrl, openSearchUser, password)));
        }
        return out;
    }

    static String secret(String what, String variable, Path file, Map<String, String> env, boolean interactive) {
        if (file != null) {
            try {
                return Files.readString(file).strip();
            } catch (IOException e) {
                throw new UsageException("the " + what + " file " + file + " cannot be read (" + e.getClass()
                        .getSimpleName() + "); expected a readable file holding only the secret; check the path and "
                        + "its permissions");
            }
        }
        String value = env.get(variable);
        if (value != null && !value.isEmpty()) {
            return value;
        }
        Console console = System.console();
        if (interactive && console != null) {
            char[] typed = console.readPassword("%s: ", what);
            if (typed != null && typed.length > 0) {
                return new String(typed);
            }
        }
        throw new UsageException("the " + what + " is missing; expected it in " + variable + " or in a file named by "
                + "the matching --...-file option (or typed at the prompt of an interactive run)");
    }

    private static MinioClient minio(String endpoint, String accessKey, String secretKey) {
        // HTTP/1.1 only: MinIO behind Kaapana's ingress; TLS verification by the JVM's trust store.
        OkHttpClient http = new OkHttpClient.Builder().connectTimeout(Duration.ofSeconds(30))
                .readTimeout(Duration.ofMinutes(5)).writeTimeout(Duration.ofMinutes(5))
                .protocols(List.of(Protocol.HTTP_1_1)).build();
        try {
            return MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey).httpClient(http, true)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UsageException("--minio-url " + endpoint + " is not a URL MinIO accepts (" + e.getMessage()
                    + "); expected https://host[:port]");
        }
    }

    private static OpenSearchClient openSearch(String url, String user, String password) {
        HttpHost host;
        try {
            host = HttpHost.create(url);
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new UsageException("--opensearch-url " + url + " is not a URL (" + e.getMessage()
                    + "); expected https://host:9200");
        }
        ApacheHttpClient5TransportBuilder b = ApacheHttpClient5TransportBuilder.builder(host)
                .setMapper(new JacksonJsonpMapper());
        if (user != null) {
            BasicCredentialsProvider credentials = new BasicCredentialsProvider();
            credentials.setCredentials(new AuthScope(host), new UsernamePasswordCredentials(user,
                    password.toCharArray()));
            b = b.setHttpClientConfigCallback(c -> c.setDefaultCredentialsProvider(credentials));
        }
        OpenSearchTransport transport = b.build();
        return new OpenSearchClient(transport);
    }
}
