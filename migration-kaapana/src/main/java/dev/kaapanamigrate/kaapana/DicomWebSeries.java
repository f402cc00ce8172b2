package dev.kaapanamigrate.kaapana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.Problem;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The series a PACS holds, found through DICOMweb's QIDO-RS series search ({@code GET <base>/series}) with paging
 * ({@code limit}, {@code offset}) and only the SeriesInstanceUID asked for ({@code includefield=0020000E}), on the
 * caller's HTTP client (TLS verification on unless the caller's client turns it off) with the access token a supplier
 * gives before each request ({@code Authorization: Bearer}; tokens expire). The token never appears in a message, log
 * or result. Used by {@link ConsistencyStep} to compare the PACS with the mappings and the index once 0.5 runs.
 *
 * <pre>{@code
 * DicomWebSeries pacs = DicomWebSeries.of(URI.create("https://kaapana.example/dicom-web-filter"), tokens::accessToken)
 *         .withPageSize(1000);
 * pacs.forEachSeries(uid -> ...);                  // page by page, in the server's order
 * }</pre>
 *
 * <p>Paging: the next page starts at the offset after the entries received (a server may cap a page below the limit),
 * until a page is empty ({@code 204 No Content} or {@code []}). A page that starts with the same series as the previous
 * one means the server ignores {@code offset}: refused rather than looping. A 5xx answer or a broken connection is
 * retried (3 attempts, 0.5 s then 1 s apart); other errors are {@link KaapanaErrorCode#DICOMWEB_FAILED}.
 */
public final class DicomWebSeries {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SERIES_UID = "0020000E";
    private static final int ATTEMPTS = 3;

    private final URI base;
    private final Supplier<String> token;
    private final HttpClient client;
    private final int pageSize;
    private final Duration requestTimeout;

    private DicomWebSeries(URI base, Supplier<String> token, HttpClient client, int pageSize, Duration requestTimeout) {
        this.base = base;
        this.token = token;
        this.client = client;
        this.pageSize = pageSize;
        this.requestTimeout = requestTimeout;
    }

    /**
     * A series search at a DICOMweb base URL, with a default HTTP client (TLS verification on, 10 s connect timeout).
     *
     * @param base        the QIDO-RS base URL, for example {@code https://kaapana.example/dicom-web-filter}
     * @param accessToken gives the access token before each request; {@code null} (or a supplier returning
     *                    {@code null}) sends none
     * @return the search
     */
    public static DicomWebSeries of(URI base, Supplier<String> accessToken) {
        Objects.requireNonNull(base, "base");
        if (base.getScheme() == null || !(base.getScheme().equals("https") || base.getScheme().equals("http"))) {
            throw new IllegalArgumentException("the DICOMweb base URL must be http or https, was " + redacted(base));
        }
        String s = base.toString();
        URI b = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        return new DicomWebSeries(b, accessToken, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build(), 1000, Duration.ofMinutes(2));
    }

    /**
     * The caller's HTTP client (its TLS context, proxy, authenticator and timeouts).
     *
     * @param httpClient the client
     * @return a new search
     */
    public DicomWebSeries withHttpClient(HttpClient httpClient) {
        return new DicomWebSeries(base, token, Objects.requireNonNull(httpClient, "httpClient"), pageSize, requestTimeout);
    }

    /**
     * How many series a page asks for ({@code limit}).
     *
     * @param n the page size, at least 1
     * @return a new search
     */
    public DicomWebSeries withPageSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1, was " + n);
        }
        return new DicomWebSeries(base, token, client, n, requestTimeout);
    }

    /**
     * How long one request may take.
     *
     * @param timeout the timeout
     * @return a new search
     */
    public DicomWebSeries withRequestTimeout(Duration timeout) {
        return new DicomWebSeries(base, token, client, pageSize, Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * The endpoint as messages name it (no user information, query or fragment).
     *
     * @return the base URL
     */
    public String endpoint() {
        return redacted(base);
    }

    /**
     * Calls {@code sink} with every SeriesInstanceUID the PACS holds, page by page, in the server's order (a series may
     * come twice when the PACS changes while it is read; the consistency check sorts and de-duplicates).
     *
     * @param sink receives the UIDs
     * @return how many were received
     * @throws MigrationException with {@link KaapanaErrorCode#DICOMWEB_FAILED} when the search fails
     */
    public long forEachSeries(Consumer<String> sink) {
        long offset = 0;
        String previousFirst = null;
        while (true) {
            URI page = URI.create(base + "/series?includefield=" + SERIES_UID + "&limit=" + pageSize + "&offset=" + offset);
            JsonNode results = fetch(page);
            if (results == null || results.isEmpty()) {
                return offset;
            }
            if (!results.isArray()) {
                throw failure("the answer to " + redacted(page) + " is not a JSON array of DICOM datasets", null);
            }
            String first = null;
            for (JsonNode dataset : results) {
                JsonNode value = dataset.path(SERIES_UID).path("Value");
                if (!value.isArray() || value.isEmpty() || !value.get(0).isTextual()) {
                    throw failure("a dataset of " + redacted(page) + " has no SeriesInstanceUID (0020000E Value)", null);
                }
                String uid = value.get(0).asText();
                if (first == null) {
                    first = uid;
                }
                sink.accept(uid);
            }
            if (first.equals(previousFirst)) {
                throw failure("the page at offset " + offset + " of " + endpoint() + " starts with the same series as the "
                        + "page before (" + first + "): the server ignores the offset parameter", null);
            }
            previousFirst = first;
            offset += results.size();
        }
    }

    private JsonNode fetch(URI page) {
        IOException lastIo = null;
        int lastStatus = 0;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            HttpRequest.Builder req = HttpRequest.newBuilder(page).timeout(requestTimeout).GET()
                    .header("Accept", "application/dicom+json");
            String t = token == null ? null : token.get();
            if (t != null) {
                req.header("Authorization", "Bearer " + t);
            }
            try {
                HttpResponse<byte[]> r = client.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
                int status = r.statusCode();
                if (status == 204) {
                    return null;
                }
                if (status == 200) {
                    byte[] body = r.body();
                    return body.length == 0 ? null : JSON.readTree(body);
                }
                if (status >= 500) {
                    lastStatus = status;
                    lastIo = null;
                } else {
                    throw failure(redacted(page) + " answered HTTP " + status + (status == 401 || status == 403
                            ? " (the access token was refused or its user may not search the PACS)" : "") + ": "
                            + excerpt(r.body(), t), null);
                }
            } catch (IOException e) {
                lastIo = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("interrupted while searching " + endpoint(), e);
            }
            if (attempt < ATTEMPTS) {
                sleep(Duration.ofMillis(500L << (attempt - 1)));
            }
        }
        throw failure(redacted(page) + (lastIo != null ? " could not be reached: " + lastIo.getClass().getSimpleName()
                + (lastIo.getMessage() == null ? "" : " " + lastIo.getMessage())
                : " answered HTTP " + lastStatus) + " (after " + ATTEMPTS + " attempts)", lastIo);
    }

    private MigrationException failure(String found, Exception cause) {
        return new MigrationException(Problem.of(KaapanaErrorCode.DICOMWEB_FAILED, found,
                "a QIDO-RS series search at " + endpoint() + " answering pages of DICOM JSON",
                "check the DICOMweb base URL, that the token's user may search the PACS, and the TLS trust of the HTTP "
                        + "client; then run again"), cause);
    }

    private static String excerpt(byte[] body, String token) {
        String s = new String(body, 0, Math.min(body.length, 300), java.nio.charset.StandardCharsets.UTF_8);
        return token == null || token.isEmpty() ? s : s.replace(token, "***");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String redacted(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme() + "://";
        String host = uri.getHost() == null ? "" : uri.getHost();
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return scheme + host + port + path;
    }

    @Override
    public String toString() {
        return "DicomWebSeries[" + endpoint() + "]";
    }
}
