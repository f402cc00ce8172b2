package dev.kaapanamigrate.minio;

import io.minio.MinioClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The object store the steps work on: the caller's own {@link MinioClient} (credentials and TLS exactly as the caller
 * configured them), the endpoint as messages should name it, the policy client when policies are to be checked, and
 * how often a failed listing page is retried. Immutable; the {@code with…} methods return changed copies.
 *
 * <pre>{@code
 * MinioClient client = MinioClient.builder().endpoint(url).credentials(access, secret).build();
 * MinioStore store = MinioStore.of(client, url)
 *         .withPolicyAdmin(MinioPolicyAdmin.of(url, new StaticProvider(access, secret, null)));
 * }</pre>
 */
public final class MinioStore {

    /** How often a failed listing request is tried in all, by default. */
    public static final int DEFAULT_ATTEMPTS = 6;
    /** The wait before the first retry, by default; it doubles up to {@link #DEFAULT_MAX_BACKOFF}. */
    public static final Duration DEFAULT_FIRST_BACKOFF = Duration.ofMillis(250);
    /** The longest wait between retries, by default. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(8);

    private final MinioClient client;
    private final String endpoint;
    private final PolicyAdmin policyAdmin;
    private final int attempts;
    private final Duration firstBackoff;
    private final Duration maxBackoff;

    private MinioStore(MinioClient client, String endpoint, PolicyAdmin policyAdmin, int attempts, Duration firstBackoff,
                       Duration maxBackoff) {
        this.client = Objects.requireNonNull(client, "client");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.policyAdmin = policyAdmin;
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
        }
        this.attempts = attempts;
        this.firstBackoff = Objects.requireNonNull(firstBackoff, "firstBackoff");
        this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
    }

    /**
     * A store reached through the caller's client.
     *
     * @param client   the client, used as configured (credentials, TLS, timeouts)
     * @param endpoint the endpoint as messages should name it, for example {@code https://minio.example:9000}; never
     *                 put credentials into it
     * @return the store, without a policy client, with the default retries
     */
    public static MinioStore of(MinioClient client, String endpoint) {
        return new MinioStore(client, endpoint, null, DEFAULT_ATTEMPTS, DEFAULT_FIRST_BACKOFF, DEFAULT_MAX_BACKOFF);
    }

    /**
     * A copy with a policy client, needed by the policy steps.
     *
     * @param admin the policy client
     * @return the changed copy
     */
    public MinioStore withPolicyAdmin(PolicyAdmin admin) {
        return new MinioStore(client, endpoint, Objects.requireNonNull(admin, "admin"), attempts, firstBackoff,
                maxBackoff);
    }

    /**
     * A copy with other retries of failed listing requests (connection failures, HTTP 5xx, throttling).
     *
     * @param attempts     how often a request is tried in all, at least 1
     * @param firstBackoff the wait before the first retry; it doubles each time
     * @param maxBackoff   the longest wait
     * @return the changed copy
     */
    public MinioStore withRetries(int attempts, Duration firstBackoff, Duration maxBackoff) {
        return new MinioStore(client, endpoint, policyAdmin, attempts, firstBackoff, maxBackoff);
    }

    /**
     * The caller's client.
     *
     * @return the client
     */
    public MinioClient client() {
        return client;
    }

    /**
     * The endpoint as messages name it.
     *
     * @return the endpoint
     */
    public String endpoint() {
        return endpoint;
    }

    /**
     * The policy client, when one was given.
     *
     * @return the policy client, or empty
     */
    public Optional<PolicyAdmin> policyAdmin() {
        return Optional.ofNullable(policyAdmin);
    }

    /**
     * How often a failed listing request is tried in all.
     *
     * @return at least 1
     */
    public int attempts() {
        return attempts;
    }

    /**
     * The wait before the first retry.
     *
     * @return the wait
     */
    public Duration firstBackoff() {
        return firstBackoff;
    }

    /**
     * The longest wait between retries.
     *
     * @return the wait
     */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    @Override
    public String toString() {
        return "MinioStore[" + endpoint + (policyAdmin == null ? "" : ", policies at " + policyAdmin.endpoint()) + "]";
    }
}
