package dev.kaapanamigrate.kaapana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A loopback stand-in of Kaapana 0.5's workflow API for whole-plan tests: {@code POST /kaapana-backend/client/workflow}
 * records the body and answers the created workflow, {@code GET /kaapana-backend/client/jobs} answers one finished job.
 */
final class WorkflowApiStandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<JsonNode> started = Collections.synchronizedList(new ArrayList<>());

    WorkflowApiStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/kaapana-backend/client/", this::handle);
        server.start();
    }

    /** The platform's base URL. */
    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The bodies of the workflows started, in order. */
    List<JsonNode> started() {
        return List.copyOf(started);
    }

    private void handle(HttpExchange x) throws IOException {
        String answer;
        if (x.getRequestMethod().equals("POST")) {
            JsonNode body = JSON.readTree(x.getRequestBody().readAllBytes());
            started.add(body);
            answer = "{\"workflow_id\":\"w" + started.size() + "\",\"workflow_name\":\""
                    + body.path("workflow_name").asText() + "-w" + started.size() + "\"}";
        } else {
            answer = "[{\"id\":\"j1\",\"status\":\"finished\"}]";
        }
        byte[] out = answer.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(200, out.length);
        x.getResponseBody().write(out);
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
