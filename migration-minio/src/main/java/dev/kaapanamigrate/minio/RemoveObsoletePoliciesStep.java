package dev.kaapanamigrate.minio;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.ConfigurationException;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.domain.KaapanaNames;
import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.minio.internal.ProjectAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code minio.remove-obsolete-policies}, opt-in, once 0.5 runs: removes 0.4's integer-named project policies
 * ({@code <claim value>_<old id>}), which 0.5 leaves behind unused. A policy is removed only when its project's
 * UUID-named policy exists (or no project has that old id); otherwise it is kept and named. The dry-run lists what would
 * be removed; each removal is a change of the result and logged.
 */
public final class RemoveObsoletePoliciesStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "minio.remove-obsolete-policies";

    private static final Logger LOG = LoggerFactory.getLogger(RemoveObsoletePoliciesStep.class);

    private final MinioStore store;
    private final PolicyAdmin admin;
    private final MinioOptions options;

    /**
     * A removal with the default options.
     *
     * @param store the store, with a policy client
     */
    public RemoveObsoletePoliciesStep(MinioStore store) {
        this(store, MinioOptions.defaults());
    }

    /**
     * A removal with options.
     *
     * @param store   the store, with a policy client
     * @param options the options (claim values)
     */
    public RemoveObsoletePoliciesStep(MinioStore store, MinioOptions options) {
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
        return "Remove 0.4's integer-named project policies once 0.5's UUID-named ones exist (" + admin.endpoint() + ")";
    }

    @Override
    public PlatformState requiredState() {
        return PlatformState.TARGET_RUNNING;
    }

    /** Removable and kept policies. */
    private record Plan(List<ProjectAccess.Obsolete> removable, List<String> kept) {
    }

    private Plan plan(ProjectList projects) {
        Map<String, String> policies = admin.listPolicies();
        List<ProjectAccess.Obsolete> removable = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (ProjectAccess.Obsolete o : ProjectAccess.obsolete(policies, options.policyClaimValues(), projects)) {
            if (o.project().isEmpty()) {
                removable.add(o);
                continue;
            }
            String replacement = KaapanaNames.accessName(o.claimValue(), o.project().get().id());
            if (policies.containsKey(replacement)) {
                removable.add(o);
            } else {
                kept.add(o.name() + " (project " + o.project().get().name() + " has no " + replacement + " yet)");
            }
        }
        return new Plan(removable, kept);
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        if (ctx.platformState() != PlatformState.TARGET_RUNNING) {
            return StepCheck.deferred(PlatformState.TARGET_RUNNING, "0.5 must have created the UUID-named policies");
        }
        Plan plan = plan(ctx.require(ProjectList.KEY));
        if (plan.removable().isEmpty()) {
            return StepCheck.upToDate("no obsolete integer-named policy to remove" + (plan.kept().isEmpty() ? ""
                    : "; kept: " + String.join(", ", plan.kept())));
        }
        return StepCheck.pending(changes(plan));
    }

    private List<Change> changes(Plan plan) {
        List<Change> changes = new ArrayList<>();
        for (ProjectAccess.Obsolete o : plan.removable()) {
            changes.add(Change.of(Change.Kind.DELETE, "policy " + o.name() + " at " + admin.endpoint(),
                    o.project().map(p -> "project " + p.name() + " (0.4 id " + o.oldId() + ")")
                            .orElse("no project has 0.4 id " + o.oldId()), null, 1));
        }
        return changes;
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        Plan plan = plan(ctx.require(ProjectList.KEY));
        for (ProjectAccess.Obsolete o : plan.removable()) {
            admin.removePolicy(o.name());
            LOG.info("Removed the obsolete policy {} at {}", o.name(), admin.endpoint());
        }
        return changes(plan);
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Plan plan = plan(ctx.require(ProjectList.KEY));
        return Verification.builder()
                .expect("obsolete integer-named policies left whose project has its UUID policy, at " + admin.endpoint(),
                        List.of(), plan.removable().stream().map(ProjectAccess.Obsolete::name).toList())
                .fact("integer-named policies kept", "listed", plan.kept().isEmpty() ? "none"
                        : String.join(", ", plan.kept()), true)
                .build();
    }

    @Override
    public String toString() {
        return ID + "[" + admin.endpoint() + "]";
    }
}
