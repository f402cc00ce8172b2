package dev.kaapanamigrate.kaapana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kaapanamigrate.core.MigrationException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link DicomWebSeries} against a loopback QIDO-RS stand-in with paging (limit/offset, 204 at the end). */
class DicomWebSeriesTest {

    private HttpServer server;
    private final List<String> queries = Collections.synchronizedList(new ArrayList<>());
    private final List<String> tokens = Collections.synchronizedList(new ArrayList<>());
    private final List<String> series = new ArrayList<>();
    private final AtomicInteger failFirst = new AtomicInteger();
    private volatile boolean ignoreOffset;

    @BeforeEach
    void start() throws IOException {
        for (int i = 0; i < 25; i++) {
            series.add("1.2.840." + (1000 + i));
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/dcm4chee-arc/aets/KAAPANA/rs/series", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        String query = x.getRequestURI().getQuery();
        queries.add(query);
        tokens.add(x.getRequestHeaders().getFirst("Authorization"));
        if (failFirst.getAndDecrement() > 0) {
            x.sendResponseHeaders(503, -1);
            x.close();
            return;
        }
        Map<String, String> q = Stream.of(query.split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> p[1]));
        int limit = Integer.parseInt(q.get("limit"));
        int offset = ignoreOffset ? 0 : Integer.parseInt(q.get("offset"));
        List<String> page = series.subList(Math.min(offset, series.size()), Math.min(offset + limit, series.size()));
        if (page.isEmpty()) {
            x.sendResponseHeaders(204, -1);
            x.close();
            return;
        }
        String body = page.stream().map(uid -> "{\"0020000E\":{\"vr\":\"UI\",\"Value\":[\"" + uid + "\"]}}")
                .collect(Collectors.joining(",", "[", "]"));
        byte[] out = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/dicom+json");
        x.sendResponseHeaders(200, out.length);
        x.getResponseBody().write(out);
        x.close();
    }

    private DicomWebSeries pacs() {
        AtomicInteger n = new AtomicInteger();
        return DicomWebSeries.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                + "/dcm4chee-arc/aets/KAAPANA/rs"), () -> "qido-token-" + n.incrementAndGet()).withPageSize(10);
    }

    @Test
    void everySeriesIsReadPageByPageWithAFreshTokenAndAFailedPageTriedAgain() {
        failFirst.set(1);
        List<String> seen = new ArrayList<>();

        long n = pacs().forEachSeries(seen::add);

        assertThat(n).isEqualTo(25);
        assertThat(seen).containsExactlyElementsOf(series);
        assertThat(queries).containsExactly("includefield=0020000E&limit=10&offset=0",
                "includefield=0020000E&limit=10&offset=0", "includefield=0020000E&limit=10&offset=10",
                "includefield=0020000E&limit=10&offset=20", "includefield=0020000E&limit=10&offset=25");
        assertThat(tokens).doesNotHaveDuplicates().allMatch(t -> t.startsWith("Bearer qido-token-"));
    }

    @Test
    void aServerThatIgnoresTheOffsetIsRefusedInsteadOfListingTheFirstPageForever() {
        ignoreOffset = true;
        assertThatThrownBy(() -> pacs().forEachSeries(uid -> { }))
                .isInstanceOf(MigrationException.class)
                .hasMessageContaining("ignores the offset parameter")
                .hasMessageNotContaining("qido-token");
    }
}
