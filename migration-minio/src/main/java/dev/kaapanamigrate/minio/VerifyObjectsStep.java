package dev.kaapanamigrate.minio;

import dev.kaapanamigrate.core.RecordFile;
import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.minio.internal.Facts;
import dev.kaapanamigrate.minio.internal.Inventories;
import dev.kaapanamigrate.minio.internal.ListingFile;
import dev.kaapanamigrate.minio.internal.ListingMerge;
import dev.kaapanamigrate.minio.internal.ProjectAccess;
import dev.kaapanamigrate.minio.internal.StoreReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code minio.verify}, once 0.5 runs: lists the store again and compares it with the baseline, bucket by bucket, by
 * merging two sorted listings. Equal, or different only by additions (reported, never a failure), passes; a missing or
 * changed object fails and is named (the first {@link MinioOptions#namedDifferences()} per kind and bucket, all
 * counted). With the offline baseline the keys found in the data folder while undeployed are compared too (keys only:
 * the folder does not show sizes and ETags).
 *
 * <p>Its apply records the 0.5 listing ({@link MinioKeys#TARGET}) and the thumbnails of each project bucket
 * ({@link MinioKeys#THUMBNAILS}) for a later consistency step; its verify compares that listing when it was taken in the
 * same run, and lists the store afresh otherwise (a verify-only pass, into a temporary folder it removes).
 */
public final class VerifyObjectsStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "minio.verify";

    private final MinioStore store;
    private final MinioOptions options;

    /**
     * A verification with the default options.
     *
     * @param store the store
     */
    public VerifyObjectsStep(MinioStore store) {
        this(store, MinioOptions.defaults());
    }

    /**
     * A verification with options.
     *
     * @param store   the store
     * @param options the options (buckets, named differences, sort budget)
     */
    public VerifyObjectsStep(MinioStore store, MinioOptions options) {
        this.store = Objects.requireNonNull(store, "store");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Compare the object store once 0.5 runs with the baseline (" + store.endpoint() + ")";
    }

    @Override
    public PlatformState requiredState() {
        return PlatformState.TARGET_RUNNING;
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        if (ctx.platformState() != PlatformState.TARGET_RUNNING) {
            return StepCheck.deferred(PlatformState.TARGET_RUNNING, "the store is compared once 0.5 runs");
        }
        if (ctx.get(MinioKeys.BASELINE).isEmpty() && ctx.get(MinioKeys.OFFLINE_BASELINE).isEmpty()) {
            return new StepCheck.Blocked(noBaseline());
        }
        Optional<ObjectInventory> target = ctx.get(MinioKeys.TARGET);
        if (target.isPresent() && BaselineStep.listingsExist(target.get())) {
            return StepCheck.upToDate("0.5 listing taken at " + target.get().takenAt() + ": "
                    + target.get().buckets().size() + " buckets, " + target.get().objects() + " objects");
        }
        List<String> buckets = Inventories.bucketsToList(new StoreReader(store), store, options.buckets());
        List<Change> changes = new ArrayList<>();
        for (String b : buckets) {
            changes.add(Change.of(Change.Kind.CREATE, "0.5 listing of bucket " + b));
        }
        return StepCheck.pending(changes.isEmpty()
                ? List.of(Change.of(Change.Kind.CREATE, "0.5 listing of " + store.endpoint(), null, "no buckets", 1))
                : changes);
    }

    private Problem noBaseline() {
        return Problem.of(MinioErrorCode.BASELINE_MISSING, "no baseline of " + store.endpoint() + " in the context",
                "the inventory " + BaselineStep.ID + " took while 0.4 ran, or the walk " + OfflineBaselineStep.ID
                        + " took while undeployed", "add " + BaselineStep.ID + " or " + OfflineBaselineStep.ID
                        + " to the plan before " + ID + ", or give MinioKeys.BASELINE with contextValue(...)");
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        StoreReader reader = new StoreReader(store);
        List<String> buckets = Inventories.bucketsToList(reader, store, options.buckets());
        Map<String, String> projectByBucket = new HashMap<>();
        ctx.get(ProjectList.KEY).ifPresent(list -> list.projects().forEach(p -> projectByBucket.put(ProjectAccess.bucketOf(p),
                p.name())));
        List<ThumbnailKeys.Bucket> thumbnails = new ArrayList<>();
        ObjectInventory inventory = Inventories.online(store, reader, buckets, ctx.fileArea().resolve("target"), ctx,
                options.sortBudgetBytes(), projectByBucket::get, thumbnails);
        ctx.put(MinioKeys.TARGET, inventory);
        ctx.put(MinioKeys.THUMBNAILS, new ThumbnailKeys(thumbnails));
        List<Change> changes = new ArrayList<>();
        for (BucketInventory b : inventory.buckets()) {
            changes.add(Change.of(Change.Kind.CREATE, "0.5 listing of bucket " + b.name(), null,
                    b.objects() + " objects, " + b.bytes() + " bytes", 1));
        }
        return changes;
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Optional<ObjectInventory> baseline = ctx.get(MinioKeys.BASELINE);
        Optional<OfflineInventory> offline = ctx.get(MinioKeys.OFFLINE_BASELINE);
        if (baseline.isEmpty() && offline.isEmpty()) {
            throw new MigrationException(noBaseline(), null);
        }
        Optional<ObjectInventory> recorded = ctx.get(MinioKeys.TARGET)
                .filter(t -> ctx.runId().toString().equals(t.runId()) && BaselineStep.listingsExist(t));
        Path temp = null;
        try {
            ObjectInventory now;
            if (recorded.isPresent()) {
                now = recorded.get();
            } else {
                temp = Files.createTempDirectory("kaapana-minio-verify-");
                StoreReader reader = new StoreReader(store);
                now = Inventories.online(store, reader, Inventories.bucketsToList(reader, store, options.buckets()),
                        temp, ctx, options.sortBudgetBytes(), null, null);
            }
            List<Verification.Fact> facts = new ArrayList<>();
            if (baseline.isPresent()) {
                compareOnline(baseline.get(), now, facts);
            }
            if (offline.isPresent()) {
                compareOffline(offline.get(), now, facts);
            }
            return Verification.of(facts);
        } catch (IOException e) {
            throw new MigrationException(Problem.of(MinioErrorCode.LISTING_FAILED, "listing " + store.endpoint()
                    + " into a temporary folder failed: " + e, "free space in java.io.tmpdir",
                    "free space in java.io.tmpdir (about 30 bytes per object), then verify again"), e);
        } finally {
            Inventories.deleteQuietly(temp);
        }
    }

    private void compareOnline(ObjectInventory baseline, ObjectInventory now, List<Verification.Fact> facts) {
        for (BucketInventory b : baseline.buckets()) {
            String name = store.endpoint() + " bucket " + b.name() + " since the baseline of " + baseline.takenAt();
            Optional<BucketInventory> t = now.bucket(b.name());
            if (t.isEmpty()) {
                facts.add(new Verification.Fact(name, "the bucket with its " + b.objects() + " objects",
                        "the bucket is missing", false, Verification.Basis.BASELINE));
                continue;
            }
            facts.add(Facts.comparison(name, merge(b.listing(), t.get().listing(), true), Verification.Basis.BASELINE));
        }
        for (BucketInventory t : now.buckets()) {
            if (baseline.bucket(t.name()).isEmpty()) {
                facts.add(new Verification.Fact(store.endpoint() + " bucket " + t.name() + " since the baseline of "
                        + baseline.takenAt(), "no object missing or changed (additions allowed)",
                        "bucket added with " + t.objects() + " objects", true, Verification.Basis.BASELINE));
            }
        }
    }

    private void compareOffline(OfflineInventory offline, ObjectInventory now, List<Verification.Fact> facts) {
        for (OfflineInventory.OfflineBucket b : offline.buckets()) {
            String name = store.endpoint() + " bucket " + b.name() + ": object keys found in " + offline.folder()
                    + " while undeployed";
            Optional<BucketInventory> t = now.bucket(b.name());
            if (t.isEmpty()) {
                if (!options.buckets().isEmpty() && !options.buckets().contains(b.name())) {
                    continue;
                }
                facts.add(new Verification.Fact(name, "the bucket with its " + b.objects() + " keys",
                        "the bucket is missing", false, Verification.Basis.BASELINE));
                continue;
            }
            facts.add(Facts.comparison(name, merge(b.listing(), t.get().listing(), false), Verification.Basis.BASELINE));
        }
    }

    private ListingMerge.Differences merge(String before, String after, boolean compareTags) {
        try (RecordFile.Reader<ListingFile.Entry> a = open(before); RecordFile.Reader<ListingFile.Entry> b = open(after)) {
            return ListingMerge.compare(a::next, b::next, compareTags, options.namedDifferences());
        } catch (IOException e) {
            throw Inventories.invalid(Path.of(before), e);
        }
    }

    private static RecordFile.Reader<ListingFile.Entry> open(String file) {
        try {
            return ListingFile.read(Path.of(file));
        } catch (IOException e) {
            throw Inventories.invalid(Path.of(file), e);
        }
    }

    @Override
    public String toString() {
        return ID + "[" + store.endpoint() + "]";
    }
}
