package dev.kaapanamigrate.kaapana.internal;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import java.util.List;

/**
 * Names the stores the plan cannot check because the caller gave no client for them: its verification reports each as
 * not proven, so the run ends incomplete rather than claiming what it never looked at.
 */
public final class StoresNotCheckedStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "kaapana.stores-not-checked";

    private final List<String> stores;

    /**
     * Creates the step.
     *
     * @param stores what is not checked, for example {@code "objects, buckets and policies of the MinIO store"}
     */
    public StoresNotCheckedStep(List<String> stores) {
        this.stores = List.copyOf(stores);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Report what the plan cannot check without a client: " + String.join("; ", stores);
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        return StepCheck.upToDate("not checked, no client given: " + String.join("; ", stores));
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        return List.of();
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Verification.Builder v = Verification.builder().expect("stores reported as not checked", stores.size(),
                stores.size());
        for (String store : stores) {
            v.notProven(store, "no client was given to the plan (KaapanaMigration.objectStore / searchIndex)");
        }
        return v.build();
    }
}
