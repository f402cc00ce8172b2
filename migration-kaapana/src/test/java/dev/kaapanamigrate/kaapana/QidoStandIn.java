package dev.kaapanamigrate.kaapana;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A loopback stand-in of a PACS's QIDO-RS series search ({@code GET <base>/series?limit=&offset=}): pages of DICOM JSON
 * with the SeriesInstanceUID of each series, {@code 204} past the end.
 */
final class QidoStandIn implements AutoCloseable {

    static final String BASE = "/dcm4chee-arc/aets/KAAPANA/rs";

    private final HttpServer server;
    private final List<String> series;

    private QidoStandIn(List<String> series) {
        this.series = List.copyOf(series);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext(BASE + "/series", this::handle);
        server.start();
    }

    /**
     * Serves these series, in this order.
     *
     * @param series the SeriesInstanceUIDs
     * @return the running stand-in
     */
    static QidoStandIn serving(List<String> series) {
        return new QidoStandIn(series);
    }

    /** The DICOMweb base URL. */
    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + BASE);
    }

    private void handle(HttpExchange x) throws IOException {
        Map<String, String> q = Stream.of(x.getRequestURI().getQuery().split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> p[1]));
        int limit = Integer.parseInt(q.get("limit"));
        int offset = Integer.parseInt(q.get("offset"));
        List<String> page = series.subList(Math.min(offset, series.size()), Math.min(offset + limit, series.size()));
        if (page.isEmpty()) {
            x.sendResponseHeaders(204, -1);
            x.close();
            return;
        }
        byte[] out = page.stream().map(uid -> "{\"0020000E\":{\"vr\":\"UI\",\"Value\":[\"" + uid + "\"]}}")
                .collect(Collectors.joining(",", "[", "]")).getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/dicom+json");
        x.sendResponseHeaders(200, out.length);
        x.getResponseBody().write(out);
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
