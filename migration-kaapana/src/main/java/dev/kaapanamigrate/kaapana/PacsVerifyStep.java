package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * {@code kaapana.pacs-verify} (undeployed, after every other undeployed step): proves the PACS folders unchanged since
 * {@link PacsInventoryStep} took their inventory — no file removed, changed or added (each difference named: the first
 * 20 of each kind, all counted) — and the PACS database folder still a PostgreSQL 17 folder without a live server.
 * Read-only. In a later verify-only pass while 0.5 runs, the running PACS writes its database and LDAP folders and may
 * store new DICOM files: then only the DICOM files are compared and additions are allowed.
 *
 * <pre>{@code
 * builder.step(new PacsVerifyStep(fast, slow), PacsInventoryStep.ID, StopTemporaryServersStep.ID, ...);
 * }</pre>
 */
public final class PacsVerifyStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "kaapana.pacs-verify";

    private final Path fast;
    private final Path slow;

    /**
     * Creates the step.
     *
     * @param fastDataDir FAST_DATA_DIR
     * @param slowDataDir SLOW_DATA_DIR
     */
    public PacsVerifyStep(Path fastDataDir, Path slowDataDir) {
        this.fast = Objects.requireNonNull(fastDataDir, "fastDataDir");
        this.slow = Objects.requireNonNull(slowDataDir, "slowDataDir");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Prove the PACS folders unchanged since their inventory";
    }

    @Override
    public PlatformState requiredState() {
        return PlatformState.UNDEPLOYED;
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        return StepCheck.upToDate("read-only: " + ctx.get(PacsInventory.KEY).map(i -> "compares the PACS folders with the "
                + "inventory of " + i.takenAt() + " (" + i.files() + " files)").orElse("compares the PACS folders with "
                + "the inventory " + PacsInventoryStep.ID + " takes"));
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        return List.of();
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        return PacsInventoryStep.compare(ctx, fast, slow, ID, true);
    }

    @Override
    public String toString() {
        return ID;
    }
}
