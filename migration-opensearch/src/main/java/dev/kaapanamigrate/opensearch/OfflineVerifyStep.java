package dev.kaapanamigrate.opensearch;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.domain.KaapanaNames;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code opensearch.offline-verify} (undeployed, read-only): compares FAST_DATA_DIR/os/data with the inventory
 * {@link OfflineBaselineStep} recorded; put it after every other undeployed step, so that it proves the folder
 * untouched by the whole undeployed part. Without a recorded inventory it says so and passes.
 */
public final class OfflineVerifyStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "opensearch.offline-verify";

    private final OpenSearchOptions options;

    /**
     * Creates the step.
     *
     * @param options the options
     */
    public OfflineVerifyStep(OpenSearchOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Verify that FAST_DATA_DIR/" + KaapanaNames.OPENSEARCH_DATA + " is as " + OfflineBaselineStep.ID
                + " listed it";
    }

    @Override
    public Optional<String> optionalOnceStatePassed() {
        return Optional.of("0.5 already runs and writes to FAST_DATA_DIR/" + KaapanaNames.OPENSEARCH_DATA
                + ": the folder can no longer be compared; " + VerifyDocumentsStep.ID + " compares documents instead");
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        if (ctx.platformState() != PlatformState.UNDEPLOYED) {
            return StepCheck.deferred(PlatformState.UNDEPLOYED, "OpenSearch writes to its data folder while it runs");
        }
        return StepCheck.upToDate(ctx.get(DataFolderInventory.KEY).map(b -> "read-only: compares " + b.files()
                + " files with the inventory of " + b.takenAt()).orElse("read-only: no offline inventory recorded"));
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        return List.of();
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        return OfflineBaselineStep.compare(ctx, options.firstDifferences());
    }
}
