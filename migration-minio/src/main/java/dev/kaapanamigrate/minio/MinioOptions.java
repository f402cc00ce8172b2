package dev.kaapanamigrate.minio;

import dev.kaapanamigrate.domain.KaapanaNames;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the MinIO steps. {@link #defaults()} fits a standard Kaapana installation; the {@code with…} methods return
 * changed copies.
 *
 * <pre>{@code
 * MinioOptions options = MinioOptions.defaults().withNamedDifferences(50);
 * }</pre>
 *
 * @param globalBuckets       buckets every installation must have besides the project buckets (checked once 0.5
 *                            runs, created by {@code minio.create-missing-buckets} on request)
 * @param policyClaimValues   the claim values of the rights whose claim key is {@code policy}: each project has one
 *                            policy {@code <claim value>_<project id>} per value
 * @param buckets             the buckets to inventory; empty for every bucket (the default). A named bucket that
 *                            does not exist is an error ({@link MinioErrorCode#BUCKET_MISSING})
 * @param namedDifferences    how many missing, changed and added objects a verification names per bucket (all are
 *                            counted)
 * @param offlineContentDigest whether the offline inventory also reads every file of the data folder for a content
 *                            digest (slow; off by default: paths, sizes and modification times)
 * @param sortBudgetBytes     roughly how many bytes of listing entries are held in memory before they are spilled to
 *                            sorted runs (only when entries arrive out of order)
 */
public record MinioOptions(List<String> globalBuckets, List<String> policyClaimValues, List<String> buckets,
                           int namedDifferences, boolean offlineContentDigest, long sortBudgetBytes) {

    /** The claim value of Kaapana's default MinIO right ({@code minio_access}). */
    public static final String DEFAULT_POLICY_CLAIM_VALUE = "admin_project";

    /**
     * Validates and copies.
     *
     * @param globalBuckets        the global buckets
     * @param policyClaimValues    the policy claim values
     * @param buckets              the buckets to inventory, empty for all
     * @param namedDifferences     how many differences to name per kind and bucket
     * @param offlineContentDigest whether to digest file contents offline
     * @param sortBudgetBytes      the in-memory sort budget
     */
    public MinioOptions {
        globalBuckets = List.copyOf(Objects.requireNonNull(globalBuckets, "globalBuckets"));
        policyClaimValues = List.copyOf(Objects.requireNonNull(policyClaimValues, "policyClaimValues"));
        buckets = List.copyOf(Objects.requireNonNull(buckets, "buckets"));
        if (namedDifferences < 0) {
            throw new IllegalArgumentException("namedDifferences must not be negative, was " + namedDifferences);
        }
        if (sortBudgetBytes < 1 << 16) {
            throw new IllegalArgumentException("sortBudgetBytes must be at least 64 KiB, was " + sortBudgetBytes);
        }
    }

    /**
     * The defaults: global buckets {@link KaapanaNames#GLOBAL_BUCKETS}, claim value {@code admin_project}, every bucket,
     * 20 named differences, no offline content digest, 8 MiB sort budget.
     *
     * @return the defaults
     */
    public static MinioOptions defaults() {
        return new MinioOptions(KaapanaNames.GLOBAL_BUCKETS, List.of(DEFAULT_POLICY_CLAIM_VALUE), List.of(), 20, false,
                8L << 20);
    }

    /**
     * A copy with other global buckets.
     *
     * @param names the bucket names
     * @return the changed copy
     */
    public MinioOptions withGlobalBuckets(List<String> names) {
        return new MinioOptions(names, policyClaimValues, buckets, namedDifferences, offlineContentDigest, sortBudgetBytes);
    }

    /**
     * A copy with other policy claim values.
     *
     * @param claimValues the claim values
     * @return the changed copy
     */
    public MinioOptions withPolicyClaimValues(List<String> claimValues) {
        return new MinioOptions(globalBuckets, claimValues, buckets, namedDifferences, offlineContentDigest,
                sortBudgetBytes);
    }

    /**
     * A copy that inventories only these buckets.
     *
     * @param names the buckets; empty for every bucket
     * @return the changed copy
     */
    public MinioOptions withBuckets(List<String> names) {
        return new MinioOptions(globalBuckets, policyClaimValues, names, namedDifferences, offlineContentDigest,
                sortBudgetBytes);
    }

    /**
     * A copy naming another number of differences per kind and bucket.
     *
     * @param count how many
     * @return the changed copy
     */
    public MinioOptions withNamedDifferences(int count) {
        return new MinioOptions(globalBuckets, policyClaimValues, buckets, count, offlineContentDigest, sortBudgetBytes);
    }

    /**
     * A copy whose offline inventory digests file contents too.
     *
     * @param on whether to read every file
     * @return the changed copy
     */
    public MinioOptions withOfflineContentDigest(boolean on) {
        return new MinioOptions(globalBuckets, policyClaimValues, buckets, namedDifferences, on, sortBudgetBytes);
    }

    /**
     * A copy with another in-memory sort budget.
     *
     * @param bytes the budget, at least 64 KiB
     * @return the changed copy
     */
    public MinioOptions withSortBudgetBytes(long bytes) {
        return new MinioOptions(globalBuckets, policyClaimValues, buckets, namedDifferences, offlineContentDigest, bytes);
    }
}
