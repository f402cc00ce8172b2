package dev.kaapanamigrate.opensearch;

import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationStep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * The OpenSearch steps of a migration, wired in their order: {@code opensearch.baseline} (0.4 running; skipped when a
 * run starts later), {@code opensearch.offline-baseline} first and {@code opensearch.offline-verify} last of the
 * undeployed state (when FAST_DATA_DIR is given), then once 0.5 runs the opt-in
 * {@code opensearch.recreate-project-indices}, {@code opensearch.verify} and {@code opensearch.check-security}. The
 * project checks read the shared {@link dev.kaapanamigrate.domain.ProjectList} the database steps put into the
 * context; the platform states order them after the database migrations. Immutable.
 *
 * <pre>{@code
 * MigrationPlan.Builder plan = OpenSearchSteps.of(client).offline(fastDataDir).addTo(MigrationPlan.builder());
 * }</pre>
 */
public final class OpenSearchSteps {

    private final OpenSearchClient client;
    private final OpenSearchOptions options;
    private final Path fastDataDir;
    private final boolean recreateIndices;
    private final List<String> offlineVerifyAfter;

    private OpenSearchSteps(OpenSearchClient client, OpenSearchOptions options, Path fastDataDir, boolean recreateIndices,
                            List<String> offlineVerifyAfter) {
        this.client = Objects.requireNonNull(client, "client");
        this.options = Objects.requireNonNull(options, "options");
        this.fastDataDir = fastDataDir;
        this.recreateIndices = recreateIndices;
        this.offlineVerifyAfter = List.copyOf(offlineVerifyAfter);
    }

    /**
     * The steps for the caller's client, with default options, no offline inventory and no repair.
     *
     * @param client the caller's client (credentials and TLS as configured)
     * @return the steps
     */
    public static OpenSearchSteps of(OpenSearchClient client) {
        return new OpenSearchSteps(client, OpenSearchOptions.defaults(), null, false, List.of());
    }

    /**
     * The caller's client the steps use (for compositions above this module, such as a consistency check that lists the
     * same indices).
     *
     * @return the client
     */
    public OpenSearchClient client() {
        return client;
    }

    /**
     * The options the steps use.
     *
     * @return the options
     */
    public OpenSearchOptions options() {
        return options;
    }

    /**
     * A copy with options.
     *
     * @param opts the options
     * @return a new instance
     */
    public OpenSearchSteps options(OpenSearchOptions opts) {
        return new OpenSearchSteps(client, opts, fastDataDir, recreateIndices, offlineVerifyAfter);
    }

    /**
     * A copy that inventories {@code fastDataDir/os/data} while undeployed and proves it unchanged at the end of that
     * state.
     *
     * @param fast FAST_DATA_DIR
     * @return a new instance
     */
    public OpenSearchSteps offline(Path fast) {
        return new OpenSearchSteps(client, options, Objects.requireNonNull(fast, "fast"), recreateIndices,
                offlineVerifyAfter);
    }

    /**
     * A copy that recreates missing project indices from the template once 0.5 runs (opt-in).
     *
     * @param on whether to add the repair
     * @return a new instance
     */
    public OpenSearchSteps recreateMissingIndices(boolean on) {
        return new OpenSearchSteps(client, options, fastDataDir, on, offlineVerifyAfter);
    }

    /**
     * A copy whose offline verification runs after these steps of the plan as well, so that it proves the index data
     * folder unchanged by everything they did (the offline baseline is taken before them when this module's steps are
     * added to the plan early).
     *
     * @param stepIds the ids of steps of the same plan
     * @return a new instance
     */
    public OpenSearchSteps offlineVerifyAfter(String... stepIds) {
        return new OpenSearchSteps(client, options, fastDataDir, recreateIndices, List.of(stepIds));
    }

    /**
     * The id of the step that ends this module's undeployed work, if any: steps that must come last in the undeployed
     * state (the version marker) run after it.
     *
     * @return {@link OfflineVerifyStep#ID} when the offline inventory is on, else empty
     */
    public java.util.Optional<String> lastUndeployedStep() {
        return fastDataDir == null ? java.util.Optional.empty() : java.util.Optional.of(OfflineVerifyStep.ID);
    }

    /**
     * Adds the steps to a plan, with their dependencies.
     *
     * @param plan the plan builder
     * @return the builder with the steps
     */
    public MigrationPlan.Builder addTo(MigrationPlan.Builder plan) {
        MigrationPlan.Builder b = plan.step(new BaselineStep(client, options));
        List<String> baselines = new ArrayList<>(List.of(BaselineStep.ID));
        if (fastDataDir != null) {
            List<String> after = new ArrayList<>(List.of(OfflineBaselineStep.ID));
            after.addAll(offlineVerifyAfter);
            b = b.step(new OfflineBaselineStep(fastDataDir, options))
                    .step(new OfflineVerifyStep(options), after.toArray(String[]::new));
            baselines.add(OfflineBaselineStep.ID);
        }
        if (recreateIndices) {
            b = b.step(new RecreateProjectIndicesStep(client, options));
            baselines.add(RecreateProjectIndicesStep.ID);
        }
        return b.step(new VerifyDocumentsStep(client, options), baselines.toArray(String[]::new))
                .step(new CheckSecurityStep(client, options));
    }

    /**
     * The steps, in the order {@link #addTo} adds them.
     *
     * @return the steps
     */
    public List<MigrationStep> steps() {
        List<MigrationStep> steps = new ArrayList<>();
        steps.add(new BaselineStep(client, options));
        if (fastDataDir != null) {
            steps.add(new OfflineBaselineStep(fastDataDir, options));
            steps.add(new OfflineVerifyStep(options));
        }
        if (recreateIndices) {
            steps.add(new RecreateProjectIndicesStep(client, options));
        }
        steps.add(new VerifyDocumentsStep(client, options));
        steps.add(new CheckSecurityStep(client, options));
        return steps;
    }
}
