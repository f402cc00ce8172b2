package dev.kaapanamigrate.minio;

import java.util.Map;

/**
 * MinIO's canned policies, as its admin API ({@code /minio/admin/v3/…-canned-policy}) manages them. The steps use it to
 * check 0.5's UUID-named project policies and, on request, to remove 0.4's integer-named ones. {@link MinioPolicyAdmin}
 * implements it over HTTP; a caller with an admin client of its own can adapt that instead. Implementations throw a
 * {@link dev.kaapanamigrate.core.MigrationException} with a {@link MinioErrorCode} and never put credentials into
 * messages.
 *
 * <pre>{@code
 * PolicyAdmin policies = MinioPolicyAdmin.of("https://minio.example:9000", new StaticProvider(access, secret, null));
 * Map<String, String> all = policies.listPolicies();       // name -> policy JSON
 * }</pre>
 */
public interface PolicyAdmin {

    /**
     * The endpoint, as messages name it (no credentials).
     *
     * @return for example {@code https://minio.example:9000}
     */
    String endpoint();

    /**
     * Every canned policy with its document.
     *
     * @return policy name to policy JSON
     */
    Map<String, String> listPolicies();

    /**
     * Creates or replaces a canned policy.
     *
     * @param name       the policy name
     * @param policyJson the policy document
     */
    void addPolicy(String name, String policyJson);

    /**
     * Removes a canned policy; removing one that does not exist succeeds.
     *
     * @param name the policy name
     */
    void removePolicy(String name);
}
