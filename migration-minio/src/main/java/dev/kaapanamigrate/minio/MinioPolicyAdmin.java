package dev.kaapanamigrate.minio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.minio.internal.StoreErrors;
import io.minio.Signer;
import io.minio.Time;
import io.minio.credentials.Credentials;
import io.minio.credentials.Provider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.ZonedDateTime;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * {@link PolicyAdmin} over MinIO's admin API, sending what the MinIO SDK's {@code MinioAdminClient} sends: signed
 * (AWS Signature V4, service {@code s3}) {@code GET /minio/admin/v3/list-canned-policies},
 * {@code PUT /minio/admin/v3/add-canned-policy?name=…} with the policy as body, and
 * {@code DELETE /minio/admin/v3/remove-canned-policy?name=…}. ({@code io.minio:minio-admin} is not published for SDK
 * 9.0.4, and its 8.x releases do not run with SDK 9, so the library sends these few requests itself.) The HTTP client
 * is the caller's when given, with TLS verification as the caller configured it. Immutable.
 *
 * <pre>{@code
 * PolicyAdmin admin = MinioPolicyAdmin.of("https://minio.example:9000", new StaticProvider(access, secret, null))
 *         .withHttpClient(callersOkHttpClient);
 * }</pre>
 */
public final class MinioPolicyAdmin implements PolicyAdmin {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType OCTETS = MediaType.get("application/octet-stream");
    private static final byte[] EMPTY = new byte[0];

    private final HttpUrl base;
    private final String endpoint;
    private final Provider credentials;
    private final OkHttpClient http;
    private final String region;

    private MinioPolicyAdmin(HttpUrl base, String endpoint, Provider credentials, OkHttpClient http, String region) {
        this.base = base;
        this.endpoint = endpoint;
        this.credentials = credentials;
        this.http = http;
        this.region = region;
    }

    /**
     * A policy client for MinIO at {@code endpoint}, region {@code us-east-1}, with a new default HTTP client.
     *
     * @param endpoint    MinIO's URL, for example {@code https://minio.example:9000}
     * @param credentials the credentials of an admin user (the root user or a user with {@code consoleAdmin})
     * @return the client
     */
    public static MinioPolicyAdmin of(String endpoint, Provider credentials) {
        HttpUrl url = HttpUrl.parse(Objects.requireNonNull(endpoint, "endpoint"));
        if (url == null) {
            throw new IllegalArgumentException("not an http(s) URL: " + endpoint);
        }
        return new MinioPolicyAdmin(url, endpoint, Objects.requireNonNull(credentials, "credentials"),
                new OkHttpClient(), "us-east-1");
    }

    /**
     * A copy that sends through the caller's HTTP client (its TLS and timeouts).
     *
     * @param client the client
     * @return the changed copy
     */
    public MinioPolicyAdmin withHttpClient(OkHttpClient client) {
        return new MinioPolicyAdmin(base, endpoint, credentials, Objects.requireNonNull(client, "client"), region);
    }

    /**
     * A copy that signs for another region.
     *
     * @param name the region MinIO is configured with
     * @return the changed copy
     */
    public MinioPolicyAdmin withRegion(String name) {
        return new MinioPolicyAdmin(base, endpoint, credentials, http, Objects.requireNonNull(name, "name"));
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public Map<String, String> listPolicies() {
        byte[] body = send("GET", "list-canned-policies", null, null, "listing the policies");
        try {
            JsonNode root = JSON.readTree(body);
            if (!root.isObject()) {
                throw new IOException("not a JSON object");
            }
            Map<String, String> out = new TreeMap<>();
            for (Map.Entry<String, JsonNode> e : root.properties()) {
                out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
            }
            return out;
        } catch (IOException e) {
            throw unavailable("listing the policies", "an answer that is not a JSON map of policies ("
                    + e.getMessage() + ")");
        }
    }

    @Override
    public void addPolicy(String name, String policyJson) {
        send("PUT", "add-canned-policy", name, policyJson.getBytes(StandardCharsets.UTF_8), "adding policy " + name);
    }

    @Override
    public void removePolicy(String name) {
        send("DELETE", "remove-canned-policy", name, null, "removing policy " + name);
    }

    private byte[] send(String method, String command, String name, byte[] body, String operation) {
        Credentials c = credentials.fetch();
        if (c == null) {
            throw new MigrationException(Problem.of(MinioErrorCode.CREDENTIALS_REJECTED, "the credentials provider "
                    + "of the policy client for " + endpoint + " gave no credentials", "credentials of an admin user",
                    "give the policy client a provider that returns credentials"), null);
        }
        HttpUrl.Builder url = base.newBuilder().addPathSegments("minio/admin/v3/" + command);
        if (name != null) {
            url.addQueryParameter("name", name);
        }
        HttpUrl u = url.build();
        byte[] payload = body == null && !method.equals("GET") ? EMPTY : body;
        String sha = sha256(payload == null ? EMPTY : payload);
        Request.Builder rb = new Request.Builder().url(u)
                .header("Host", u.port() == HttpUrl.defaultPort(u.scheme()) ? u.host() : u.host() + ":" + u.port())
                .header("Accept-Encoding", "identity")
                .header("x-amz-date", ZonedDateTime.now(Time.UTC).format(Time.AMZ_DATE_FORMAT))
                .header("x-amz-content-sha256", sha);
        if (c.sessionToken() != null) {
            rb.header("X-Amz-Security-Token", c.sessionToken());
        }
        rb.method(method, payload == null ? null : RequestBody.create(payload, OCTETS));
        Request request;
        try {
            request = Signer.signV4S3(rb.build(), region, c.accessKey(), c.secretKey(), sha);
        } catch (Exception e) {
            throw new MigrationException(Problem.of(MinioErrorCode.POLICY_API_UNAVAILABLE, "signing a request to "
                    + endpoint + " failed: " + StoreErrors.describeChain(e, c.accessKey(), c.secretKey()),
                    "a signed request", "check the credentials provider"), null);
        }
        try (Response response = http.newCall(request).execute()) {
            byte[] answer = response.body() == null ? EMPTY : response.body().bytes();
            if (response.isSuccessful()) {
                return answer;
            }
            String code = errorCode(answer);
            if (method.equals("DELETE") && "XMinioAdminNoSuchPolicy".equals(code)) {
                return answer; // already gone
            }
            throw failure(response.code(), code, answer, operation, c);
        } catch (IOException e) {
            StoreErrors.Kind kind = StoreErrors.kind(e);
            if (kind == StoreErrors.Kind.UNREACHABLE || kind == StoreErrors.Kind.TLS) {
                throw StoreErrors.of(e, endpoint, operation + " (MinIO admin API)", 1);
            }
            throw new MigrationException(Problem.of(MinioErrorCode.POLICY_API_UNAVAILABLE, "the admin API at "
                    + endpoint + " failed while " + operation + ": " + StoreErrors.describeChain(e, c.accessKey(),
                    c.secretKey()), "an answer from MinIO's admin API", MinioErrorCode.POLICY_API_UNAVAILABLE.remedy()),
                    new StoreErrors.Redacted(e, c.accessKey(), c.secretKey()));
        }
    }

    private MigrationException failure(int status, String code, byte[] answer, String operation, Credentials c) {
        String said = StoreErrors.redact(summary(answer), c.accessKey(), c.secretKey());
        String found = "the admin API at " + endpoint + " answered HTTP " + status + (code == null ? "" : " " + code)
                + " while " + operation + (said.isEmpty() ? "" : ": " + said);
        if (status == 403 && ("InvalidAccessKeyId".equals(code) || "SignatureDoesNotMatch".equals(code)
                || "XMinioInvalidIAMCredentials".equals(code) || "ExpiredToken".equals(code))) {
            return new MigrationException(Problem.of(MinioErrorCode.CREDENTIALS_REJECTED, found,
                    "credentials of a MinIO admin user", "give the policy client the access and secret key of MinIO's "
                            + "root user or of a user with the consoleAdmin policy"), null);
        }
        if (status == 403) {
            return new MigrationException(Problem.of(MinioErrorCode.POLICY_API_DENIED, found,
                    "a user allowed to manage policies", MinioErrorCode.POLICY_API_DENIED.remedy()), null);
        }
        return new MigrationException(Problem.of(MinioErrorCode.POLICY_API_UNAVAILABLE, found,
                "MinIO's admin API answering", MinioErrorCode.POLICY_API_UNAVAILABLE.remedy()), null);
    }

    private MigrationException unavailable(String operation, String what) {
        return new MigrationException(Problem.of(MinioErrorCode.POLICY_API_UNAVAILABLE, "the admin API at " + endpoint
                + " gave " + what + " while " + operation, "MinIO's admin API answering",
                MinioErrorCode.POLICY_API_UNAVAILABLE.remedy()), null);
    }

    private static String errorCode(byte[] answer) {
        try {
            JsonNode n = JSON.readTree(answer);
            return n != null && n.hasNonNull("Code") ? n.get("Code").asText() : null;
        } catch (IOException e) {
            String s = new String(answer, StandardCharsets.UTF_8);
            int i = s.indexOf("<Code>");
            int j = s.indexOf("</Code>");
            return i >= 0 && j > i ? s.substring(i + 6, j) : null;
        }
    }

    private static String summary(byte[] answer) {
        try {
            JsonNode n = JSON.readTree(answer);
            if (n != null && n.hasNonNull("Message")) {
                return n.get("Message").asText();
            }
        } catch (IOException ignored) {
            // not JSON
        }
        String s = new String(answer, 0, Math.min(answer.length, 200), StandardCharsets.UTF_8).strip();
        return s.replaceAll("\\s+", " ");
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "MinioPolicyAdmin[" + endpoint + ", region " + region + "]";
    }
}
