package dev.kaapanamigrate.opensearch;

import dev.kaapanamigrate.core.Directories;
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
import dev.kaapanamigrate.opensearch.internal.Inventories;
import dev.kaapanamigrate.opensearch.internal.ListingCompare;
import dev.kaapanamigrate.opensearch.internal.Mappings;
import dev.kaapanamigrate.opensearch.internal.TemplateCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * {@code opensearch.verify} (0.5 running): proves that every document of the baseline is still there with the same
 * content, by listing every index again and merging the two sorted listings: a missing or changed document fails the
 * verification and is named (the first {@link OpenSearchOptions#firstDifferences()}, all counted); documents added
 * since are reported, never a failure. It also checks the postconditions that need no baseline: the index template
 * {@code project_} as Kaapana defines it, {@code project_admin} present, every project of the {@link ProjectList} (when
 * the context has one) with its {@code project_<name>} index, every series of a project index also in
 * {@code project_admin} (no more exceptions than the baseline had), and the fields of each baseline mapping still mapped
 * with the same type. It counts, per index, the documents lacking each field new in 0.5 ({@link NewFieldCounts}, put
 * into the context; facts that never fail).
 *
 * <p>Without a baseline (the run started undeployed) only the postconditions are checked, and a fact says so. The
 * current listings go to a scratch folder and are removed afterwards; nothing is written to the node.
 */
public final class VerifyDocumentsStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "opensearch.verify";

    private final OpenSearchClient client;
    private final OpenSearchOptions options;

    /**
     * Creates the step.
     *
     * @param client  the caller's client of 0.5's OpenSearch
     * @param options the options
     */
    public VerifyDocumentsStep(OpenSearchClient client, OpenSearchOptions options) {
        this.client = Objects.requireNonNull(client, "client");
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Verify that 0.5's OpenSearch holds every document of the baseline unchanged, the template, the project "
                + "indices, and count documents lacking 0.5's new fields";
    }

    @Override
    public PlatformState requiredState() {
        return PlatformState.TARGET_RUNNING;
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        if (ctx.platformState() != PlatformState.TARGET_RUNNING) {
            return StepCheck.deferred(PlatformState.TARGET_RUNNING, "0.5's OpenSearch runs only once 0.5 is deployed");
        }
        Endpoint endpoint = new Endpoint(client, options.endpointName());
        Endpoint.Reply root = endpoint.call("GET", "/", null);
        if (!root.ok()) {
            throw endpoint.failure("reading the node's information", root);
        }
        return StepCheck.upToDate(ctx.get(OpenSearchInventory.KEY)
                .map(b -> "read-only: compares " + b.indices().size() + " indices with the baseline of " + b.takenAt())
                .orElse("read-only: no baseline (the run started after 0.4 stopped): postconditions only"));
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        return List.of();
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Endpoint endpoint = new Endpoint(client, options.endpointName());
        Inventories inventories = new Inventories(endpoint, options);
        Optional<OpenSearchInventory> baseline = ctx.get(OpenSearchInventory.KEY);
        Optional<ProjectList> projects = ctx.get(ProjectList.KEY);
        List<Verification.Fact> facts = new ArrayList<>();

        List<String> template = TemplateCheck.differences(endpoint);
        facts.add(new Verification.Fact("index template " + KaapanaNames.INDEX_TEMPLATE + " at " + endpoint.name(),
                "pattern " + KaapanaNames.INDEX_PATTERN + ", " + TemplateCheck.EXPECTED_SETTINGS
                        + ", numeric and date detection off",
                template.isEmpty() ? "as expected" : String.join("; ", template), template.isEmpty()));

        Map<String, Map<String, String>> current = inventories.settings(List.of());
        TreeSet<String> extra = new TreeSet<>(options.indices());
        baseline.ifPresent(b -> b.indices().forEach(i -> extra.add(i.index())));
        extra.removeAll(current.keySet());
        for (String name : extra) {
            Endpoint.Reply r = endpoint.call("GET", "/" + name + "/_settings?flat_settings=true", null);
            if (r.ok()) {
                current.putAll(inventories.settings(List.of(name)));
            }
        }
        facts.add(new Verification.Fact("index " + KaapanaNames.ADMIN_INDEX + " exists", "exists",
                current.containsKey(KaapanaNames.ADMIN_INDEX) ? "exists" : "missing",
                current.containsKey(KaapanaNames.ADMIN_INDEX)));
        if (projects.isPresent()) {
            List<String> missing = new ArrayList<>();
            for (Project p : projects.get().projects()) {
                String index = p.opensearchIndex() != null ? p.opensearchIndex() : KaapanaNames.indexOf(p.name());
                if (!current.containsKey(index)) {
                    missing.add(index + " (project " + p.name() + ")");
                }
            }
            facts.add(new Verification.Fact("every project has its index", "all " + projects.get().projects().size(),
                    missing.isEmpty() ? "all " + projects.get().projects().size() : "missing: " + String.join(", ", missing),
                    missing.isEmpty()));
        } else {
            facts.add(new Verification.Fact("every project has its index", "checked with the project list",
                    "not checked: no project list in the context (" + ProjectList.KEY.name() + ")", true));
        }

        Path scratch;
        try {
            Files.createDirectories(options.scratch());
            scratch = Files.createTempDirectory(options.scratch(), "kaapana-opensearch-verify-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch folder in " + options.scratch() + ": "
                    + e.getMessage(), e);
        }
        try {
            List<IndexInventory> now = inventories.take(current, scratch, ctx);
            Map<String, IndexInventory> byName = new LinkedHashMap<>();
            now.forEach(i -> byName.put(i.index(), i));
            if (baseline.isPresent()) {
                compare(baseline.get(), byName, scratch, facts);
            } else {
                facts.add(new Verification.Fact("documents kept since the baseline", "a baseline taken while 0.4 ran",
                        "no baseline (the run started after 0.4 stopped): documents not compared", true));
            }
            long limit = baseline.map(OpenSearchInventory::seriesNotInAdmin).orElse(0L);
            ListingCompare.Found notInAdmin = BaselineStep.notInAdminFound(scratch, now, options.firstDifferences());
            facts.add(new Verification.Fact("series of project indices also in " + KaapanaNames.ADMIN_INDEX,
                    "at most " + limit + " without a copy (as in the baseline)", notInAdmin.describe() + " without a copy",
                    notInAdmin.count() <= limit));

            Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
            for (IndexInventory i : now) {
                if (!i.index().startsWith("project_")) {
                    continue;
                }
                Map<String, Long> missing = inventories.missingFields(i.index(), NewFieldCounts.FIELDS);
                counts.put(i.index(), missing);
                facts.add(new Verification.Fact("documents of " + i.index() + " lacking the fields new in 0.5",
                        "any (input for the follow-up workflows; never a failure)", missing.toString(), true));
            }
            ctx.put(NewFieldCounts.KEY, new NewFieldCounts(counts));
        } finally {
            Directories.deleteTreeQuietly(scratch);
        }
        return Verification.of(facts);
    }

    private void compare(OpenSearchInventory b, Map<String, IndexInventory> now, Path scratch,
                         List<Verification.Fact> facts) {
        Path dir = Path.of(b.directory());
        for (IndexInventory before : b.indices()) {
            IndexInventory after = now.get(before.index());
            String name = "documents of " + before.index() + " kept (same id and content)";
            String expected = "all " + before.documents() + " of the baseline";
            if (after == null) {
                facts.add(new Verification.Fact(name, expected, "the index is missing at " + b.endpoint(), false,
                        Verification.Basis.BASELINE));
                continue;
            }
            if (after.documents() == before.documents() && after.contentDigest().equals(before.contentDigest())) {
                facts.add(new Verification.Fact(name, expected, "all " + after.documents() + " (digest "
                        + after.contentDigest() + ")", true, Verification.Basis.BASELINE));
            } else {
                Path beforeListing = dir.resolve(before.listingFile());
                if (!Files.isRegularFile(beforeListing)) {
                    facts.add(new Verification.Fact(name, expected, after.documents() + " documents with another "
                            + "digest; the baseline listing " + beforeListing + " is gone, so additions cannot be told "
                            + "from losses", false, Verification.Basis.BASELINE));
                } else {
                    ListingCompare.Differences d;
                    try {
                        d = ListingCompare.diff(beforeListing, scratch.resolve(after.listingFile()),
                                options.firstDifferences());
                    } catch (IOException e) {
                        throw new UncheckedIOException("comparing the listings of " + before.index() + " failed: "
                                + e.getMessage(), e);
                    }
                    boolean kept = d.missing().count() == 0 && d.changed().count() == 0;
                    facts.add(new Verification.Fact(name, expected, kept ? "all kept"
                            : "missing " + d.missing().describe() + "; changed " + d.changed().describe(), kept,
                            Verification.Basis.BASELINE));
                    facts.add(new Verification.Fact("documents added to " + before.index() + " since the baseline",
                            "any (reported, never a failure)", d.added().describe(), true, Verification.Basis.BASELINE));
                }
            }
            String fields = lostFields(dir.resolve(before.mappingFile()), scratch.resolve(after.mappingFile()));
            facts.add(new Verification.Fact("fields of the baseline mapping of " + before.index()
                    + " still mapped with the same type", "all " + before.mappedFields(), fields,
                    fields.startsWith("all") || fields.startsWith("not compared"), Verification.Basis.BASELINE));
            facts.add(new Verification.Fact("primary shards of " + before.index(), Integer.toString(before.shards()),
                    Integer.toString(after.shards()), before.shards() == after.shards(), Verification.Basis.BASELINE));
        }
        List<String> newIndices = now.keySet().stream().filter(i -> b.index(i).isEmpty()).sorted().toList();
        facts.add(new Verification.Fact("indices added since the baseline", "any (reported, never a failure)",
                newIndices.isEmpty() ? "none" : String.join(", ", newIndices), true, Verification.Basis.BASELINE));
    }

    private String lostFields(Path before, Path after) {
        if (!Files.isRegularFile(before)) {
            return "not compared: the baseline mapping " + before + " is gone";
        }
        try {
            Map<String, String> was = Mappings.fields(Endpoint.JSON.readTree(before.toFile()));
            Map<String, String> is = Mappings.fields(Endpoint.JSON.readTree(after.toFile()));
            List<String> lost = new ArrayList<>();
            was.forEach((field, type) -> {
                if (!type.equals(is.get(field))) {
                    lost.add(field + " (" + type + " -> " + is.getOrDefault(field, "unmapped") + ")");
                }
            });
            return lost.isEmpty() ? "all " + was.size() : lost.size() + " differ: "
                    + String.join(", ", lost.subList(0, Math.min(lost.size(), options.firstDifferences())));
        } catch (IOException e) {
            return "not compared: " + e.getMessage();
        }
    }
}
