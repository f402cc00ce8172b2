package dev.kaapanamigrate.minio;

import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationStep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The MinIO steps of a migration, wired in their order: {@code minio.baseline} (0.4 running) and
 * {@code minio.offline-baseline} (undeployed, when SLOW_DATA_DIR is given), then once 0.5 runs {@code minio.verify},
 * the opt-in {@code minio.create-missing-buckets}, {@code minio.check-policies} (when the store has a policy client)
 * and the opt-in {@code minio.remove-obsolete-policies}. The check and removal read the shared
 * {@link dev.kaapanamigrate.domain.ProjectList}, which the database steps put into the context. Immutable.
 *
 * <pre>{@code
 * MigrationPlan.Builder plan = MinioSteps.of(store).offline(slowDataDir).addTo(MigrationPlan.builder());
 * }</pre>
 */
public final class MinioSteps {

    private final MinioStore store;
    private final Path slowDataDir;
    private final MinioOptions options;
    private final boolean removeObsolete;
    private final boolean createBuckets;

    private MinioSteps(MinioStore store, Path slowDataDir, MinioOptions options, boolean removeObsolete,
                       boolean createBuckets) {
        this.store = Objects.requireNonNull(store, "store");
        this.slowDataDir = slowDataDir;
        this.options = Objects.requireNonNull(options, "options");
        this.removeObsolete = removeObsolete;
        this.createBuckets = createBuckets;
    }

    /**
     * The steps for a store, with default options, no offline baseline and no opt-in step.
     *
     * @param store the store
     * @return the steps
     */
    public static MinioSteps of(MinioStore store) {
        return new MinioSteps(store, null, MinioOptions.defaults(), false, false);
    }

    /**
     * A copy that walks {@code slowDataDir/minio} while undeployed ({@code minio.offline-baseline}).
     *
     * @param slowDataDirectory SLOW_DATA_DIR
     * @return the changed copy
     */
    public MinioSteps offline(Path slowDataDirectory) {
        return new MinioSteps(store, Objects.requireNonNull(slowDataDirectory, "slowDataDirectory"), options,
                removeObsolete, createBuckets);
    }

    /**
     * A copy with options.
     *
     * @param opts the options
     * @return the changed copy
     */
    public MinioSteps options(MinioOptions opts) {
        return new MinioSteps(store, slowDataDir, opts, removeObsolete, createBuckets);
    }

    /**
     * A copy that removes 0.4's integer-named policies once 0.5's exist ({@code minio.remove-obsolete-policies}).
     *
     * @param on whether to
     * @return the changed copy
     */
    public MinioSteps removeObsoletePolicies(boolean on) {
        return new MinioSteps(store, slowDataDir, options, on, createBuckets);
    }

    /**
     * A copy that creates missing project and global buckets once 0.5 runs ({@code minio.create-missing-buckets}).
     *
     * @param on whether to
     * @return the changed copy
     */
    public MinioSteps createMissingBuckets(boolean on) {
        return new MinioSteps(store, slowDataDir, options, removeObsolete, on);
    }

    /**
     * Adds the steps to a plan, with their dependencies.
     *
     * @param plan the plan builder
     * @return the builder with the steps
     */
    public MigrationPlan.Builder addTo(MigrationPlan.Builder plan) {
        MigrationPlan.Builder b = plan.step(new BaselineStep(store, options));
        List<String> baselines = new ArrayList<>(List.of(BaselineStep.ID));
        if (slowDataDir != null) {
            b = b.step(new OfflineBaselineStep(slowDataDir, options));
            baselines.add(OfflineBaselineStep.ID);
        }
        b = b.step(new VerifyObjectsStep(store, options), baselines.toArray(String[]::new));
        String last = VerifyObjectsStep.ID;
        if (createBuckets) {
            b = b.step(new CreateMissingBucketsStep(store, options), last);
            last = CreateMissingBucketsStep.ID;
        }
        if (store.policyAdmin().isPresent()) {
            b = b.step(new CheckPoliciesStep(store, options), last);
            last = CheckPoliciesStep.ID;
            if (removeObsolete) {
                b = b.step(new RemoveObsoletePoliciesStep(store, options), last);
            }
        }
        return b;
    }

    /**
     * The steps, in order.
     *
     * @return the steps
     */
    public List<MigrationStep> steps() {
        List<MigrationStep> steps = new ArrayList<>();
        steps.add(new BaselineStep(store, options));
        if (slowDataDir != null) {
            steps.add(new OfflineBaselineStep(slowDataDir, options));
        }
        steps.add(new VerifyObjectsStep(store, options));
        if (createBuckets) {
            steps.add(new CreateMissingBucketsStep(store, options));
        }
        if (store.policyAdmin().isPresent()) {
            steps.add(new CheckPoliciesStep(store, options));
            if (removeObsolete) {
                steps.add(new RemoveObsoletePoliciesStep(store, options));
            }
        }
        return steps;
    }
}
