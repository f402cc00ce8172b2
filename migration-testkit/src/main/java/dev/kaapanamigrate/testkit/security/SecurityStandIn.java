package dev.kaapanamigrate.testkit.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kaapanamigrate.testkit.InstallationModel;
import dev.kaapanamigrate.testkit.backends.SearchNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/**
 * A loopback HTTP server in front of a test search node that stands in for OpenSearch's security plugin, which the
 * embedded node cannot load (the plugin is not on Maven Central). Every request needs HTTP basic authentication of a
 * known user (else 401 {@code Unauthorized} with {@code WWW-Authenticate: Basic realm="OpenSearch Security"}, as the
 * plugin answers). The security REST API calls {@code GET|PUT|DELETE _plugins/_security/api/roles[/<name>]} and
 * {@code …/rolesmapping[/<name>]} are answered from its own store, in the shapes and with the status codes of the
 * OpenSearch 2.18 documentation ({@code {"status":"CREATED","message":"'x' created."}},
 * {@code {"status":"NOT_FOUND","message":"Resource 'x' not found."}}, a 403 with {@code "No permission to access REST
 * API: …"} for users without REST API access); any other security API path answers 501. Everything else is forwarded to
 * the node unchanged. It knows no permissions beyond that: an authenticated user may do anything on the node.
 *
 * <pre>{@code
 * try (SecurityStandIn security = SecurityStandIn.start(node, "admin", "s3cret-Passw0rd")) {
 *     security.seed04(model);                           // 0.4's per-project roles and integer mappings
 *     OpenSearchClient admin = security.client("admin", "s3cret-Passw0rd");
 *     new OpenSearchStartup().run(security, projects);  // what 0.5's first start does
 * }
 * }</pre>
 */
public final class SecurityStandIn implements AutoCloseable {

    /** A user who may use the node but not the security REST API (403 there), as a user without all_access. */
    public static final String READER_USER = "reader";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "/_plugins/_security/api/";

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient forward = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String nodeUrl;
    private final Map<String, String> passwords = new LinkedHashMap<>();
    private final Map<String, Boolean> apiAccess = new LinkedHashMap<>();
    private final Map<String, ObjectNode> roles = new TreeMap<>();
    private final Map<String, ObjectNode> mappings = new TreeMap<>();
    private final List<OpenSearchClient> clients = new ArrayList<>();

    private SecurityStandIn(HttpServer server, ExecutorService executor, String nodeUrl) {
        this.server = server;
        this.executor = executor;
        this.nodeUrl = nodeUrl;
    }

    /**
     * Starts a stand-in on a free loopback port in front of a node, with an admin user (REST API access, as
     * {@code all_access}) and the user {@value #READER_USER} (same password, no REST API access); the security store
     * holds the image's defaults ({@link #resetToDefaults()}).
     *
     * @param node          the node to forward to
     * @param adminUser     the admin user's name
     * @param adminPassword both users' password
     * @return the running stand-in
     */
    public static SecurityStandIn start(SearchNode node, String adminUser, String adminPassword) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "security-stand-in");
                t.setDaemon(true);
                return t;
            });
            SecurityStandIn s = new SecurityStandIn(server, executor, node.httpUrl());
            s.passwords.put(adminUser, adminPassword);
            s.apiAccess.put(adminUser, true);
            s.passwords.put(READER_USER, adminPassword);
            s.apiAccess.put(READER_USER, false);
            s.resetToDefaults();
            server.createContext("/", s::handle);
            server.setExecutor(executor);
            server.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the security stand-in: " + e.getMessage(), e);
        }
    }

    /**
     * The stand-in's base URL (loopback).
     *
     * @return for example {@code http://127.0.0.1:41234}
     */
    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    /**
     * The stand-in's port.
     *
     * @return the port
     */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * A client of the stand-in with basic authentication; closed with the stand-in.
     *
     * @param user     the user
     * @param password the password
     * @return the client
     */
    public synchronized OpenSearchClient client(String user, String password) {
        HttpHost host = new HttpHost("http", server.getAddress().getHostString(), port());
        BasicCredentialsProvider credentials = new BasicCredentialsProvider();
        credentials.setCredentials(new AuthScope(host), new UsernamePasswordCredentials(user, password.toCharArray()));
        OpenSearchClient client = new OpenSearchClient(ApacheHttpClient5TransportBuilder.builder(host)
                .setMapper(new JacksonJsonpMapper())
                .setHttpClientConfigCallback(b -> b.setDefaultCredentialsProvider(credentials))
                .build());
        clients.add(client);
        return client;
    }

    /**
     * Replaces roles and role mappings with the image's defaults, as securityadmin does at 0.5's first start (the
     * security reset): {@code all_access} (mapped to backend role {@code admin}), {@code readall},
     * {@code kibana_user}, {@code kibana_server}, {@code own_index}, {@code security_rest_api_access}; no project role.
     */
    public synchronized void resetToDefaults() {
        roles.clear();
        mappings.clear();
        roles.put("all_access", role(List.of("*"), List.of("*"), List.of("*"), true));
        roles.put("readall", role(List.of("cluster_composite_ops_ro"), List.of("*"), List.of("read"), true));
        roles.put("kibana_user", role(List.of("cluster_composite_ops"), List.of(".kibana", ".opensearch_dashboards"),
                List.of("read", "indices:admin/mappings/get"), true));
        roles.put("kibana_server", role(List.of("cluster_monitor"), List.of(".opensearch_dashboards"),
                List.of("indices_all"), true));
        roles.put("own_index", role(List.of("cluster_composite_ops"), List.of("${user_name}"), List.of("indices_all"),
                true));
        roles.put("security_rest_api_access", role(List.of(), List.of(), List.of(), true));
        mappings.put("all_access", mapping(List.of("admin"), List.of(), true));
        mappings.put("readall", mapping(List.of("readall"), List.of(), true));
        mappings.put("kibana_user", mapping(List.of("kibanauser"), List.of(), true));
        mappings.put("kibana_server", mapping(List.of(), List.of("kibanaserver"), true));
        mappings.put("own_index", mapping(List.of(), List.of("*"), true));
    }

    /**
     * Seeds what 0.4's access-information service created for each project of a model: role
     * {@code <claim>_<project name>} and its mapping to backend role {@code <claim>_<project id>} (integer id), for
     * claim value {@code admin_project}, e.g. {@code admin_project_admin} → {@code admin_project_1}.
     *
     * @param model the installation's model
     */
    public synchronized void seed04(InstallationModel model) {
        for (InstallationModel.Project p : model.projects()) {
            putProjectRole("admin_project", p.name(), p.index(), "admin_project_" + p.id());
        }
    }

    /**
     * Writes a project's role and its mapping as Kaapana's access-information service does (role body of
     * {@code opensearch.py}: data access and mapping read on the project index and {@code .opensearch_dashboards_1}).
     *
     * @param claimValue  the right's claim value, e.g. {@code admin_project}
     * @param projectName the project's name
     * @param index       the project's index
     * @param backendRole the backend role to map, {@code <claim>_<id>}
     */
    public synchronized void putProjectRole(String claimValue, String projectName, String index, String backendRole) {
        String name = claimValue + "_" + projectName;
        ObjectNode r = role(List.of("cluster_composite_ops"), List.of(index, ".opensearch_dashboards_1"),
                List.of("data_access", "indices:admin/mappings/get"), false);
        roles.put(name, r);
        mappings.put(name, mapping(List.of(backendRole), List.of(), false));
    }

    /**
     * The role names.
     *
     * @return names, sorted
     */
    public synchronized List<String> roles() {
        return List.copyOf(roles.keySet());
    }

    /**
     * The backend roles of every role mapping.
     *
     * @return role → backend roles
     */
    public synchronized Map<String, List<String>> roleMappings() {
        Map<String, List<String>> out = new TreeMap<>();
        mappings.forEach((k, v) -> {
            List<String> backend = new ArrayList<>();
            v.path("backend_roles").forEach(n -> backend.add(n.asText()));
            out.put(k, backend);
        });
        return out;
    }

    private static ObjectNode role(List<String> cluster, List<String> patterns, List<String> actions, boolean reserved) {
        ObjectNode r = JSON.createObjectNode();
        r.put("reserved", reserved).put("hidden", false);
        cluster.forEach(r.putArray("cluster_permissions")::add);
        if (!patterns.isEmpty()) {
            ObjectNode ip = r.putArray("index_permissions").addObject();
            patterns.forEach(ip.putArray("index_patterns")::add);
            ip.put("dls", "");
            ip.putArray("fls");
            ip.putArray("masked_fields");
            actions.forEach(ip.putArray("allowed_actions")::add);
        } else {
            r.putArray("index_permissions");
        }
        r.putArray("tenant_permissions");
        r.put("static", false);
        return r;
    }

    private static ObjectNode mapping(List<String> backendRoles, List<String> users, boolean reserved) {
        ObjectNode m = JSON.createObjectNode();
        m.putArray("hosts");
        users.forEach(m.putArray("users")::add);
        m.put("reserved", reserved).put("hidden", false);
        backendRoles.forEach(m.putArray("backend_roles")::add);
        m.putArray("and_backend_roles");
        return m;
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String user = authenticate(x);
            if (user == null) {
                x.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"OpenSearch Security\"");
                send(x, 401, "text/plain; charset=UTF-8", "Unauthorized".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = x.getRequestURI().getRawPath();
            if (path.startsWith(API)) {
                api(x, user, path.substring(API.length()));
            } else {
                forward(x);
            }
        } catch (RuntimeException e) {
            send(x, 500, "application/json", ("{\"error\":\"stand-in failure: " + e.getClass().getSimpleName() + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    private synchronized String authenticate(HttpExchange x) {
        String header = x.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        return password.equals(passwords.get(user)) ? user : null;
    }

    private void api(HttpExchange x, String user, String rest) throws IOException {
        if (!apiAccess.getOrDefault(user, false)) {
            reply(x, 403, "FORBIDDEN", "No permission to access REST API: User " + user + " with Security roles [own_index]"
                    + " does not have any role privileged for admin access");
            return;
        }
        String[] parts = rest.split("/", 2);
        Map<String, ObjectNode> store = switch (parts[0]) {
            case "roles" -> roles;
            case "rolesmapping" -> mappings;
            default -> null;
        };
        if (store == null) {
            reply(x, 501, "NOT_IMPLEMENTED", "the stand-in answers only roles and rolesmapping");
            return;
        }
        String name = parts.length > 1 && !parts[1].isEmpty() ? java.net.URLDecoder.decode(parts[1],
                StandardCharsets.UTF_8) : null;
        String method = x.getRequestMethod();
        synchronized (this) {
            if (method.equals("GET")) {
                ObjectNode out = JSON.createObjectNode();
                if (name == null) {
                    store.forEach(out::set);
                } else if (store.containsKey(name)) {
                    out.set(name, store.get(name));
                } else {
                    reply(x, 404, "NOT_FOUND", "Resource '" + name + "' not found.");
                    return;
                }
                send(x, 200, "application/json; charset=UTF-8", JSON.writeValueAsBytes(out));
            } else if (method.equals("PUT") && name != null) {
                JsonNode body;
                try (InputStream in = x.getRequestBody()) {
                    body = JSON.readTree(in);
                } catch (IOException e) {
                    reply(x, 400, "BAD_REQUEST", "Unable to parse content");
                    return;
                }
                ObjectNode existing = store.get(name);
                if (existing != null && existing.path("reserved").asBoolean()) {
                    reply(x, 403, "FORBIDDEN", "Resource '" + name + "' is reserved.");
                    return;
                }
                ObjectNode value = store == roles ? role(texts(body.path("cluster_permissions")),
                        patterns(body), actions(body), false) : mapping(texts(body.path("backend_roles")),
                        texts(body.path("users")), false);
                store.put(name, value);
                if (existing == null) {
                    reply(x, 201, "CREATED", "'" + name + "' created.");
                } else {
                    reply(x, 200, "OK", "'" + name + "' updated.");
                }
            } else if (method.equals("DELETE") && name != null) {
                if (store.remove(name) == null) {
                    reply(x, 404, "NOT_FOUND", "Resource '" + name + "' not found.");
                } else {
                    reply(x, 200, "OK", "'" + name + "' deleted.");
                }
            } else {
                reply(x, 501, "NOT_IMPLEMENTED", "Method " + method + " not supported for this action.");
            }
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> patterns(JsonNode role) {
        List<String> out = new ArrayList<>();
        role.path("index_permissions").forEach(p -> p.path("index_patterns").forEach(n -> out.add(n.asText())));
        return out;
    }

    private static List<String> actions(JsonNode role) {
        List<String> out = new ArrayList<>();
        role.path("index_permissions").forEach(p -> p.path("allowed_actions").forEach(n -> out.add(n.asText())));
        return out;
    }

    private static void reply(HttpExchange x, int status, String statusName, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("status", statusName).put("message", message);
        send(x, status, "application/json; charset=UTF-8", JSON.writeValueAsBytes(body));
    }

    private void forward(HttpExchange x) throws IOException {
        byte[] body;
        try (InputStream in = x.getRequestBody()) {
            body = in.readAllBytes();
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(nodeUrl + x.getRequestURI().getRawPath()
                        + (x.getRequestURI().getRawQuery() == null ? "" : "?" + x.getRequestURI().getRawQuery())))
                .timeout(Duration.ofMinutes(5))
                .method(x.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        String type = x.getRequestHeaders().getFirst("Content-Type");
        if (type != null) {
            b.header("Content-Type", type);
        }
        HttpResponse<byte[]> r;
        try {
            r = forward.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (IOException e) {
            send(x, 502, "application/json", ("{\"error\":\"the node behind the stand-in did not answer\"}")
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        String contentType = r.headers().firstValue("Content-Type").orElse("application/json");
        if (x.getRequestMethod().equals("HEAD")) {
            x.getResponseHeaders().add("Content-Type", contentType);
            x.sendResponseHeaders(r.statusCode(), -1);
            return;
        }
        send(x, r.statusCode(), contentType, r.body());
    }

    private static void send(HttpExchange x, int status, String contentType, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", contentType);
        if (x.getRequestMethod().equals("HEAD") || body.length == 0) {
            x.sendResponseHeaders(status, -1);
            return;
        }
        x.sendResponseHeaders(status, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    /** Stops the server and closes the clients it handed out. */
    @Override
    public synchronized void close() {
        for (OpenSearchClient c : clients) {
            try {
                c._transport().close();
            } catch (Exception ignored) {
                // closing a test client
            }
        }
        clients.clear();
        server.stop(0);
        executor.shutdownNow();
    }
}
