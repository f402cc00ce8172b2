package dev.kaapanamigrate.minio;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.domain.Project;
import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.minio.internal.ProjectAccess;
import dev.kaapanamigrate.minio.internal.StoreErrors;
import dev.kaapanamigrate.minio.internal.StoreReader;
import io.minio.MakeBucketArgs;
import io.minio.errors.ErrorResponseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code minio.create-missing-buckets}, opt-in, once 0.5 runs: creates each project's bucket and each global bucket
 * that does not exist (empty). 0.5's start-up jobs normally create them; this repairs an installation where they did
 * not. Idempotent: a bucket that appeared meanwhile is left as it is.
 */
public final class CreateMissingBucketsStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "minio.create-missing-buckets";

    private static final Logger LOG = LoggerFactory.getLogger(CreateMissingBucketsStep.class);

    private final MinioStore store;
    private final MinioOptions options;

    /**
     * Creation with the default options.
     *
     * @param store the store
     */
    public CreateMissingBucketsStep(MinioStore store) {
        this(store, MinioOptions.defaults());
    }

    /**
     * Creation with options.
     *
     * @param store   the store
     * @param options the options (global buckets)
     */
    public CreateMissingBucketsStep(MinioStore store, MinioOptions options) {
        this.store = Objects.requireNonNull(store, "store");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Create missing project and global buckets once 0.5 runs (" + store.endpoint() + ")";
    }

    @Override
    public PlatformState requiredState() {
        return PlatformState.TARGET_RUNNING;
    }

    private Set<String> expected(ProjectList projects) {
        Set<String> out = new LinkedHashSet<>();
        for (Project p : projects.projects()) {
            out.add(ProjectAccess.bucketOf(p));
        }
        out.addAll(options.globalBuckets());
        return out;
    }

    private List<String> missing(ProjectList projects) {
        List<String> existing = new StoreReader(store).bucketNames();
        return expected(projects).stream().filter(b -> !existing.contains(b)).toList();
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        if (ctx.platformState() != PlatformState.TARGET_RUNNING) {
            return StepCheck.deferred(PlatformState.TARGET_RUNNING, "buckets are created once 0.5 runs");
        }
        List<Change> changes = new ArrayList<>();
        for (String b : missing(ctx.require(ProjectList.KEY))) {
            changes.add(Change.of(Change.Kind.CREATE, "bucket " + b + " at " + store.endpoint()));
        }
        return changes.isEmpty() ? StepCheck.upToDate("every project and global bucket exists") : StepCheck.pending(changes);
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        List<Change> changes = new ArrayList<>();
        for (String b : missing(ctx.require(ProjectList.KEY))) {
            try {
                store.client().makeBucket(MakeBucketArgs.builder().bucket(b).build());
                LOG.info("Created bucket {} at {}", b, store.endpoint());
                changes.add(Change.of(Change.Kind.CREATE, "bucket " + b + " at " + store.endpoint()));
            } catch (ErrorResponseException e) {
                String code = e.errorResponse() == null ? "" : e.errorResponse().code();
                if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                    throw StoreErrors.of(e, store.endpoint(), "creating bucket " + b, 1);
                }
            } catch (Exception e) {
                throw StoreErrors.of(e, store.endpoint(), "creating bucket " + b, 1);
            }
        }
        return changes;
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        ProjectList projects = ctx.require(ProjectList.KEY);
        List<String> existing = new StoreReader(store).bucketNames();
        Verification.Builder v = Verification.builder();
        for (String b : expected(projects)) {
            v.expect("bucket " + b + " at " + store.endpoint(), "exists", existing.contains(b) ? "exists" : "missing");
        }
        return v.build();
    }

    @Override
    public String toString() {
        return ID + "[" + store.endpoint() + "]";
    }
}
