package dev.kaapanamigrate.kaapana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.Problem;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kaapana 0.5's workflow API behind the platform's gateway (reference §15): {@code POST
 * /kaapana-backend/client/workflow} starts a DAG for a project (header {@code Project}: the project as JSON), and
 * {@code GET /kaapana-backend/client/jobs?workflow_name=…} lists the workflow's jobs with their status. On the caller's
 * HTTP client (TLS verification on unless the caller's client turns it off), with the access token a supplier gives
 * before <em>every</em> request ({@code Authorization: Bearer}; Keycloak tokens expire long before the workflows finish).
 * The token never appears in a message, a log or a result.
 *
 * <pre>{@code
 * WorkflowApi api = WorkflowApi.of(URI.create("https://kaapana.example"), keycloak::freshAccessToken);
 * }</pre>
 *
 * <p>Retries (default 4 attempts, 0.5 s doubling up to 8 s apart): a {@code GET} on any 5xx answer or a broken
 * connection; a {@code POST} only when nothing can have been created — 502, 503, 504 (the gateway did not reach the
 * service, or the service was unavailable) or a refused connection — since a 500 or a connection lost after sending may
 * have created the workflow, and a second one would run the DAG twice. Other errors are
 * {@link KaapanaErrorCode#WORKFLOW_API_FAILED}.
 */
public final class WorkflowApi {

    private static final Logger LOG = LoggerFactory.getLogger(WorkflowApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String WORKFLOW_PATH = "/kaapana-backend/client/workflow";
    static final String JOBS_PATH = "/kaapana-backend/client/jobs";

    private final URI base;
    private final Supplier<String> token;
    private final HttpClient client;
    private final int attempts;
    private final Duration firstBackoff;
    private final Duration requestTimeout;

    private WorkflowApi(URI base, Supplier<String> token, HttpClient client, int attempts, Duration firstBackoff,
                        Duration requestTimeout) {
        this.base = base;
        this.token = token;
        this.client = client;
        this.attempts = attempts;
        this.firstBackoff = firstBackoff;
        this.requestTimeout = requestTimeout;
    }

    /**
     * The workflow API of a platform, with a default HTTP client (TLS verification on, 10 s connect timeout).
     *
     * @param base        the platform's base URL, for example {@code https://kaapana.example}
     * @param accessToken gives a valid access token before each request (of a user with realm role {@code admin}, who
     *                    may start any DAG)
     * @return the API
     */
    public static WorkflowApi of(URI base, Supplier<String> accessToken) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(accessToken, "accessToken");
        if (base.getScheme() == null || !(base.getScheme().equals("https") || base.getScheme().equals("http"))) {
            throw new IllegalArgumentException("the platform's base URL must be http or https, was " + redacted(base));
        }
        String s = base.toString();
        return new WorkflowApi(URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s), accessToken,
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER)
                        .build(), 4, Duration.ofMillis(500), Duration.ofMinutes(2));
    }

    /**
     * The caller's HTTP client (its TLS context, proxy and timeouts).
     *
     * @param httpClient the client
     * @return a new API
     */
    public WorkflowApi withHttpClient(HttpClient httpClient) {
        return new WorkflowApi(base, token, Objects.requireNonNull(httpClient, "httpClient"), attempts, firstBackoff,
                requestTimeout);
    }

    /**
     * How often a request is tried and how long the first wait is (it doubles, up to 8 s).
     *
     * @param n            attempts, at least 1
     * @param firstBackoff the first wait
     * @return a new API
     */
    public WorkflowApi withRetries(int n, Duration firstBackoff) {
        if (n < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, was " + n);
        }
        return new WorkflowApi(base, token, client, n, Objects.requireNonNull(firstBackoff, "firstBackoff"),
                requestTimeout);
    }

    /**
     * How long one request may take.
     *
     * @param timeout the timeout
     * @return a new API
     */
    public WorkflowApi withRequestTimeout(Duration timeout) {
        return new WorkflowApi(base, token, client, attempts, firstBackoff, Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * The endpoint as messages name it (no user information, query or fragment).
     *
     * @return the base URL
     */
    public String endpoint() {
        return redacted(base);
    }

    /** A started workflow, as the API answered. */
    record Started(String workflowId, String workflowName) {
    }

    /** One job of a workflow. */
    record Job(String id, String status) {
    }

    /**
     * Starts a DAG.
     *
     * @param projectJson the {@code Project} header
     * @param body        the request body
     * @return the started workflow
     */
    Started start(String projectJson, JsonNode body) {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        JsonNode answer = call("POST", URI.create(base + WORKFLOW_PATH), projectJson, json);
        String id = answer.path("workflow_id").asText(null);
        String name = answer.path("workflow_name").asText(null);
        if (name == null && id != null) {
            name = body.path("workflow_name").asText() + "-" + id;
        }
        if (name == null) {
            throw failure("the answer to POST " + endpoint() + WORKFLOW_PATH + " names no workflow (no workflow_name, "
                    + "no workflow_id)", null);
        }
        return new Started(id, name);
    }

    /**
     * The jobs of a workflow.
     *
     * @param workflowName the workflow's name, as the start answered it
     * @return its jobs
     */
    List<Job> jobs(String workflowName) {
        JsonNode answer = call("GET", URI.create(base + JOBS_PATH + "?workflow_name="
                + URLEncoder.encode(workflowName, StandardCharsets.UTF_8)), null, null);
        JsonNode list = answer.isArray() ? answer : answer.path("jobs");
        List<Job> out = new ArrayList<>();
        for (JsonNode j : list) {
            out.add(new Job(j.path("id").asText(""), j.path("status").asText("")));
        }
        return out;
    }

    private JsonNode call(String method, URI uri, String projectJson, byte[] body) {
        String where = method + " " + redacted(uri);
        IOException lastIo = null;
        int lastStatus = 0;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            String t = token.get();
            HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                    .header("Accept", "application/json");
            if (t != null) {
                req.header("Authorization", "Bearer " + t);
            }
            if (projectJson != null) {
                req.header("Project", projectJson);
            }
            if (body != null) {
                req.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(body));
            } else {
                req.method(method, HttpRequest.BodyPublishers.noBody());
            }
            boolean retry;
            try {
                HttpResponse<byte[]> r = client.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
                int status = r.statusCode();
                if (status >= 200 && status < 300) {
                    return r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
                }
                lastStatus = status;
                lastIo = null;
                retry = status >= 500 && (method.equals("GET") || status == 502 || status == 503 || status == 504);
                if (!retry) {
                    throw failure(where + " answered HTTP " + status + explain(status, method) + ": " + excerpt(r.body(), t),
                            null);
                }
            } catch (IOException e) {
                lastIo = e;
                retry = method.equals("GET") || e instanceof ConnectException;
                if (!retry) {
                    throw failure(where + " failed after the request was sent (" + e.getClass().getSimpleName()
                            + "): the workflow may have been created; look at the platform's workflow list before "
                            + "starting it again", e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("interrupted during " + where, e);
            }
            if (attempt < attempts) {
                long wait = Math.min(8000, firstBackoff.toMillis() << (attempt - 1));
                LOG.warn("{} {}; trying again in {} ms ({} of {})", where, lastIo != null ? "failed: "
                        + lastIo.getClass().getSimpleName() : "answered HTTP " + lastStatus, wait, attempt + 1, attempts);
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw failure("interrupted during " + where, e);
                }
            }
        }
        throw failure(where + (lastIo != null ? " could not be reached (" + lastIo.getClass().getSimpleName()
                + (lastIo.getMessage() == null ? "" : ": " + lastIo.getMessage()) + ")" : " answered HTTP " + lastStatus)
                + " in " + attempts + " attempts", lastIo);
    }

    private static String explain(int status, String method) {
        if (status == 401) {
            return " (the access token was refused: expired or not a token of the platform's realm)";
        }
        if (status == 403) {
            return " (the token's user may not start this DAG: give it realm role admin, or map the DAG to the project)";
        }
        if (status == 500 && method.equals("POST")) {
            return " (not retried: the workflow may have been created; look at the workflow list)";
        }
        return "";
    }

    private MigrationException failure(String found, Exception cause) {
        return new MigrationException(Problem.of(KaapanaErrorCode.WORKFLOW_API_FAILED, found,
                "the workflow API of Kaapana 0.5 at " + endpoint() + " accepting the access token",
                "check the base URL, that the token's user has realm role admin, and the TLS trust of the HTTP client; "
                        + "then run again (workflows already started are not started again)"), cause);
    }

    private static String excerpt(byte[] body, String token) {
        String s = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
        return token == null || token.isEmpty() ? s : s.replace(token, "***");
    }

    static String redacted(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme() + "://";
        String host = uri.getHost() == null ? "" : uri.getHost();
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return scheme + host + port + path;
    }

    @Override
    public String toString() {
        return "WorkflowApi[" + endpoint() + "]";
    }
}
