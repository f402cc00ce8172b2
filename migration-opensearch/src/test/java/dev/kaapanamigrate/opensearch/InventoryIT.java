package dev.kaapanamigrate.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.IdSource;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StandaloneContext;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepRunner;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.Manifest;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * The inventory on the embedded node of a generated installation: it equals the manifest; a deleted, a changed and an
 * added document are detected and named; postconditions, new-field counts and the repair.
 */
@KaapanaInstallation
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InventoryIT {

    static StandaloneContext context(PlatformState state) {
        return MigrationContext.standalone(Clock.systemUTC(), IdSource.seeded(7), state, false);
    }

    @Test
    @Order(1)
    void theBaselineEqualsTheManifest(OpenSearchClient client, Manifest manifest) {
        try (StandaloneContext ctx = context(PlatformState.SOURCE_RUNNING)) {
            StepCheck check = StepRunner.check(new BaselineStep(client, OpenSearchOptions.defaults()), ctx);
            assertThat(check).isInstanceOf(StepCheck.Pending.class);
            assertThat(check.changes()).hasSize(manifest.indices().size() - 0);

            StepResult result = StepRunner.run(new BaselineStep(client, OpenSearchOptions.defaults()), ctx);
            assertThat(result.status()).as(result.message()).isEqualTo(StepStatus.APPLIED);
            OpenSearchInventory baseline = ctx.require(OpenSearchInventory.KEY);
            assertThat(baseline.indices()).extracting(IndexInventory::index)
                    .containsExactlyElementsOf(manifest.indices().keySet());
            for (IndexInventory i : baseline.indices()) {
                Manifest.Content ids = manifest.indices().get(i.index());
                Manifest.Content content = manifest.indexContents().get(i.index());
                assertThat(i.documents()).as(i.index()).isEqualTo(ids.count());
                assertThat(i.idDigest()).as("id digest of %s", i.index()).isEqualTo(ids.digest());
                assertThat(i.contentDigest()).as("content digest of %s", i.index()).isEqualTo(content.digest());
                assertThat(i.settings()).containsEntry("index.number_of_shards", "4");
                assertThat(i.mappedFields()).as(i.index()).isGreaterThan(i.documents() > 0 ? 10 : -1);
            }
            assertThat(baseline.documents()).isGreaterThan(0);
            assertThat(baseline.seriesNotInAdmin()).isZero();
            assertThat(result.verification().facts()).allMatch(Verification.Fact::passed);
            // a second check is up to date
            assertThat(StepRunner.check(new BaselineStep(client, OpenSearchOptions.defaults()), ctx))
                    .isInstanceOf(StepCheck.UpToDate.class);
        }
    }

    @Test
    @Order(2)
    void theScrollFallbackListsTheSameAndSmallSortBudgetsSpill(OpenSearchClient client, Manifest manifest) {
        OpenSearchOptions scroll = OpenSearchOptions.defaults().withScrollOnly(true).withPageSize(7)
                .withSortBudgetBytes(64 * 1024);
        try (StandaloneContext ctx = context(PlatformState.SOURCE_RUNNING)) {
            StepResult result = StepRunner.run(new BaselineStep(client, scroll), ctx);
            assertThat(result.status()).as(result.message()).isEqualTo(StepStatus.APPLIED);
            for (IndexInventory i : ctx.require(OpenSearchInventory.KEY).indices()) {
                assertThat(i.method()).isEqualTo("SCROLL");
                assertThat(i.contentDigest()).isEqualTo(manifest.indexContents().get(i.index()).digest());
            }
        }
    }

    @Test
    @Order(2)
    void thePublicListingReaderStreamsEveryDocumentIdInOrder(OpenSearchClient client, Manifest manifest,
                                                              @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        DocumentListings listings = DocumentListings.of(client, OpenSearchOptions.defaults().withSortBudgetBytes(65536));
        List<String> indices = listings.indices();
        Map<String, IndexInventory> taken = listings.take(indices, dir, null);

        assertThat(indices).containsAll(manifest.indices().keySet()).allMatch(i -> i.startsWith("project_"));
        for (Map.Entry<String, Manifest.Content> e : manifest.indexContents().entrySet()) {
            IndexInventory i = taken.get(e.getKey());
            assertThat(i.contentDigest()).as(e.getKey()).isEqualTo(e.getValue().digest());
            List<String> ids = new java.util.ArrayList<>();
            try (DocumentListing listing = DocumentListing.open(dir.resolve(i.listingFile()))) {
                listing.forEach(entry -> ids.add(entry.id()));
            }
            assertThat(ids).as(e.getKey()).hasSize((int) e.getValue().count()).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    @Order(2)
    void aListingThatCannotBeMergedFailsTheInventoryAndLeavesTheOthersWhole(OpenSearchClient client, Manifest manifest,
                                                                          @org.junit.jupiter.api.io.TempDir
                                                                          java.nio.file.Path dir) throws Exception {
        // Each index's listing is merged on a thread of its own while the next index is scanned: a merge that fails
        // there (here the last index's file name is taken by a folder) fails the inventory, leaves no part or run file,
        // and the listings merged before it are complete.
        DocumentListings listings = DocumentListings.of(client, OpenSearchOptions.defaults().withSortBudgetBytes(65536));
        List<String> indices = listings.indices();
        String last = indices.get(indices.size() - 1);
        java.nio.file.Path blocked = dir.resolve(last + ".listing");
        java.nio.file.Files.createDirectories(blocked.resolve("occupied"));

        assertThatThrownBy(() -> listings.take(indices, dir, null)).hasMessageContaining(dir.toString());

        try (var left = java.nio.file.Files.list(dir)) {
            assertThat(left.map(f -> f.getFileName().toString()))
                    .noneMatch(name -> name.endsWith(".part") || name.endsWith(".runs"));
        }
        for (String index : indices.subList(0, indices.size() - 1)) {
            List<String> ids = new java.util.ArrayList<>();
            try (DocumentListing listing = DocumentListing.open(dir.resolve(index + ".listing"))) {
                listing.forEach(entry -> ids.add(entry.id()));
            }
            assertThat((long) ids.size()).as(index).isEqualTo(manifest.indices().get(index).count());
        }
    }

    @Test
    @Order(3)
    void aDeletedAChangedAndAnAddedDocumentAreNamed(OpenSearchClient client, Manifest manifest) throws Exception {
        String index = manifest.projects().get(1).index();
        try (StandaloneContext before = context(PlatformState.SOURCE_RUNNING)) {
            StepRunner.run(new BaselineStep(client, OpenSearchOptions.defaults()), before);
            OpenSearchInventory baseline = before.require(OpenSearchInventory.KEY);
            List<String> ids = Documents.ids(client, index);
            String deleted = ids.get(0);
            String changed = ids.get(1);
            Map<String, Object> original = Documents.get(client, index, changed);
            try {
                client.delete(d -> d.index(index).id(deleted));
                Documents.put(client, index, changed, Map.of("00000000 Tags_keyword", List.of("edited")));
                Documents.put(client, index, "1.2.3.4.added", Map.of("00080060 Modality_keyword", "CT"));
                client.indices().refresh(r -> r.index(index));

                try (StandaloneContext after = context(PlatformState.TARGET_RUNNING)) {
                    after.put(OpenSearchInventory.KEY, baseline);
                    StepResult result = StepRunner.run(new VerifyDocumentsStep(client, OpenSearchOptions.defaults()),
                            after);
                    assertThat(result.status()).isEqualTo(StepStatus.VERIFICATION_FAILED);
                    Verification.Fact kept = fact(result, "documents of " + index + " kept");
                    assertThat(kept.passed()).isFalse();
                    assertThat(kept.basis()).isEqualTo(Verification.Basis.BASELINE);
                    assertThat(kept.actual()).contains("missing 1 (" + deleted + ")").contains("changed 1 (" + changed
                            + ")");
                    Verification.Fact added = fact(result, "documents added to " + index);
                    assertThat(added.passed()).isTrue();
                    assertThat(added.actual()).isEqualTo("1 (1.2.3.4.added)");
                    // the added series has no copy in project_admin: that postcondition names it too
                    assertThat(fact(result, "series of project indices also in").actual())
                            .isEqualTo("1 (" + index + "/1.2.3.4.added) without a copy");
                    assertThat(result.verification().failures()).hasSize(2);
                }
            } finally {
                Documents.put(client, index, deleted, Documents.get(client, manifest.projects().get(0).index(), deleted));
                Documents.put(client, index, changed, original);
                client.delete(d -> d.index(index).id("1.2.3.4.added"));
                client.indices().refresh(r -> r.index(index));
            }
        }
    }

    @Test
    @Order(4)
    void verifyAfterNoChangePassesChecksProjectsAndCountsTheNewFields(OpenSearchClient client, Manifest manifest) {
        ProjectList projects = Documents.projects(manifest);
        try (StandaloneContext before = context(PlatformState.SOURCE_RUNNING)) {
            StepRunner.run(new BaselineStep(client, OpenSearchOptions.defaults()), before);
            try (StandaloneContext after = context(PlatformState.TARGET_RUNNING)) {
                after.put(OpenSearchInventory.KEY, before.require(OpenSearchInventory.KEY));
                after.put(ProjectList.KEY, projects);
                StepResult result = StepRunner.run(new VerifyDocumentsStep(client, OpenSearchOptions.defaults()), after);
                assertThat(result.status()).as(result.verification() == null ? result.message()
                        : result.verification().describeFailures()).isEqualTo(StepStatus.UP_TO_DATE);
                assertThat(fact(result, "every project has its index").actual()).isEqualTo("all "
                        + manifest.projects().size());
                assertThat(fact(result, "index template project_").actual()).isEqualTo("as expected");
                NewFieldCounts counts = after.require(NewFieldCounts.KEY);
                for (Map.Entry<String, Manifest.Content> e : manifest.indices().entrySet()) {
                    for (String field : NewFieldCounts.FIELDS) {
                        assertThat(counts.missing(e.getKey(), field)).as("%s without %s", e.getKey(), field)
                                .isEqualTo(e.getValue().count());
                    }
                }
            }
        }
    }

    @Test
    @Order(5)
    void withoutABaselineOnlyPostconditionsAreCheckedAndAMissingProjectIndexFails(OpenSearchClient client,
                                                                                   Manifest manifest) throws Exception {
        ProjectList projects = Documents.projects(manifest);
        String index = manifest.projects().get(2).index();
        try (StandaloneContext before = context(PlatformState.SOURCE_RUNNING)) {
            StepRunner.run(new BaselineStep(client, OpenSearchOptions.defaults()), before);
            OpenSearchInventory baseline = before.require(OpenSearchInventory.KEY);
            client.indices().delete(d -> d.index(index));
            try (StandaloneContext after = context(PlatformState.TARGET_RUNNING)) {
                after.put(ProjectList.KEY, projects);
                StepResult noBaseline = StepRunner.verify(new VerifyDocumentsStep(client, OpenSearchOptions.defaults()),
                        after);
                assertThat(noBaseline.status()).isEqualTo(StepStatus.VERIFICATION_FAILED);
                assertThat(fact(noBaseline, "every project has its index").actual()).contains(index);
                assertThat(fact(noBaseline, "documents kept since the baseline").actual()).contains("no baseline");

                // the opt-in repair recreates it from the template and refills it from project_admin, server-side
                RecreateProjectIndicesStep repair = new RecreateProjectIndicesStep(client, OpenSearchOptions.defaults());
                StepCheck check = StepRunner.check(repair, after);
                assertThat(check.changes()).singleElement().satisfies(c -> assertThat(c.target()).endsWith(index));
                StepResult repaired = StepRunner.run(repair, after);
                assertThat(repaired.status()).as(repaired.message()).isEqualTo(StepStatus.APPLIED);
                assertThat(StepRunner.check(repair, after)).isInstanceOf(StepCheck.UpToDate.class);

                after.put(OpenSearchInventory.KEY, baseline);
                StepResult verified = StepRunner.verify(new VerifyDocumentsStep(client, OpenSearchOptions.defaults()),
                        after);
                assertThat(verified.status()).as(verified.verification().describeFailures())
                        .isEqualTo(StepStatus.VERIFIED);
                assertThat(fact(verified, "documents of " + index + " kept").actual()).startsWith("all ");
            }
        }
    }

    @Test
    @Order(6)
    void aMissingChosenIndexIsACodedErrorNamingTheEndpoint(OpenSearchClient client) {
        BaselineStep step = new BaselineStep(client, OpenSearchOptions.defaults().withIndices(List.of("no-such-index")));
        try (StandaloneContext ctx = context(PlatformState.SOURCE_RUNNING)) {
            assertThatThrownBy(() -> step.check(ctx)).isInstanceOfSatisfying(MigrationException.class, e -> {
                assertThat(e.code()).isEqualTo(OpenSearchErrorCode.INDEX_MISSING);
                assertThat(e.getMessage()).contains("http://127.0.0.1:").contains("no-such-index")
                        .contains("Fix:");
            });
        }
    }

    static Verification.Fact fact(StepResult result, String prefix) {
        return result.verification().facts().stream().filter(f -> f.name().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no fact " + prefix + " in " + result.verification().facts()));
    }
}
