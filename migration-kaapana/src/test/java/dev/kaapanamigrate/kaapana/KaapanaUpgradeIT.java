package dev.kaapanamigrate.kaapana;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.IdSource;
import dev.kaapanamigrate.core.JournaledValues;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StandaloneContext;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepRunner;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.minio.CheckPoliciesStep;
import dev.kaapanamigrate.minio.MinioKeys;
import dev.kaapanamigrate.minio.MinioPolicyAdmin;
import dev.kaapanamigrate.minio.MinioSteps;
import dev.kaapanamigrate.minio.MinioStore;
import dev.kaapanamigrate.minio.VerifyObjectsStep;
import dev.kaapanamigrate.opensearch.CheckSecurityStep;
import dev.kaapanamigrate.opensearch.OpenSearchSteps;
import dev.kaapanamigrate.postgres.DatabaseConnections;
import dev.kaapanamigrate.postgres.WriteVersionStep;
import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.InstallationModel;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import dev.kaapanamigrate.testkit.backends.ObjectStore;
import dev.kaapanamigrate.testkit.backends.SearchNode;
import dev.kaapanamigrate.testkit.security.OpenSearchStartup;
import dev.kaapanamigrate.testkit.security.SecurityStandIn;
import io.minio.PutObjectArgs;
import io.minio.credentials.StaticProvider;
import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.Refresh;

/**
 * The whole upgrade in one call (issue 17): a running 0.4 installation with every store, migrated by one plan that
 * takes the baselines while 0.4 runs, undeploys, moves and migrates, deploys 0.5 and verifies every store against its
 * baseline; a second run has nothing to do; a plan without the store clients ends incomplete, naming what it did not
 * check.
 */
@KaapanaInstallation
class KaapanaUpgradeIT {

    private static final String PASSWORD = "admin-Secret-9";

    /** A clean migration: every store agrees; only the thumbnails 0.4 never made are reported (tolerated). */
    private static void assertCleanReport(ConsistencyReport report, InstallationModel model) {
        assertThat(report.notChecked()).isEmpty();
        assertThat(report.findings()).extracting(ConsistencyReport.Finding::kind)
                .containsOnly(ConsistencyReport.Kind.SERIES_WITHOUT_THUMBNAIL);
        assertThat(report.projects()).extracting(ConsistencyReport.ProjectCounts::project)
                .containsExactlyInAnyOrderElementsOf(model.projects().stream().map(InstallationModel.Project::name)
                        .toList());
        assertThat(report.admin().orElseThrow().mappedSeries()).isEqualTo(model.spec().series());
        assertThat(report.projects()).allSatisfy(p -> {
            assertThat(p.indexedSeries()).as(p.project()).isEqualTo(p.mappedSeries());
            assertThat(p.thumbnails() + p.seriesWithoutThumbnail()).as(p.project()).isEqualTo(p.mappedSeries());
            assertThat(List.of(p.bucket(), p.index(), p.policy(), p.role())).as(p.project()).containsOnly(true);
        });
    }

    /**
     * Every kind of inconsistency, planted into the running 0.5 stores, is found and named by the consistency check
     * reading the databases live and the stores through their modules' steps; nothing else is reported.
     */
    private static void plantedInconsistenciesAreEachFoundAndNamed(MigrationPlan plan, SimulatedPlatform platform,
            MinioStore store, OpenSearchClient search) throws Exception {
        JournaledValues journal = plan.journaledValues();
        ConsistencyReport clean = journal.get(ConsistencyReport.KEY).orElseThrow();
        String adminId = clean.admin().orElseThrow().projectId();
        DataSource aii = platform.dataSource(KaapanaDatabase.ACCESS_INFORMATION);
        DataSource dwf = platform.dataSource(KaapanaDatabase.DICOM_WEB_FILTER);
        DataSource backend = platform.dataSource(KaapanaDatabase.BACKEND);
        List<String> mapped = new ArrayList<>();
        String radiology;
        String someSeries;
        String adminDataset;
        int datasetId;
        try (Connection c = dwf.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT DISTINCT series_instance_uid COLLATE \"C\" FROM data_projects "
                    + "ORDER BY 1")) {
                while (rs.next()) {
                    mapped.add(rs.getString(1));
                }
            }
            radiology = clean.project("radiology").orElseThrow().projectId();
            someSeries = mapped.get(1);
            String unknown = UUID.randomUUID().toString();
            st.execute("SET session_replication_role = replica");
            st.execute("INSERT INTO data_projects (series_instance_uid, project_id) VALUES "
                    + "('9.9.1', '" + radiology + "'), ('" + someSeries + "', '" + unknown + "')");
        }
        try (Connection c = backend.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT id, name FROM dataset WHERE project_id = '" + adminId
                    + "' ORDER BY id LIMIT 1")) {
                rs.next();
                adminDataset = rs.getString(2);
                datasetId = rs.getInt(1);
            }
            st.execute("SET session_replication_role = replica");
            st.execute("INSERT INTO identifiers (id) VALUES ('9.9.4')");
            st.execute("INSERT INTO identifier2dataset (identifier, dataset) VALUES ('9.9.4', " + datasetId + "), "
                    + "('9.9.5', " + datasetId + ")");
            st.execute("INSERT INTO dataset (name, project_id) VALUES ('lost-dataset', '" + UUID.randomUUID() + "')");
            st.execute("INSERT INTO workflow (workflow_id, workflow_name, dag_id, project_id) VALUES "
                    + "('lost1', 'lost-workflow', 'collect-metadata', '" + UUID.randomUUID() + "')");
        }
        try (Connection c = aii.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO projects (id, name, description) VALUES ('" + UUID.randomUUID()
                    + "', 'empty-project', 'no bucket, index, policy or role')");
        }
        search.index(i -> i.index("project_neuro").id("9.9.2").document(Map.of("0020000E SeriesInstanceUID_keyword",
                "9.9.2")).refresh(Refresh.True));
        search.index(i -> i.index("project_admin").id("9.9.3").document(Map.of("0020000E SeriesInstanceUID_keyword",
                "9.9.3")).refresh(Refresh.True));
        byte[] png = {(byte) 0x89, 'P', 'N', 'G'};
        platform.minioClient().putObject(PutObjectArgs.builder().bucket("project-radiology")
                .object("thumbnails/9.9.6.png").stream(new ByteArrayInputStream(png), (long) png.length, -1L).build());
        // the PACS holds every series mapped before, except the first, and one nobody knows
        List<String> pacsSeries = new ArrayList<>(mapped.subList(1, mapped.size()));
        pacsSeries.add("9.9.7");

        try (StandaloneContext ctx = MigrationContext.standalone(Clock.systemUTC(), IdSource.random(),
                PlatformState.TARGET_RUNNING, false);
             QidoStandIn pacs = QidoStandIn.serving(pacsSeries)) {
            ctx.put(ProjectList.KEY, journal.get(ProjectList.KEY).orElseThrow());
            ctx.put(MinioKeys.BASELINE, journal.get(MinioKeys.BASELINE).orElseThrow());
            // the stores' own steps put what they find for the check: the thumbnails, buckets, policies, roles
            for (MigrationStep step : MinioSteps.of(store).steps()) {
                if (step.id().equals(VerifyObjectsStep.ID)) {
                    StepRunner.run(step, ctx);
                } else if (step.id().equals(CheckPoliciesStep.ID)) {
                    StepRunner.verify(step, ctx);
                }
            }
            for (MigrationStep step : OpenSearchSteps.of(search).steps()) {
                if (step.id().equals(CheckSecurityStep.ID)) {
                    StepRunner.verify(step, ctx);
                }
            }
            ConsistencyStep check = ConsistencyStep.builder()
                    .databases(DatabaseConnections.of(Map.of(ServiceDatabase.ACCESS_INFORMATION, aii,
                            ServiceDatabase.DICOM_WEB_FILTER, dwf, ServiceDatabase.BACKEND, backend)))
                    .searchIndex(search)
                    .dicomWeb(DicomWebSeries.of(pacs.base(), () -> "qido-token").withPageSize(7))
                    .build();

            StepResult result = StepRunner.run(check, ctx);

            ConsistencyReport r = ctx.require(ConsistencyReport.KEY);
            assertThat(r.databaseSide()).isEqualTo("live");
            assertThat(r.notChecked()).isEmpty();
            Map<ConsistencyReport.Kind, List<String>> named = new java.util.EnumMap<>(ConsistencyReport.Kind.class);
            r.findings().forEach(f -> named.computeIfAbsent(f.kind(), k -> new ArrayList<>()).add(f.describe()));
            assertThat(named.keySet()).as(named.toString()).containsExactlyInAnyOrder(ConsistencyReport.Kind.values());
            assertNamed(r, ConsistencyReport.Kind.MAPPED_NOT_INDEXED, "radiology", "9.9.1");
            assertNamed(r, ConsistencyReport.Kind.INDEXED_NOT_MAPPED, "neuro", "9.9.2");
            assertNamed(r, ConsistencyReport.Kind.MAPPED_NOT_IN_ADMIN_INDEX, null, "9.9.1");
            assertNamed(r, ConsistencyReport.Kind.ADMIN_INDEXED_NOT_MAPPED, null, "9.9.3");
            assertNamed(r, ConsistencyReport.Kind.MAPPING_UNKNOWN_PROJECT, null, someSeries + " -> project ");
            assertNamed(r, ConsistencyReport.Kind.MEMBER_WITHOUT_IDENTIFIER, null, "9.9.5 (dataset " + adminDataset + ")");
            assertNamed(r, ConsistencyReport.Kind.MEMBER_NOT_MAPPED, "admin", "9.9.4", "9.9.5");
            assertNamed(r, ConsistencyReport.Kind.DATASET_UNKNOWN_PROJECT, null, "dataset lost-dataset -> project ");
            assertNamed(r, ConsistencyReport.Kind.WORKFLOW_UNKNOWN_PROJECT, null, "workflow lost-workflow (lost1)");
            assertNamed(r, ConsistencyReport.Kind.PROJECT_WITHOUT_BUCKET, null, "project-empty-project (project "
                    + "empty-project)");
            assertNamed(r, ConsistencyReport.Kind.PROJECT_WITHOUT_INDEX, null, "project_empty-project");
            assertNamed(r, ConsistencyReport.Kind.PROJECT_WITHOUT_POLICY, null, "project empty-project");
            assertNamed(r, ConsistencyReport.Kind.PROJECT_WITHOUT_ROLE, null, "project empty-project");
            assertNamed(r, ConsistencyReport.Kind.THUMBNAIL_WITHOUT_SERIES, "radiology", "9.9.6");
            assertNamed(r, ConsistencyReport.Kind.PACS_NOT_MAPPED, null, "9.9.7");
            assertNamed(r, ConsistencyReport.Kind.PACS_NOT_INDEXED, null, "9.9.7");
            assertNamed(r, ConsistencyReport.Kind.MAPPED_NOT_IN_PACS, null, mapped.get(0), "9.9.1");
            assertNamed(r, ConsistencyReport.Kind.INDEXED_NOT_IN_PACS, null, mapped.get(0), "9.9.3");
            assertThat(r.count(ConsistencyReport.Kind.SERIES_WITHOUT_THUMBNAIL))
                    .isEqualTo(clean.count(ConsistencyReport.Kind.SERIES_WITHOUT_THUMBNAIL) + 1);
            assertThat(r.project("radiology").orElseThrow().mappedSeries())
                    .isEqualTo(clean.project("radiology").orElseThrow().mappedSeries() + 1);

            assertThat(result.status()).isEqualTo(StepStatus.VERIFICATION_FAILED);
            assertThat(result.verification().failures()).hasSize(ConsistencyReport.Kind.values().length - 1)
                    .extracting(f -> f.name()).doesNotContain("consistency: "
                            + ConsistencyReport.Kind.SERIES_WITHOUT_THUMBNAIL.description());
        }
    }

    /** Exactly these are named for the kind (in that project, or across all), and counted. */
    /** Every object (bucket, key, size, ETag) and every index with its document count. */
    private static List<String> storeState(MinioStore store, OpenSearchClient search) throws Exception {
        List<String> out = new ArrayList<>();
        for (io.minio.messages.ListAllMyBucketsResult.Bucket bucket : store.client().listBuckets()) {
            for (io.minio.Result<io.minio.messages.Item> r : store.client().listObjects(io.minio.ListObjectsArgs.builder()
                    .bucket(bucket.name()).recursive(true).build())) {
                io.minio.messages.Item item = r.get();
                out.add(bucket.name() + "/" + item.objectName() + " " + item.size() + " " + item.etag());
            }
        }
        for (String index : new java.util.TreeSet<>(search.indices().get(g -> g.index("*")).result().keySet())) {
            out.add(index + " " + search.count(c -> c.index(index)).count());
        }
        return out;
    }

    /** FAST_DATA_DIR's tree without the database folders, which 0.4's running servers write to on their own. */
    private static List<String> treeOutsideRunningDatabases(GeneratedInstallation install) throws Exception {
        List<String> databases = new ArrayList<>();
        for (KaapanaDatabase db : KaapanaDatabase.values()) {
            databases.add(install.fastDataDir().relativize(install.folder04(db)).toString());
        }
        return KaapanaMigrationIT.tree(install.fastDataDir()).stream()
                .filter(line -> databases.stream().noneMatch(d -> line.startsWith(d + "/") || line.startsWith(d + " ")))
                .toList();
    }

    private static void assertNamed(ConsistencyReport r, ConsistencyReport.Kind kind, String project, String... shown) {
        List<ConsistencyReport.Finding> found = r.findings(kind);
        assertThat(found).as(kind.name()).singleElement().satisfies(f -> {
            assertThat(f.project()).as(kind.name()).isEqualTo(project);
            assertThat(f.count()).as(f.describe()).isEqualTo(shown.length);
            for (int i = 0; i < shown.length; i++) {
                assertThat(f.first().get(i)).as(f.describe()).startsWith(shown[i]);
            }
        });
    }

    @Test
    void theWholeUpgradeInOneCallFromZeroFourRunningToZeroFiveRunning(GeneratedInstallation install,
            SimulatedPlatform platform, SearchNode node, ObjectStore s3, InstallationModel model) throws Exception {
        try (SecurityStandIn security = SecurityStandIn.start(node, "admin", PASSWORD);
             WorkflowApiStandIn workflows = new WorkflowApiStandIn()) {
            security.seed04(model);
            // What 0.5 does at its first start: security reset, per-project roles mapped to the project UUIDs.
            platform.onDeploy(p -> new OpenSearchStartup().run(security, node.client(),
                    OpenSearchStartup.projects(p.dataSource(KaapanaDatabase.ACCESS_INFORMATION))));
            MinioStore store = MinioStore.of(platform.minioClient(), platform.objectStoreEndpoint())
                    .withPolicyAdmin(MinioPolicyAdmin.of(platform.policyEndpoint(),
                            new StaticProvider(s3.accessKey(), s3.secretKey(), null)));
            platform.startSource();
            MigrationPlan plan = KaapanaMigrationIT.migration(install, platform)
                    .slowDataDir(install.slowDataDir())
                    .objectStore(MinioSteps.of(store).removeObsoletePolicies(true))
                    .searchIndex(OpenSearchSteps.of(security.client("admin", PASSWORD)))
                    .followUpWorkflows(WorkflowApi.of(workflows.base(), () -> "access-token"),
                            FollowUpOptions.defaults().withBatchSize(25).withWait(Duration.ofMinutes(1),
                                    Duration.ofMillis(10)))
                    .plan();

            OpenSearchClient search = security.client("admin", PASSWORD);
            List<String> storesBefore = storeState(store, search);
            List<String> treeBefore = treeOutsideRunningDatabases(install);
            PlanPreview preview = plan.check();
            assertThat(storeState(store, search)).as("the dry-run changes no object, bucket, index or document")
                    .isEqualTo(storesBefore);
            assertThat(treeOutsideRunningDatabases(install)).as("nor anything in FAST_DATA_DIR").isEqualTo(treeBefore);
            MigrationResult result = plan.run();
            MigrationResult again = plan.toBuilder().build().run();

            assertThat(preview.isBlocked()).as(preview.toString()).isFalse();
            assertThat(preview.step("minio.baseline").orElseThrow().check().changes()).extracting(c -> c.target())
                    .contains("baseline listing of bucket project-admin");
            assertThat(preview.step("opensearch.verify").orElseThrow().check()).isInstanceOf(StepCheck.Deferred.class);
            assertThat(result.status()).as(result.message() + " " + result.unproven()).isEqualTo(PlanStatus.SUCCEEDED);
            assertThat(platform.current()).isEqualTo(PlatformState.TARGET_RUNNING);
            assertThat(result.steps()).allSatisfy(s -> assertThat(s.status().isDone()).as(s.stepId()).isTrue());
            List<String> ids = result.steps().stream().map(StepResult::stepId).toList();
            assertThat(ids).startsWith("minio.baseline", "opensearch.baseline")
                    .endsWith("minio.verify", "minio.check-policies", "minio.remove-obsolete-policies", "opensearch.verify",
                            "opensearch.check-security", ConsistencyStep.ID, FollowUpWorkflowsStep.ID);
            assertThat(ids.indexOf(PacsInventoryStep.ID)).as("the PACS inventory before the folder moves")
                    .isLessThan(ids.indexOf("postgres.rename-data-folders"));
            assertThat(ids.indexOf(DatabaseSnapshotStep.ID)).as("the database side read while the servers run")
                    .isBetween(ids.indexOf("postgres.rewrite-backend-references"),
                            ids.indexOf("postgres.stop-temporary-servers"));
            assertThat(ids.indexOf(PacsVerifyStep.ID)).isEqualTo(ids.indexOf(WriteVersionStep.ID) - 1);
            assertThat(result.step(PacsVerifyStep.ID).orElseThrow().verification().facts())
                    .anySatisfy(f -> assertThat(f.actual()).isEqualTo("unchanged"))
                    .anySatisfy(f -> assertThat(f.actual()).isEqualTo("PostgreSQL 17, no live server"));
            assertCleanReport(plan.journaledValues().get(ConsistencyReport.KEY).orElseThrow(), model);
            // the follow-ups through the workflow API: every series of admin, thumbnails for those without one
            ConsistencyReport.ProjectCounts admin = plan.journaledValues().get(ConsistencyReport.KEY).orElseThrow()
                    .admin().orElseThrow();
            FollowUps followUps = plan.journaledValues().get(FollowUps.KEY).orElseThrow();
            assertThat(followUps.workflows()).allSatisfy(w -> assertThat(w.status()).isEqualTo("finished"));
            for (String dag : FollowUpOptions.GUIDE_ORDER) {
                long expected = dag.equals(FollowUpOptions.THUMBNAIL_DAG) ? admin.seriesWithoutThumbnail()
                        : admin.mappedSeries();
                assertThat(workflows.started()).filteredOn(b -> b.path("dag_id").asText().equals(dag))
                        .as(dag).hasSize((int) ((expected + 24) / 25));
                assertThat(workflows.started().stream().filter(b -> b.path("dag_id").asText().equals(dag))
                        .mapToInt(b -> b.path("conf_data").path("data_form").path("identifiers").size()).sum())
                        .as(dag).isEqualTo((int) expected);
            }
            assertThat(workflows.started()).extracting(b -> b.path("dag_id").asText()).isSortedAccordingTo(
                    java.util.Comparator.comparingInt(FollowUpOptions.GUIDE_ORDER::indexOf));
            assertThat(ids.indexOf(WriteVersionStep.ID)).as("the version marker last before 0.5 deploys")
                    .isEqualTo(ids.indexOf("minio.verify") - 1);
            assertThat(platform.policies()).doesNotContainKey("admin_project_1");
            assertThat(again.status()).as(again.message()).isEqualTo(PlanStatus.SUCCEEDED);
            assertThat(again.steps()).extracting(StepResult::status).containsOnly(StepStatus.VERIFIED_EARLIER);

            plantedInconsistenciesAreEachFoundAndNamed(plan, platform, store, security.client("admin", PASSWORD));
        } finally {
            platform.undeploy();
        }
    }
}
