package dev.kaapanamigrate.opensearch.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.opensearch.OpenSearchErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.stream.Collectors;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.Request;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5Transport;

/**
 * The caller's client, used through its generic (raw JSON) API so that every answer is handled the same way: a status,
 * a body, and the errors every step shares (unreachable, 401, 403) turned into coded exceptions naming the endpoint.
 * Credentials stay inside the client's transport: nothing here reads, logs or repeats them.
 */
public final class Endpoint {

    /** The JSON mapper for small answers (settings, mappings, security resources). */
    public static final ObjectMapper JSON = new ObjectMapper();

    private final OpenSearchClient client;
    private final String name;

    /**
     * Wraps a client.
     *
     * @param client the caller's client
     * @param name   how to name the endpoint in messages, or {@code null} to read it from the client's transport
     */
    public Endpoint(OpenSearchClient client, String name) {
        this.client = Objects.requireNonNull(client, "client");
        this.name = name != null ? name : describe(client);
    }

    /**
     * The endpoint as messages name it: the node URLs of an Apache HttpClient 5 transport (scheme, host and port only),
     * otherwise the transport's kind.
     *
     * @param client the client
     * @return for example {@code http://127.0.0.1:9200}
     */
    static String describe(OpenSearchClient client) {
        try {
            if (client._transport() instanceof ApacheHttpClient5Transport t) {
                String hosts = t.getNodes().keySet().stream().map(n -> n.getHost().toURI()).sorted()
                        .collect(Collectors.joining(", "));
                if (!hosts.isEmpty()) {
                    return hosts;
                }
            }
        } catch (RuntimeException e) {
            // fall through to the transport's kind
        }
        return "the OpenSearch node of the client (" + client._transport().getClass().getSimpleName() + ")";
    }

    /**
     * How messages name the endpoint.
     *
     * @return the endpoint's name
     */
    public String name() {
        return name;
    }

    /**
     * An answer: status and body.
     *
     * @param status the HTTP status
     * @param reason the status line's reason
     * @param body   the body, possibly empty
     */
    public record Reply(int status, String reason, byte[] body) {
        /**
         * Whether the status is 2xx.
         *
         * @return {@code true} for success
         */
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /**
         * The body as text.
         *
         * @return the text
         */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /**
         * The body as a JSON tree.
         *
         * @return the tree; an empty object for an empty body
         */
        public JsonNode json() {
            try {
                return body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("the node's answer is not JSON: " + e.getMessage(), e);
            }
        }

        /**
         * The error type OpenSearch gives ({@code error.type}), or empty.
         *
         * @return for example {@code index_not_found_exception}
         */
        public String errorType() {
            try {
                JsonNode e = json().path("error");
                return e.isTextual() ? "" : e.path("type").asText("");
            } catch (RuntimeException ex) {
                return "";
            }
        }

        /**
         * A short reason for messages: {@code error.reason}, a security {@code message}, or the start of the body.
         *
         * @return the reason, never a header or credential
         */
        public String shortReason() {
            try {
                JsonNode j = json();
                JsonNode e = j.path("error");
                if (e.isTextual()) {
                    return e.asText();
                }
                if (e.has("reason")) {
                    return e.path("type").asText("") + ": " + e.path("reason").asText("");
                }
                if (j.has("message")) {
                    return j.path("message").asText();
                }
            } catch (RuntimeException ignored) {
                // not JSON
            }
            String t = text().strip();
            return t.length() > 300 ? t.substring(0, 300) + "…" : (t.isEmpty() ? reason : t);
        }
    }

    /**
     * A request whose answer is read whole (small answers).
     *
     * @param method the HTTP method
     * @param path   the path with query, for example {@code /project_admin/_mapping}
     * @param json   the JSON body, or {@code null}
     * @return the answer; 401 never returns (it throws)
     */
    public Reply call(String method, String path, String json) {
        try (Response r = client.generic().execute(request(method, path, json))) {
            Reply reply = new Reply(r.getStatus(), r.getReason(), bytes(r));
            if (reply.status() == 401) {
                throw unauthorized(method, path);
            }
            return reply;
        } catch (IOException e) {
            Reply reply = answerIn(e);
            if (reply == null) {
                throw unreachable(method, path, e);
            }
            if (reply.status() == 401) {
                throw unauthorized(method, path);
            }
            return reply;
        }
    }

    /**
     * The answer an Apache HttpClient 5 transport turned into an exception (it throws for 401 and 403 even through
     * the generic client), or {@code null} when the exception holds none (no answer at all).
     */
    private static Reply answerIn(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.opensearch.client.transport.httpclient5.ResponseException re) {
                // Its message is "method [..], host [..], URI [..], status line [..]" and the body on the next line.
                String m = String.valueOf(re.getMessage());
                int nl = m.indexOf('\n');
                byte[] body = nl < 0 ? new byte[0] : m.substring(nl + 1).getBytes(StandardCharsets.UTF_8);
                return new Reply(re.status(), re.status() == 401 ? "Unauthorized" : re.status() == 403 ? "Forbidden"
                        : "HTTP " + re.status(), body);
            }
        }
        return null;
    }

    /** Reads a streamed answer. */
    @FunctionalInterface
    public interface BodyReader<T> {
        /**
         * Reads the body.
         *
         * @param body the body
         * @return what was read
         * @throws IOException when reading fails
         */
        T read(InputStream body) throws IOException;
    }

    /**
     * A request whose successful answer is read as a stream (search pages); an error answer is returned as a reply
     * through {@code onError}.
     *
     * @param method  the method
     * @param path    the path
     * @param json    the body, or {@code null}
     * @param reader  reads a 2xx body
     * @param onError turns an error reply into an exception
     * @param <T>     what the reader returns
     * @return what the reader returned
     */
    public <T> T stream(String method, String path, String json, BodyReader<T> reader,
                        java.util.function.Function<Reply, RuntimeException> onError) {
        try (Response r = client.generic().execute(request(method, path, json))) {
            if (r.getStatus() == 401) {
                throw unauthorized(method, path);
            }
            if (r.getStatus() < 200 || r.getStatus() >= 300) {
                throw onError.apply(new Reply(r.getStatus(), r.getReason(), bytes(r)));
            }
            Body body = r.getBody().orElseThrow(() -> new IOException("the node sent no body"));
            try (InputStream in = body.body()) {
                return reader.read(in);
            }
        } catch (IOException e) {
            Reply reply = answerIn(e);
            if (reply == null) {
                throw unreachable(method, path, e);
            }
            if (reply.status() == 401) {
                throw unauthorized(method, path);
            }
            throw onError.apply(reply);
        }
    }

    /**
     * An answer's body, copied once (empty without one): {@link Body#bodyAsBytes} grows a buffer from 32 bytes and
     * copies it again at the end, about three times a search page's size in garbage per page.
     */
    private static byte[] bytes(Response r) throws IOException {
        if (r.getBody().isEmpty()) {
            return new byte[0];
        }
        try (InputStream in = r.getBody().get().body()) {
            return in.readAllBytes();
        }
    }

    private static Request request(String method, String path, String json) {
        var b = Requests.builder().method(method).endpoint(path);
        if (json != null) {
            b = b.json(json);
        }
        return b.build();
    }

    /**
     * The coded error for an answer that was not expected: 403 as access denied, anything else as a failed request.
     *
     * @param what  what the request was for, for example {@code "listing index project_admin"}
     * @param reply the answer
     * @return the exception
     */
    public MigrationException failure(String what, Reply reply) {
        if (reply.status() == 403) {
            return new MigrationException(Problem.of(OpenSearchErrorCode.ACCESS_DENIED,
                    name + " answered 403 Forbidden to " + what + " (" + reply.shortReason() + ")",
                    "the client's user to have read access to the Kaapana indices",
                    OpenSearchErrorCode.ACCESS_DENIED.remedy()), null);
        }
        if (reply.status() == 404 && "index_not_found_exception".equals(reply.errorType())) {
            return new MigrationException(Problem.of(OpenSearchErrorCode.INDEX_MISSING,
                    name + " has no such index for " + what + " (" + reply.shortReason() + ")",
                    "the index to exist", OpenSearchErrorCode.INDEX_MISSING.remedy()), null);
        }
        return new MigrationException(Problem.of(OpenSearchErrorCode.REQUEST_FAILED,
                name + " answered " + reply.status() + " " + reply.reason() + " to " + what + ": " + reply.shortReason(),
                "a successful answer", OpenSearchErrorCode.REQUEST_FAILED.remedy()), null);
    }

    private MigrationException unauthorized(String method, String path) {
        return new MigrationException(Problem.of(OpenSearchErrorCode.AUTHENTICATION_FAILED,
                name + " answered 401 Unauthorized to " + method + " " + pathOnly(path),
                "the client's credentials to be accepted",
                "give the OpenSearchClient the credentials of an admin user of Kaapana's OpenSearch (or a valid token); "
                        + "the library never sees or logs them"), null);
    }

    private MigrationException unreachable(String method, String path, IOException e) {
        return new MigrationException(Problem.of(OpenSearchErrorCode.NODE_UNREACHABLE,
                "no answer from " + name + " to " + method + " " + pathOnly(path) + " (" + e.getClass().getSimpleName()
                        + ": " + safe(e.getMessage()) + ")",
                "a running OpenSearch node at " + name,
                "start the platform (the step needs " + "OpenSearch running), check the client's endpoint, port and "
                        + "TLS trust, and any port-forward to the node"), e);
    }

    private static String pathOnly(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    /** Removes anything that looks like user information in a URL from a message. */
    static String safe(String message) {
        if (message == null) {
            return "no detail";
        }
        return message.replaceAll("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s]*@", "$1");
    }
}
