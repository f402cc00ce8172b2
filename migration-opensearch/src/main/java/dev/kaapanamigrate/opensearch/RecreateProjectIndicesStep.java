package dev.kaapanamigrate.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.domain.KaapanaNames;
import dev.kaapanamigrate.domain.Project;
import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.opensearch.internal.Endpoint;
import dev.kaapanamigrate.opensearch.internal.IndexScanner;
import dev.kaapanamigrate.opensearch.internal.TemplateCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * {@code opensearch.recreate-project-indices} (0.5 running; opt-in repair): creates the index {@code project_<name>} of
 * every project of the {@link ProjectList} that has none, from the index template {@code project_} (created without a
 * body, as Kaapana's access-information service does, so the template gives settings and mappings), and fills it with
 * the project's series from {@code project_admin} (documents whose {@value #PROJECT_FIELD} is the project's name) by a
 * server-side {@code _reindex} with {@code op_type create}: no document passes through this JVM, none is overwritten.
 * A project index that exists but holds fewer of the project's series than {@code project_admin} (0.5's init-projects
 * creates a missing index empty) gets the missing ones the same way. Blocked while the template differs from Kaapana's
 * and an index must be created.
 */
public final class RecreateProjectIndicesStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "opensearch.recreate-project-indices";

    /** The field of a series document that holds its project's name (keyword sub-field). */
    public static final String PROJECT_FIELD = "00120020 ClinicalTrialProtocolID_keyword";

    private final OpenSearchClient client;
    private final OpenSearchOptions options;

    /**
     * Creates the step.
     *
     * @param client  the caller's client of 0.5's OpenSearch, as a user that may create indices and reindex
     * @param options the options
     */
    public RecreateProjectIndicesStep(OpenSearchClient client, OpenSearchOptions options) {
        this.client = Objects.requireNonNull(client, "client");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Recreate missing project indices from the project_ template and refill them from project_admin "
                + "(server-side reindex)";
    }

    @Override
    public PlatformState requiredState() {
        return PlatformState.TARGET_RUNNING;
    }

    /** What the repair would do for one project. */
    private record Work(Project project, String index, boolean create, long inAdmin, long own) {
    }

    private List<Work> work(MigrationContext ctx, Endpoint endpoint) {
        List<Work> out = new ArrayList<>();
        for (Project p : ctx.require(ProjectList.KEY).projects()) {
            String index = indexOf(p);
            if (index.equals(KaapanaNames.ADMIN_INDEX)) {
                continue;
            }
            Endpoint.Reply r = endpoint.call("POST", "/" + index + "/_count", "{\"query\":" + query(p) + "}");
            if (r.status() == 404 && "index_not_found_exception".equals(r.errorType())) {
                out.add(new Work(p, index, true, count(endpoint, p), 0));
            } else if (!r.ok()) {
                throw endpoint.failure("counting the series of " + index, r);
            } else {
                long own = r.json().path("count").asLong();
                long inAdmin = count(endpoint, p);
                if (own < inAdmin) {
                    out.add(new Work(p, index, false, inAdmin, own));
                }
            }
        }
        return out;
    }

    private static String indexOf(Project p) {
        return p.opensearchIndex() != null ? p.opensearchIndex() : KaapanaNames.indexOf(p.name());
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        if (ctx.platformState() != PlatformState.TARGET_RUNNING) {
            return StepCheck.deferred(PlatformState.TARGET_RUNNING, "indices are repaired on 0.5's running OpenSearch");
        }
        Endpoint endpoint = new Endpoint(client, options.endpointName());
        List<Work> work = work(ctx, endpoint);
        if (work.isEmpty()) {
            return StepCheck.upToDate("every project has its index, holding its series of " + KaapanaNames.ADMIN_INDEX);
        }
        List<String> template = TemplateCheck.differences(endpoint);
        if (!template.isEmpty() && work.stream().anyMatch(Work::create)) {
            return StepCheck.blocked(OpenSearchErrorCode.TEMPLATE_MISMATCH,
                    "the index template at " + endpoint.name() + " differs from Kaapana's: " + String.join("; ", template)
                            + " (needed to recreate " + String.join(", ", work.stream().filter(Work::create)
                            .map(Work::index).toList()) + ")",
                    "template " + KaapanaNames.INDEX_TEMPLATE + " for " + KaapanaNames.INDEX_PATTERN + " with "
                            + TemplateCheck.EXPECTED_SETTINGS, OpenSearchErrorCode.TEMPLATE_MISMATCH.remedy());
        }
        List<Change> changes = new ArrayList<>();
        for (Work w : work) {
            changes.add(w.create()
                    ? Change.of(Change.Kind.CREATE, endpoint.name() + "/" + w.index(), null, "from template "
                            + KaapanaNames.INDEX_TEMPLATE + ", " + w.inAdmin() + " series copied from "
                            + KaapanaNames.ADMIN_INDEX + " by _reindex", Math.max(1, w.inAdmin()))
                    : Change.of(Change.Kind.UPDATE, endpoint.name() + "/" + w.index(), w.own() + " series of "
                            + w.inAdmin(), "the missing series copied from " + KaapanaNames.ADMIN_INDEX
                            + " by _reindex (op_type create)", Math.max(1, w.inAdmin() - w.own())));
        }
        return StepCheck.pending(changes);
    }

    private static String query(Project p) {
        return "{\"term\":{" + IndexScanner.quote(PROJECT_FIELD + ".keyword") + ":" + IndexScanner.quote(p.name()) + "}}";
    }

    private static long count(Endpoint endpoint, Project p) {
        Endpoint.Reply r = endpoint.call("POST", "/" + KaapanaNames.ADMIN_INDEX + "/_count", "{\"query\":" + query(p) + "}");
        if (r.status() == 404) {
            return 0;
        }
        if (!r.ok()) {
            throw endpoint.failure("counting the series of project " + p.name() + " in " + KaapanaNames.ADMIN_INDEX, r);
        }
        return r.json().path("count").asLong();
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        Endpoint endpoint = new Endpoint(client, options.endpointName());
        List<Change> changes = new ArrayList<>();
        for (Work w : work(ctx, endpoint)) {
            String index = w.index();
            if (w.create()) {
                Endpoint.Reply created = endpoint.call("PUT", "/" + index, null);
                if (!created.ok() && !"resource_already_exists_exception".equals(created.errorType())) {
                    throw endpoint.failure("creating index " + index, created);
                }
            }
            Endpoint.Reply copied = endpoint.call("POST", "/_reindex?refresh=true&wait_for_completion=true",
                    "{\"conflicts\":\"proceed\",\"source\":{\"index\":" + IndexScanner.quote(KaapanaNames.ADMIN_INDEX)
                            + ",\"query\":" + query(w.project()) + "},\"dest\":{\"index\":" + IndexScanner.quote(index)
                            + ",\"op_type\":\"create\"}}");
            if (!copied.ok()) {
                throw endpoint.failure("copying the series of project " + w.project().name() + " into " + index, copied);
            }
            JsonNode result = copied.json();
            if (result.path("failures").size() > 0) {
                throw new MigrationException(Problem.of(OpenSearchErrorCode.REQUEST_FAILED,
                        "_reindex into " + index + " at " + endpoint.name() + " reported failures: "
                                + result.path("failures").get(0).toString(),
                        "every series copied", "fix the cause and run again (documents already copied are kept)"), null);
            }
            long created = result.path("created").asLong();
            changes.add(Change.of(w.create() ? Change.Kind.CREATE : Change.Kind.UPDATE, endpoint.name() + "/" + index,
                    w.create() ? null : w.own() + " series", (w.create() ? "from template " + KaapanaNames.INDEX_TEMPLATE
                    + ", " : "") + created + " series copied from " + KaapanaNames.ADMIN_INDEX, Math.max(1, created)));
        }
        return changes;
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Endpoint endpoint = new Endpoint(client, options.endpointName());
        Verification.Builder v = Verification.builder();
        for (Project p : ctx.require(ProjectList.KEY).projects()) {
            String index = indexOf(p);
            Endpoint.Reply r = endpoint.call("POST", "/" + index + "/_count", "{\"query\":" + query(p) + "}");
            if (r.status() == 404) {
                v.fact("index " + index + " exists", "exists", "missing", false);
                continue;
            }
            if (!r.ok()) {
                throw endpoint.failure("counting the series of " + index, r);
            }
            long own = r.json().path("count").asLong();
            if (p.name().equals(KaapanaNames.ADMIN_PROJECT)) {
                v.fact("index " + index + " exists", "exists", "exists", true);
                continue;
            }
            long inAdmin = count(endpoint, p);
            v.fact("series of project " + p.name() + " in " + index, "at least the " + inAdmin + " in "
                    + KaapanaNames.ADMIN_INDEX, Long.toString(own), own >= inAdmin);
        }
        return v.build();
    }
}
