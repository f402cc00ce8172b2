package dev.kaapanamigrate.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A loopback HTTP stand-in for MinIO's admin API, policy part: it answers {@code GET list-canned-policies},
 * {@code GET info-canned-policy?name=}, {@code PUT add-canned-policy?name=} and {@code DELETE remove-canned-policy?name=}
 * under {@code /minio/admin/v3/} as MinIO does (JSON bodies; errors as MinIO's JSON error document with its codes and
 * HTTP statuses), after checking each request's AWS Signature V4 against its users: an unknown access key answers 403
 * {@code InvalidAccessKeyId}, a wrong secret 403 {@code SignatureDoesNotMatch}, a user without admin rights 403
 * {@code AccessDenied}. It starts with MinIO's built-in policies.
 */
public final class PolicyStandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "/minio/admin/v3/";
    private static final List<String> BUILT_IN = List.of("consoleAdmin", "diagnostics", "readonly", "readwrite",
            "writeonly");

    private record User(String secret, boolean admin) {
    }

    private final HttpServer server;
    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final Map<String, String> policies = new ConcurrentHashMap<>();

    /**
     * Starts the stand-in on a free loopback port.
     *
     * @param rootAccessKey the root user's access key
     * @param rootSecretKey the root user's secret key
     */
    public PolicyStandIn(String rootAccessKey, String rootSecretKey) {
        users.put(rootAccessKey, new User(rootSecretKey, true));
        for (String name : BUILT_IN) {
            String action = switch (name) {
                case "readonly" -> "\"s3:GetBucketLocation\",\"s3:GetObject\"";
                case "writeonly" -> "\"s3:PutObject\"";
                case "diagnostics" -> "\"admin:ServerInfo\",\"admin:Profiling\"";
                case "consoleAdmin" -> "\"admin:*\",\"s3:*\",\"kms:*\"";
                default -> "\"s3:*\"";
            };
            policies.put(name, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[" + action
                    + "],\"Resource\":[\"arn:aws:s3:::*\"]}]}");
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the MinIO admin stand-in: " + e.getMessage(), e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * The port it listens on (127.0.0.1).
     *
     * @return the port
     */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Adds a user.
     *
     * @param accessKey the access key
     * @param secretKey the secret key
     * @param admin     whether it may manage policies
     */
    public void addUser(String accessKey, String secretKey, boolean admin) {
        users.put(accessKey, new User(secretKey, admin));
    }

    /**
     * Creates or replaces a policy, as {@code mc admin policy create} would.
     *
     * @param name     the name
     * @param document the policy JSON
     */
    public void putPolicy(String name, String document) {
        policies.put(name, document);
    }

    /**
     * Removes a policy.
     *
     * @param name the name
     */
    public void removePolicy(String name) {
        policies.remove(name);
    }

    /**
     * The policies now.
     *
     * @return name to document, sorted
     */
    public Map<String, String> policies() {
        return new TreeMap<>(policies);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            byte[] body = ex.getRequestBody().readAllBytes();
            String denied = authenticate(ex, body);
            if (denied != null) {
                return;
            }
            if (!path.startsWith(PREFIX)) {
                error(ex, 404, "XMinioAdminNotImplemented", "Not implemented", path);
                return;
            }
            String command = path.substring(PREFIX.length());
            String name = query(ex).get("name");
            String method = ex.getRequestMethod();
            switch (method + " " + command) {
                case "GET list-canned-policies" -> {
                    ObjectNode all = JSON.createObjectNode();
                    for (Map.Entry<String, String> e : new TreeMap<>(policies).entrySet()) {
                        all.set(e.getKey(), JSON.readTree(e.getValue()));
                    }
                    send(ex, 200, JSON.writeValueAsBytes(all));
                }
                case "GET info-canned-policy" -> {
                    String doc = name == null ? null : policies.get(name);
                    if (doc == null) {
                        error(ex, 404, "XMinioAdminNoSuchPolicy", "The canned policy does not exist.", path);
                    } else {
                        send(ex, 200, doc.getBytes(StandardCharsets.UTF_8));
                    }
                }
                case "PUT add-canned-policy" -> {
                    JsonNode doc;
                    try {
                        doc = body.length == 0 ? null : JSON.readTree(body);
                    } catch (IOException e) {
                        doc = null;
                    }
                    if (name == null || name.isEmpty() || doc == null || !doc.isObject()) {
                        error(ex, 400, "XMinioMalformedIAMPolicy", "Policy has invalid resource.", path);
                    } else {
                        policies.put(name, JSON.writeValueAsString(doc));
                        send(ex, 200, new byte[0]);
                    }
                }
                case "DELETE remove-canned-policy" -> {
                    if (name == null || policies.remove(name) == null) {
                        error(ex, 404, "XMinioAdminNoSuchPolicy", "The canned policy does not exist.", path);
                    } else {
                        send(ex, 200, new byte[0]);
                    }
                }
                default -> error(ex, 400, "XMinioAdminNotImplemented", "Not implemented", path);
            }
        }
    }

    /** Checks the signature; answers and returns a non-null reason when the request is refused. */
    private String authenticate(HttpExchange ex, byte[] body) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 ")) {
            error(ex, 403, "AccessDenied", "Access Denied.", path);
            return "unsigned";
        }
        Map<String, String> parts = new TreeMap<>();
        for (String p : auth.substring("AWS4-HMAC-SHA256 ".length()).split(",")) {
            String[] kv = p.strip().split("=", 2);
            if (kv.length == 2) {
                parts.put(kv[0], kv[1]);
            }
        }
        String[] scope = parts.getOrDefault("Credential", "").split("/");
        if (scope.length != 5) {
            error(ex, 400, "AuthorizationHeaderMalformed", "The authorization header is malformed.", path);
            return "malformed";
        }
        User user = users.get(scope[0]);
        if (user == null) {
            error(ex, 403, "InvalidAccessKeyId", "The Access Key Id you provided does not exist in our records.", path);
            return "unknown key";
        }
        String payloadHash = header(ex, "x-amz-content-sha256");
        if (!hex(sha256(body)).equals(payloadHash)) {
            error(ex, 400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match.",
                    path);
            return "payload";
        }
        String signedHeaders = parts.getOrDefault("SignedHeaders", "");
        StringBuilder canonical = new StringBuilder();
        canonical.append(ex.getRequestMethod()).append('\n').append(path).append('\n')
                .append(canonicalQuery(ex.getRequestURI().getRawQuery())).append('\n');
        for (String h : signedHeaders.split(";")) {
            String v = header(ex, h);
            canonical.append(h).append(':').append(v == null ? "" : v.strip().replaceAll("\\s+", " ")).append('\n');
        }
        canonical.append('\n').append(signedHeaders).append('\n').append(payloadHash);
        String scopeText = scope[1] + "/" + scope[2] + "/" + scope[3] + "/" + scope[4];
        String toSign = "AWS4-HMAC-SHA256\n" + header(ex, "x-amz-date") + "\n" + scopeText + "\n"
                + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + user.secret()).getBytes(StandardCharsets.UTF_8), scope[1]);
        key = hmac(key, scope[2]);
        key = hmac(key, scope[3]);
        key = hmac(key, scope[4]);
        String expected = hex(hmac(key, toSign));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                parts.getOrDefault("Signature", "").getBytes(StandardCharsets.US_ASCII))) {
            error(ex, 403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature "
                    + "you provided. Check your key and signing method.", path);
            return "signature";
        }
        if (!user.admin()) {
            error(ex, 403, "AccessDenied", "Access Denied.", path);
            return "not admin";
        }
        return null;
    }

    private static String header(HttpExchange ex, String name) {
        String v = ex.getRequestHeaders().getFirst(name);
        return v;
    }

    private static String canonicalQuery(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "";
        }
        List<String> pairs = new ArrayList<>(List.of(raw.split("&")));
        pairs.replaceAll(p -> p.contains("=") ? p : p + "=");
        pairs.sort(null);
        return String.join("&", pairs);
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> out = new TreeMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String p : raw.split("&")) {
                String[] kv = p.split("=", 2);
                out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return out;
    }

    private static void error(HttpExchange ex, int status, String code, String message, String resource)
            throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("Code", code);
        n.put("Message", message);
        n.put("Resource", resource);
        n.put("RequestId", "0");
        n.put("HostId", "");
        send(ex, status, JSON.writeValueAsBytes(n));
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
