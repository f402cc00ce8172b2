package dev.kaapanamigrate.minio;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.ConfigurationException;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.domain.KaapanaNames;
import dev.kaapanamigrate.domain.Project;
import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.minio.internal.ProjectAccess;
import dev.kaapanamigrate.minio.internal.StoreReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code minio.check-policies}, once 0.5 runs (read-only): every project of the shared {@link ProjectList} has its
 * bucket and, per policy claim value, its UUID-named policy {@code <claim value>_<project uuid>} granting that bucket
 * (0.5's init-projects job creates them at its first start; this library does not pre-create them); the global buckets
 * exist. Buckets no project owns and 0.4's obsolete integer-named policies are listed (facts that pass). Its check
 * reports the findings; its verify fails, naming each project, when a bucket or policy is missing, and puts what it
 * found per project into the context ({@link MinioKeys#PROJECT_BUCKETS}) for the consistency check.
 */
public final class CheckPoliciesStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "minio.check-policies";

    private final MinioStore store;
    private final PolicyAdmin admin;
    private final MinioOptions options;

    /**
     * A check with the default options.
     *
     * @param store the store, with a policy client
     */
    public CheckPoliciesStep(MinioStore store) {
        this(store, MinioOptions.defaults());
    }

    /**
     * A check with options.
     *
     * @param store   the store, with a policy client ({@link MinioStore#withPolicyAdmin})
     * @param options the options (global buckets, claim values)
     */
    public CheckPoliciesStep(MinioStore store, MinioOptions options) {
        this.store = Objects.requireNonNull(store, "store");
        this.admin = store.policyAdmin().orElseThrow(() -> new ConfigurationException("The store " + store.endpoint()
                + " has no policy client; " + ID + " needs one: MinioStore.withPolicyAdmin(MinioPolicyAdmin.of(...))."));
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Check project buckets and UUID-named policies once 0.5 runs (" + store.endpoint() + ")";
    }

    @Override
    public PlatformState requiredState() {
        return PlatformState.TARGET_RUNNING;
    }

    /** What was found. */
    private record Findings(List<Verification.Fact> facts, int failures, String summary,
                            List<ProjectBuckets.Project> projects) {
    }

    private Findings inspect(ProjectList projects) {
        List<String> buckets = new StoreReader(store).bucketNames();
        Map<String, String> policies = admin.listPolicies();
        List<Verification.Fact> facts = new ArrayList<>();
        Set<String> owned = new HashSet<>();
        int missingBuckets = 0;
        int badPolicies = 0;
        List<ProjectBuckets.Project> found = new ArrayList<>();
        for (Project p : projects.projects()) {
            String bucket = ProjectAccess.bucketOf(p);
            owned.add(bucket);
            boolean has = buckets.contains(bucket);
            List<String> needed = new ArrayList<>();
            List<String> lacking = new ArrayList<>();
            missingBuckets += has ? 0 : 1;
            facts.add(new Verification.Fact("project " + p.name() + ": bucket " + bucket + " at " + store.endpoint(),
                    "exists", has ? "exists" : "missing (0.5's init-projects creates it; or run "
                    + CreateMissingBucketsStep.ID + ")", has));
            for (String claim : options.policyClaimValues()) {
                String name = KaapanaNames.accessName(claim, p.id());
                String doc = policies.get(name);
                boolean grants = doc != null && ProjectAccess.grants(doc, bucket);
                badPolicies += grants ? 0 : 1;
                needed.add(name);
                if (!grants) {
                    lacking.add(name);
                }
                facts.add(new Verification.Fact("project " + p.name() + ": policy " + name + " at " + admin.endpoint(),
                        "exists and grants " + bucket, doc == null ? "missing (0.5's init-projects creates it at start: "
                        + "check that job's log, then restart it)" : grants ? "exists and grants " + bucket
                        : "exists but does not grant " + bucket + ": " + doc, grants));
            }
            found.add(new ProjectBuckets.Project(p.name(), p.id().toString(), bucket, has, needed, lacking));
        }
        int missingGlobal = 0;
        for (String g : options.globalBuckets()) {
            boolean has = buckets.contains(g);
            missingGlobal += has ? 0 : 1;
            facts.add(new Verification.Fact("global bucket " + g + " at " + store.endpoint(), "exists",
                    has ? "exists" : "missing (run " + CreateMissingBucketsStep.ID + ")", has));
        }
        List<String> unowned = buckets.stream().filter(b -> !owned.contains(b) && !options.globalBuckets().contains(b))
                .toList();
        facts.add(new Verification.Fact("buckets no project owns at " + store.endpoint(), "listed",
                unowned.isEmpty() ? "none" : String.join(", ", unowned), true));
        List<String> obsolete = ProjectAccess.obsolete(policies, options.policyClaimValues(), projects).stream()
                .map(ProjectAccess.Obsolete::name).toList();
        facts.add(new Verification.Fact("obsolete integer-named policies at " + admin.endpoint(), "listed (removed "
                + "only by " + RemoveObsoletePoliciesStep.ID + ")", obsolete.isEmpty() ? "none"
                : String.join(", ", obsolete), true));
        String summary = projects.projects().size() + " projects: " + missingBuckets + " without bucket, " + badPolicies
                + " policies missing or not granting their bucket; " + missingGlobal + " global buckets missing; "
                + "buckets no project owns: " + (unowned.isEmpty() ? "none" : String.join(", ", unowned))
                + "; obsolete integer-named policies: " + (obsolete.isEmpty() ? "none" : String.join(", ", obsolete));
        return new Findings(facts, missingBuckets + badPolicies + missingGlobal, summary, found);
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        if (ctx.platformState() != PlatformState.TARGET_RUNNING) {
            return StepCheck.deferred(PlatformState.TARGET_RUNNING, "0.5 creates the UUID-named policies at its first "
                    + "start");
        }
        return StepCheck.upToDate(inspect(ctx.require(ProjectList.KEY)).summary());
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        return List.of(); // read-only: check is always up to date
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Findings f = inspect(ctx.require(ProjectList.KEY));
        ctx.put(MinioKeys.PROJECT_BUCKETS, new ProjectBuckets(store.endpoint(), f.projects()));
        return Verification.of(f.facts());
    }

    @Override
    public String toString() {
        return ID + "[" + store.endpoint() + "]";
    }
}
