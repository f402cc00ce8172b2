package dev.kaapanamigrate.minio;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.minio.internal.Inventories;
import dev.kaapanamigrate.minio.internal.StoreReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code minio.baseline}, while 0.4 runs: lists every bucket of the store (no project list needed) and records per
 * bucket the object count, bytes and an order-independent digest of (key, size, ETag) in the context
 * ({@link MinioKeys#BASELINE}); the full listings go to compressed files in the step's file area, sorted as S3 lists
 * keys, so that {@link VerifyObjectsStep} can name every difference by merging two sorted streams. Memory stays flat
 * however many objects there are. A run that starts with the platform already undeployed skips it:
 * {@link OfflineBaselineStep} stands in.
 *
 * <pre>{@code
 * MigrationPlan.builder().step(new BaselineStep(MinioStore.of(client, endpoint)))...
 * }</pre>
 */
public final class BaselineStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "minio.baseline";

    private final MinioStore store;
    private final MinioOptions options;

    /**
     * A baseline of every bucket with the default options.
     *
     * @param store the store
     */
    public BaselineStep(MinioStore store) {
        this(store, MinioOptions.defaults());
    }

    /**
     * A baseline with options.
     *
     * @param store   the store
     * @param options the options (buckets, sort budget)
     */
    public BaselineStep(MinioStore store, MinioOptions options) {
        this.store = Objects.requireNonNull(store, "store");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Record the object store's inventory while 0.4 runs (" + store.endpoint() + ")";
    }

    @Override
    public PlatformState requiredState() {
        return PlatformState.SOURCE_RUNNING;
    }

    @Override
    public Optional<String> optionalOnceStatePassed() {
        return Optional.of("the run started after 0.4 was undeployed, so the store could not be listed while 0.4 ran; "
                + OfflineBaselineStep.ID + " (MinIO's data folder walked while undeployed) stands in for it");
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        Optional<ObjectInventory> recorded = ctx.get(MinioKeys.BASELINE);
        if (recorded.isPresent() && listingsExist(recorded.get())) {
            ObjectInventory b = recorded.get();
            return StepCheck.upToDate("baseline of " + b.takenAt() + ": " + b.buckets().size() + " buckets, "
                    + b.objects() + " objects, " + b.bytes() + " bytes");
        }
        List<String> buckets = Inventories.bucketsToList(new StoreReader(store), store, options.buckets());
        List<Change> changes = new ArrayList<>();
        for (String bucket : buckets) {
            changes.add(Change.of(Change.Kind.CREATE, "baseline listing of bucket " + bucket));
        }
        if (changes.isEmpty()) {
            changes.add(Change.of(Change.Kind.CREATE, "baseline of " + store.endpoint(), null, "no buckets", 1));
        }
        return StepCheck.pending(changes);
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        StoreReader reader = new StoreReader(store);
        List<String> buckets = Inventories.bucketsToList(reader, store, options.buckets());
        ObjectInventory inventory = Inventories.online(store, reader, buckets, ctx.fileArea().resolve("baseline"), ctx,
                options.sortBudgetBytes(), null, null);
        ctx.put(MinioKeys.BASELINE, inventory);
        List<Change> changes = new ArrayList<>();
        for (BucketInventory b : inventory.buckets()) {
            changes.add(Change.of(Change.Kind.CREATE, "baseline listing of bucket " + b.name(), null,
                    b.objects() + " objects, " + b.bytes() + " bytes", 1));
        }
        return changes;
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Optional<ObjectInventory> recorded = ctx.get(MinioKeys.BASELINE);
        if (recorded.isEmpty()) {
            boolean offline = ctx.get(MinioKeys.OFFLINE_BASELINE).isPresent();
            return Verification.builder().fact("baseline of " + store.endpoint(), "recorded while 0.4 ran, or "
                    + OfflineBaselineStep.ID + " standing in", offline ? "skipped; the offline baseline stands in"
                    : "none recorded", offline).build();
        }
        Verification.Builder v = Verification.builder();
        v.expect("baseline buckets of " + store.endpoint(), recorded.get().buckets().size(),
                recorded.get().buckets().size());
        for (BucketInventory b : recorded.get().buckets()) {
            Inventories.Summary s = Inventories.summarize(Path.of(b.listing()), false);
            v.expect("baseline listing of bucket " + b.name() + " intact (objects, bytes, digest)",
                    b.objects() + " objects, " + b.bytes() + " bytes, " + b.digest(),
                    s.objects() + " objects, " + s.bytes() + " bytes, " + s.digest());
        }
        return v.build();
    }

    static boolean listingsExist(ObjectInventory inventory) {
        return inventory.buckets().stream().allMatch(b -> Files.isRegularFile(Path.of(b.listing())));
    }

    @Override
    public String toString() {
        return ID + "[" + store.endpoint() + "]";
    }
}
