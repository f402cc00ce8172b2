package dev.kaapanamigrate.opensearch;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.domain.KaapanaNames;
import dev.kaapanamigrate.opensearch.internal.Endpoint;
import dev.kaapanamigrate.opensearch.internal.Inventories;
import dev.kaapanamigrate.opensearch.internal.ListingCompare;
import dev.kaapanamigrate.opensearch.internal.TemplateCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code opensearch.baseline} (0.4 running): inventories every {@code project_*} index and the chosen ones: document
 * count, order-independent digests of (id, canonical hash of {@code _source}), settings and mapping. The summary goes
 * into the context ({@link OpenSearchInventory#KEY}); the (id, hash) listings, sorted by id and compressed, and the
 * mappings go to the step's file area, so that {@link VerifyDocumentsStep} can name every document that went missing
 * or changed. Needs no project list. Reads only: listing uses a point in time per index (a scroll where none can be
 * opened) and changes nothing on the node.
 *
 * <p>May be skipped when a run starts after 0.4 was stopped: {@link OfflineBaselineStep} then stands in (the files of
 * FAST_DATA_DIR/os/data), and {@link VerifyDocumentsStep} checks postconditions only.
 *
 * <pre>{@code
 * try (StandaloneContext ctx = MigrationContext.standalone(Clock.systemUTC(), IdSource.random(),
 *         PlatformState.SOURCE_RUNNING, false)) {
 *     StepRunner.run(new BaselineStep(client, OpenSearchOptions.defaults()), ctx);
 *     OpenSearchInventory baseline = ctx.require(OpenSearchInventory.KEY);
 * }
 * }</pre>
 */
public final class BaselineStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "opensearch.baseline";

    private static final Logger LOG = LoggerFactory.getLogger(BaselineStep.class);

    private final OpenSearchClient client;
    private final OpenSearchOptions options;

    /**
     * Creates the step.
     *
     * @param client  the caller's client of 0.4's OpenSearch (credentials and TLS as the caller configured them)
     * @param options the options
     */
    public BaselineStep(OpenSearchClient client, OpenSearchOptions options) {
        this.client = Objects.requireNonNull(client, "client");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Inventory every project_* index of 0.4's OpenSearch (document ids and content hashes, settings, mappings)";
    }

    @Override
    public PlatformState requiredState() {
        return PlatformState.SOURCE_RUNNING;
    }

    @Override
    public Optional<String> optionalOnceStatePassed() {
        return Optional.of("0.4's OpenSearch was not running when the run started, so no document baseline can be taken; "
                + OfflineBaselineStep.ID + " (the files of FAST_DATA_DIR/" + KaapanaNames.OPENSEARCH_DATA
                + ") stands in while undeployed, and " + VerifyDocumentsStep.ID + " checks postconditions only");
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        if (ctx.platformState() != PlatformState.SOURCE_RUNNING) {
            return StepCheck.deferred(PlatformState.SOURCE_RUNNING, "0.4's OpenSearch is reachable only while 0.4 runs");
        }
        Optional<OpenSearchInventory> recorded = ctx.get(OpenSearchInventory.KEY);
        if (recorded.isPresent() && listingsPresent(recorded.get())) {
            OpenSearchInventory b = recorded.get();
            return StepCheck.upToDate("baseline of " + b.indices().size() + " indices (" + b.documents()
                    + " documents) taken at " + b.takenAt() + " from " + b.endpoint());
        }
        Endpoint endpoint = new Endpoint(client, options.endpointName());
        Map<String, Map<String, String>> indices = new Inventories(endpoint, options).settings(options.indices());
        Map<String, Long> counts = counts(endpoint, indices.keySet());
        List<Change> changes = new ArrayList<>();
        for (String index : indices.keySet()) {
            long docs = counts.getOrDefault(index, 0L);
            changes.add(Change.of(Change.Kind.CREATE, "baseline of " + endpoint.name() + "/" + index, null,
                    docs + " documents listed (id, content hash)", Math.max(1, docs)));
        }
        if (changes.isEmpty()) {
            changes.add(Change.of(Change.Kind.CREATE, "baseline of " + endpoint.name(), null,
                    "no project_* index: an empty baseline", 1));
        }
        return StepCheck.pending(changes);
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        Endpoint endpoint = new Endpoint(client, options.endpointName());
        Inventories inventories = new Inventories(endpoint, options);
        Map<String, Map<String, String>> indices = inventories.settings(options.indices());
        Path dir = ctx.fileArea();
        List<IndexInventory> taken = inventories.take(indices, dir, ctx);
        long notInAdmin = notInAdmin(dir, taken);
        List<String> template = TemplateCheck.differences(endpoint);
        if (!template.isEmpty()) {
            LOG.warn("The index template project_ at {} differs from Kaapana's: {}", endpoint.name(), template);
        }
        if (notInAdmin > 0) {
            LOG.warn("{} documents of project indices at {} have no copy in project_admin (as found in 0.4)", notInAdmin,
                    endpoint.name());
        }
        OpenSearchInventory baseline = new OpenSearchInventory(endpoint.name(), ctx.clock().instant(),
                dir.toAbsolutePath().toString(), taken, notInAdmin);
        ctx.put(OpenSearchInventory.KEY, baseline);
        List<Change> changes = new ArrayList<>();
        for (IndexInventory i : taken) {
            changes.add(Change.of(Change.Kind.CREATE, "baseline of " + endpoint.name() + "/" + i.index(), null,
                    i.documents() + " documents, digest " + i.contentDigest(), Math.max(1, i.documents())));
        }
        return changes.isEmpty() ? List.of(Change.of(Change.Kind.CREATE, "baseline of " + endpoint.name(), null,
                "no project_* index", 1)) : changes;
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Optional<OpenSearchInventory> recorded = ctx.get(OpenSearchInventory.KEY);
        if (recorded.isEmpty()) {
            return Verification.builder().expect("OpenSearch baseline recorded", "recorded", "none in this run's context")
                    .build();
        }
        OpenSearchInventory b = recorded.get();
        Verification.Builder v = Verification.builder()
                .fact("OpenSearch baseline recorded", "recorded", "recorded at " + b.takenAt() + " for "
                        + b.indices().size() + " indices", true);
        for (IndexInventory i : b.indices()) {
            Path listing = Path.of(b.directory()).resolve(i.listingFile());
            String actual;
            try {
                String[] recount = ListingCompare.recount(listing);
                actual = recount[0] + " documents, digest " + recount[1];
            } catch (IOException e) {
                actual = "unreadable: " + e.getMessage();
            }
            v.expect("listing of " + i.index() + " intact", i.documents() + " documents, digest " + i.contentDigest(),
                    actual);
        }
        return v.build();
    }

    private static boolean listingsPresent(OpenSearchInventory b) {
        return b.indices().stream().allMatch(i -> Files.isRegularFile(Path.of(b.directory()).resolve(i.listingFile())));
    }

    /**
     * Documents per index as the node counts them (for previews).
     *
     * @param endpoint the endpoint
     * @param indices  the indices
     * @return counts
     */
    static Map<String, Long> counts(Endpoint endpoint, Iterable<String> indices) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String index : indices) {
            Endpoint.Reply r = endpoint.call("GET", "/" + index + "/_count", null);
            if (!r.ok()) {
                throw endpoint.failure("counting the documents of " + index, r);
            }
            out.put(index, r.json().path("count").asLong());
        }
        return out;
    }

    /**
     * Documents of project indices without a copy in {@code project_admin}, from sorted listings.
     *
     * @param dir     the listings' folder
     * @param indices the inventories
     * @return the count (all project documents when there is no admin index)
     */
    static long notInAdmin(Path dir, List<IndexInventory> indices) {
        return notInAdminFound(dir, indices, 1).count();
    }

    static ListingCompare.Found notInAdminFound(Path dir, List<IndexInventory> indices, int limit) {
        Optional<IndexInventory> admin = indices.stream().filter(i -> i.index().equals(KaapanaNames.ADMIN_INDEX))
                .findFirst();
        Map<String, Path> projects = new LinkedHashMap<>();
        long all = 0;
        for (IndexInventory i : indices) {
            if (i.index().startsWith("project_") && !i.index().equals(KaapanaNames.ADMIN_INDEX)
                    && !i.index().equals(KaapanaNames.INIT_INDEX)) {
                projects.put(i.index(), dir.resolve(i.listingFile()));
                all += i.documents();
            }
        }
        if (admin.isEmpty()) {
            return new ListingCompare.Found(all, List.of());
        }
        try {
            return ListingCompare.notIn(projects, dir.resolve(admin.get().listingFile()), limit);
        } catch (IOException e) {
            throw new MigrationException(Problem.of(OpenSearchErrorCode.BASELINE_UNREADABLE,
                    "the listings in " + dir + " cannot be read: " + e.getMessage(), "readable listings",
                    OpenSearchErrorCode.BASELINE_UNREADABLE.remedy()), e);
        }
    }
}
