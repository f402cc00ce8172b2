package dev.kaapanamigrate.testkit.internal;

import io.minio.MinioClient;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/** Builds and closes the clients the backends hand out. */
public final class Clients {

    private static final Logger LOG = LoggerFactory.getLogger(Clients.class);

    private Clients() {
    }

    /**
     * A MinIO client with a fixed region, so it never asks the server for a bucket's location first.
     *
     * <p>It gets its own OkHttp client (JDK trust store, TLS verification on): MinIO SDK 9's default client
     * parses every certificate named by the environment variables {@code SSL_CERT_FILE} and
     * {@code SSL_CERT_DIR} each time a client is built, which took about 2 s per client on the build
     * machines. The MinIO client closes the OkHttp client when it is closed.
     *
     * @param endpoint  the endpoint URL
     * @param accessKey the access key
     * @param secretKey the secret key
     * @return the client
     */
    public static MinioClient minio(String endpoint, String accessKey, String secretKey) {
        OkHttpClient http = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(30))
                .readTimeout(Duration.ofMinutes(5))
                .writeTimeout(Duration.ofMinutes(5))
                .protocols(List.of(Protocol.HTTP_1_1))
                .build();
        return MinioClient.builder().endpoint(endpoint).region("us-east-1").credentials(accessKey, secretKey)
                .httpClient(http, true).build();
    }

    /**
     * An OpenSearch client over plain HTTP.
     *
     * @param host the host
     * @param port the HTTP port
     * @return the client; close {@code client._transport()} when done
     */
    public static OpenSearchClient openSearch(String host, int port) {
        OpenSearchTransport transport = ApacheHttpClient5TransportBuilder.builder(new HttpHost("http", host, port))
                .setMapper(new JacksonJsonpMapper())
                .build();
        return new OpenSearchClient(transport);
    }

    /**
     * Closes a MinIO client, logging (not throwing) a failure.
     *
     * @param client the client
     */
    public static void closeQuietly(MinioClient client) {
        try {
            client.close();
        } catch (Exception e) {
            LOG.warn("Closing the MinIO client failed: {}", e.toString());
        }
    }

    /**
     * Closes an OpenSearch client's transport, logging (not throwing) a failure.
     *
     * @param client the client
     */
    public static void closeQuietly(OpenSearchClient client) {
        try {
            client._transport().close();
        } catch (Exception e) {
            LOG.warn("Closing the OpenSearch client transport failed: {}", e.toString());
        }
    }
}
