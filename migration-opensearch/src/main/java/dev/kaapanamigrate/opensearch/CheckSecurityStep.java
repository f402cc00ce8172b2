package dev.kaapanamigrate.opensearch;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.domain.KaapanaNames;
import dev.kaapanamigrate.domain.Project;
import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.opensearch.internal.Endpoint;
import dev.kaapanamigrate.opensearch.internal.SecurityApi;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * {@code opensearch.check-security} (0.5 running, read-only): after 0.5's first start every project of the
 * {@link ProjectList} has its role {@code <claim>_<project name>} mapped to the backend role
 * {@code <claim>_<project UUID>}, and no role mapping still holds a 0.4 backend role {@code <claim>_<integer id>}.
 * Such a leftover means 0.5's security reset did not happen (the marker {@code FAST/os/logs/init-security-marker.txt}
 * existed) and init-projects did not rewrite the mapping: the check is blocked with
 * {@link OpenSearchErrorCode#SECURITY_NOT_RESET} and the fix. A missing role or UUID mapping blocks it with
 * {@link OpenSearchErrorCode#PROJECT_ROLE_MISSING}. The step never creates roles itself: 0.5's init-projects recreates
 * them after the reset (see the design notes).
 *
 * <p>Reads {@code GET _plugins/_security/api/roles} and {@code …/rolesmapping} with the caller's client, whose user must
 * be allowed to use the security REST API (a 403 is {@link OpenSearchErrorCode#SECURITY_API_FORBIDDEN}). Its verify puts
 * what it found per project into the context ({@link ProjectRoles#KEY}) for the consistency check.
 */
public final class CheckSecurityStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "opensearch.check-security";

    private final OpenSearchClient client;
    private final OpenSearchOptions options;

    /**
     * Creates the step.
     *
     * @param client  the caller's client of 0.5's OpenSearch, as a user allowed to read the security REST API
     * @param options the options (the claim values of the opensearch rights)
     */
    public CheckSecurityStep(OpenSearchClient client, OpenSearchOptions options) {
        this.client = Objects.requireNonNull(client, "client");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Check that 0.5's OpenSearch has each project's role mapped to its UUID and no 0.4 integer backend role";
    }

    @Override
    public PlatformState requiredState() {
        return PlatformState.TARGET_RUNNING;
    }

    /** What the security API shows. */
    private record Findings(List<String> ok, List<String> missing, List<String> leftovers,
                            List<ProjectRoles.Role> roles) {
    }

    private Findings inspect(MigrationContext ctx, Endpoint endpoint) {
        ProjectList projects = ctx.require(ProjectList.KEY);
        List<String> roles = SecurityApi.roles(endpoint);
        Map<String, SecurityApi.RoleMapping> mappings = SecurityApi.mappings(endpoint);
        List<String> ok = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<ProjectRoles.Role> found = new ArrayList<>();
        for (Project p : projects.projects()) {
            for (String claim : options.claimValues()) {
                String role = KaapanaNames.roleOf(claim, p.name());
                String backend = KaapanaNames.accessName(claim, p.id());
                SecurityApi.RoleMapping m = mappings.get(role);
                found.add(new ProjectRoles.Role(p.name(), p.id().toString(), role, backend, roles.contains(role),
                        roles.contains(role) && m != null && m.backendRoles().contains(backend)));
                if (!roles.contains(role)) {
                    missing.add("role " + role + " (project " + p.name() + ")");
                } else if (m == null || !m.backendRoles().contains(backend)) {
                    missing.add("mapping of role " + role + " to backend role " + backend + " (found "
                            + (m == null ? "no mapping" : m.backendRoles()) + ")");
                } else {
                    ok.add(role + " -> " + backend);
                }
            }
        }
        List<String> leftovers = new ArrayList<>();
        for (String claim : options.claimValues()) {
            Pattern old = Pattern.compile(Pattern.quote(claim) + "_\\d+");
            mappings.forEach((role, m) -> m.backendRoles().stream().filter(r -> old.matcher(r).matches())
                    .forEach(r -> leftovers.add(role + " -> " + r)));
        }
        return new Findings(ok, missing, leftovers, found);
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        if (ctx.platformState() != PlatformState.TARGET_RUNNING) {
            return StepCheck.deferred(PlatformState.TARGET_RUNNING,
                    "the roles are recreated by 0.5's init-projects once 0.5 runs");
        }
        Endpoint endpoint = new Endpoint(client, options.endpointName());
        Findings f = inspect(ctx, endpoint);
        if (!f.leftovers().isEmpty()) {
            return StepCheck.blocked(OpenSearchErrorCode.SECURITY_NOT_RESET,
                    "role mappings at " + endpoint.name() + " still hold 0.4 backend roles keyed by integer project "
                            + "ids: " + String.join(", ", first(f.leftovers())) + (f.missing().isEmpty() ? ""
                            : "; also missing: " + String.join(", ", first(f.missing()))),
                    "only UUID backend roles (<claim>_<project uuid>), as 0.5 writes them after its security reset",
                    OpenSearchErrorCode.SECURITY_NOT_RESET.remedy()
                            + "; or, to keep the security index, replace each listed mapping with PUT "
                            + SecurityApi.BASE + "/rolesmapping/<role> {\"backend_roles\": [\"<claim>_<project uuid>\"]}");
        }
        if (!f.missing().isEmpty()) {
            return StepCheck.blocked(OpenSearchErrorCode.PROJECT_ROLE_MISSING,
                    f.missing().size() + " project roles or mappings missing at " + endpoint.name() + ": "
                            + String.join(", ", first(f.missing())),
                    "for every project and claim value a role <claim>_<name> mapped to <claim>_<uuid>",
                    OpenSearchErrorCode.PROJECT_ROLE_MISSING.remedy());
        }
        return StepCheck.upToDate(f.ok().size() + " project roles mapped to their UUID backend roles; no 0.4 backend "
                + "role left");
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        return List.of();
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Endpoint endpoint = new Endpoint(client, options.endpointName());
        Findings f = inspect(ctx, endpoint);
        ctx.put(ProjectRoles.KEY, new ProjectRoles(endpoint.name(), f.roles()));
        int expected = ctx.require(ProjectList.KEY).projects().size() * options.claimValues().size();
        return Verification.builder()
                .fact("project roles mapped to their UUID backend role at " + endpoint.name(), "all " + expected,
                        f.missing().isEmpty() ? "all " + expected : "missing " + f.missing().size() + ": "
                                + String.join(", ", first(f.missing())), f.missing().isEmpty())
                .fact("role mappings holding a 0.4 integer backend role", "none (0.5 reset the security index)",
                        f.leftovers().isEmpty() ? "none" : f.leftovers().size() + ": "
                                + String.join(", ", first(f.leftovers())), f.leftovers().isEmpty())
                .build();
    }

    private List<String> first(List<String> all) {
        return all.subList(0, Math.min(all.size(), options.firstDifferences()));
    }
}
