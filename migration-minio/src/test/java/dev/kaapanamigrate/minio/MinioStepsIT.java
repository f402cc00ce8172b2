package dev.kaapanamigrate.minio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.IdSource;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StandaloneContext;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepRunner;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.domain.KaapanaNames;
import dev.kaapanamigrate.domain.Project;
import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.InstallationModel;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.InstallationGenerator;
import dev.kaapanamigrate.testkit.Manifest;
import dev.kaapanamigrate.testkit.ReliabilityCounts;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import dev.kaapanamigrate.testkit.StandardError;
import dev.kaapanamigrate.testkit.backends.ObjectStore;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.credentials.StaticProvider;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The MinIO steps on a generated 0.4.2 installation: the embedded S3 server behind the simulated platform's
 * reachability gate, the admin API stand-in, and SLOW_DATA_DIR/minio in MinIO's single-drive layout.
 */
@KaapanaInstallation
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ReliabilityCounts.class)
class MinioStepsIT {

    private static final String WRONG_SECRET = "not-the-secret-4711";

    static ProjectList projects;
    static Map<String, UUID> ids = new LinkedHashMap<>();

    @BeforeAll
    static void projects(Manifest manifest, SimulatedPlatform platform) {
        List<Project> list = new ArrayList<>();
        for (InstallationModel.Project p : manifest.projects()) {
            UUID id = UUID.nameUUIDFromBytes(("project-" + p.id()).getBytes(StandardCharsets.UTF_8));
            ids.put(p.name(), id);
            list.add(new Project(p.id(), id, p.name(), p.bucket(), "project_" + p.name(), p.namespace()));
        }
        projects = new ProjectList(list, 1);
        platform.simulateDatabases(false).targetProjectIds(ids);
    }

    private static MinioStore store(SimulatedPlatform platform, ObjectStore s3) {
        return MinioStore.of(platform.minioClient(), platform.objectStoreEndpoint())
                .withPolicyAdmin(MinioPolicyAdmin.of(platform.policyEndpoint(),
                        new StaticProvider(s3.accessKey(), s3.secretKey(), null)))
                .withRetries(2, java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(20));
    }

    private static StandaloneContext context(PlatformState state) {
        return MigrationContext.standalone(Clock.systemUTC(), IdSource.random(), state, false);
    }

    @Test
    @Order(1)
    void theBaselineEqualsTheInstallationsManifestAndIsReachableOnlyWhileAPlatformRuns(SimulatedPlatform platform,
            ObjectStore s3, Manifest manifest) {
        platform.undeploy();
        try (StandaloneContext ctx = context(PlatformState.SOURCE_RUNNING)) {
            StepCheck refused = StepRunner.check(new BaselineStep(store(platform, s3)), ctx);
            assertThat(refused).isInstanceOf(StepCheck.Blocked.class);
            StepCheck.Blocked blocked = (StepCheck.Blocked) refused;
            assertThat(blocked.problem().code()).isEqualTo(MinioErrorCode.ENDPOINT_UNREACHABLE);
            assertThat(blocked.problem().found()).contains(platform.objectStoreEndpoint());
            assertThat(blocked.problem().fix()).contains("0.4 before the undeploy");
        }
        platform.startSource();
        try (StandaloneContext ctx = context(PlatformState.SOURCE_RUNNING)) {
            StepResult result = StepRunner.run(new BaselineStep(store(platform, s3)), ctx);
            assertThat(result.status()).as(result.message()).isEqualTo(StepStatus.APPLIED);
            ObjectInventory baseline = ctx.get(MinioKeys.BASELINE).orElseThrow();
            Map<String, Manifest.Content> inventoried = new LinkedHashMap<>();
            baseline.buckets().forEach(b -> inventoried.put(b.name(), new Manifest.Content(b.objects(), b.digest())));
            assertThat(inventoried).isEqualTo(manifest.buckets());
            assertThat(baseline.objects()).isPositive();
            assertThat(result.verification().facts()).allMatch(Verification.Fact::passed);
        }
    }

    @Test
    @Order(2)
    void aDeletedChangedAndAddedObjectIsDetectedAndNamed(SimulatedPlatform platform, ObjectStore s3,
            InstallationModel model) throws Exception {
        platform.startSource();
        MinioStore store = store(platform, s3);
        String bucket = model.project(1).bucket();
        MinioClient direct = s3.client();
        try (StandaloneContext ctx = context(PlatformState.SOURCE_RUNNING)) {
            assertThat(StepRunner.run(new BaselineStep(store), ctx).status()).isEqualTo(StepStatus.APPLIED);
            List<String> keys = new ArrayList<>();
            direct.listObjects(io.minio.ListObjectsArgs.builder().bucket(bucket).recursive(true).build())
                    .forEach(r -> keys.add(get(() -> r.get().objectName())));
            String deleted = keys.get(0);
            String changed = keys.get(1);
            byte[] before = direct.getObject(io.minio.GetObjectArgs.builder().bucket(bucket).object(changed).build())
                    .readAllBytes();
            byte[] gone = direct.getObject(io.minio.GetObjectArgs.builder().bucket(bucket).object(deleted).build())
                    .readAllBytes();
            direct.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(deleted).build());
            put(direct, bucket, changed, "changed content");
            put(direct, bucket, "thumbnails/added-by-0.5.png", "new");
            try {
                platform.deploy();
                StandaloneContext target = context(PlatformState.TARGET_RUNNING);
                target.put(MinioKeys.BASELINE, ctx.get(MinioKeys.BASELINE).orElseThrow());
                target.put(ProjectList.KEY, projects);
                StepResult verified = StepRunner.run(new VerifyObjectsStep(store), target);
                assertThat(verified.status()).isEqualTo(StepStatus.VERIFICATION_FAILED);
                Verification.Fact fact = verified.verification().failures().get(0);
                assertThat(fact.name()).contains(bucket).contains(platform.objectStoreEndpoint());
                assertThat(fact.actual()).contains("1 missing: " + deleted).contains("1 changed: " + changed)
                        .contains("1 added: thumbnails/added-by-0.5.png");
                assertThat(verified.verification().failures()).hasSize(1);
                ThumbnailKeys thumbnails = target.get(MinioKeys.THUMBNAILS).orElseThrow();
                assertThat(thumbnails.bucket(bucket).orElseThrow().project()).isEqualTo(model.project(1).name());
                assertThat(thumbnails.bucket(bucket).orElseThrow().thumbnails()).isPositive();
                target.close();
            } finally {
                direct.putObject(PutObjectArgs.builder().bucket(bucket).object(deleted)
                        .stream(new ByteArrayInputStream(gone), (long) gone.length, null).build());
                direct.putObject(PutObjectArgs.builder().bucket(bucket).object(changed)
                        .stream(new ByteArrayInputStream(before), (long) before.length, null).build());
                direct.removeObject(RemoveObjectArgs.builder().bucket(bucket).object("thumbnails/added-by-0.5.png")
                        .build());
            }
        }
    }

    @Test
    @Order(3)
    void theOfflineInventoryReadsTheKeysOfTheSingleDriveFolder(GeneratedInstallation installation, Manifest manifest) {
        try (StandaloneContext ctx = context(PlatformState.UNDEPLOYED)) {
            StepResult result = StepRunner.run(new OfflineBaselineStep(installation.slowDataDir()), ctx);
            assertThat(result.status()).as(result.message()).isEqualTo(StepStatus.APPLIED);
            OfflineInventory offline = ctx.get(MinioKeys.OFFLINE_BASELINE).orElseThrow();
            assertThat(offline.format()).isEqualTo("xl-single");
            Map<String, Long> keys = new LinkedHashMap<>();
            offline.buckets().forEach(b -> keys.put(b.name(), b.objects()));
            Map<String, Long> expected = new LinkedHashMap<>();
            manifest.buckets().forEach((b, c) -> expected.put(b, c.count()));
            assertThat(keys).isEqualTo(expected);
            assertThat(result.verification().facts()).allMatch(Verification.Fact::passed);
        }
    }

    @Test
    @Order(4)
    void aWholeRunFromZeroFourToZeroFiveVerifiesAndChecksThePolicies(SimulatedPlatform platform, ObjectStore s3,
            GeneratedInstallation installation, InstallationModel model) {
        platform.undeploy();
        platform.startSource();
        MinioStore store = store(platform, s3);
        MigrationPlan plan = MinioSteps.of(store).offline(installation.slowDataDir()).removeObsoletePolicies(true)
                .createMissingBuckets(true).addTo(MigrationPlan.builder())
                .contextValue(ProjectList.KEY, projects)
                .platformControl(platform)
                .inMemoryState()
                .build();
        PlanPreview preview = plan.check();
        assertThat(preview.isBlocked()).as(preview.toString()).isFalse();
        MigrationResult result = plan.run();
        assertThat(result.status()).as(result.message()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(result.steps()).extracting(StepResult::stepId).containsExactly(BaselineStep.ID,
                OfflineBaselineStep.ID, VerifyObjectsStep.ID, CreateMissingBucketsStep.ID, CheckPoliciesStep.ID,
                RemoveObsoletePoliciesStep.ID);
        StepResult removal = result.steps().get(5);
        assertThat(removal.changes()).extracting(Change::target)
                .contains("policy admin_project_1 at " + platform.policyEndpoint());
        assertThat(platform.policies()).doesNotContainKey("admin_project_1")
                .containsKey(KaapanaNames.accessName("admin_project", ids.get("admin")));
        StepResult check = result.steps().get(4);
        assertThat(check.verification().facts()).filteredOn(f -> f.name().startsWith("obsolete"))
                .singleElement().satisfies(f -> assertThat(f.actual()).contains("admin_project_1"));
        assertThat(result.steps()).allMatch(s -> s.status().isDone());
        assertThat(model.projects()).isNotEmpty();
    }

    @Test
    @Order(5)
    void aMissingUuidPolicyFailsTheCheckNamingTheProject(SimulatedPlatform platform, ObjectStore s3,
            InstallationModel model) {
        String project = model.projects().get(model.projects().size() - 1).name();
        String policy = KaapanaNames.accessName("admin_project", ids.get(project));
        platform.undeploy();
        platform.omitStartupPolicy(project);
        platform.deploy();
        MinioPolicyAdmin direct = MinioPolicyAdmin.of(platform.policyEndpoint(),
                new StaticProvider(s3.accessKey(), s3.secretKey(), null));
        direct.removePolicy(policy); // created by the previous test's deploy; this deploy left it out
        try (StandaloneContext ctx = context(PlatformState.TARGET_RUNNING)) {
            ctx.put(ProjectList.KEY, projects);
            StepResult result = StepRunner.run(new CheckPoliciesStep(store(platform, s3)), ctx);
            assertThat(result.status()).isEqualTo(StepStatus.VERIFICATION_FAILED);
            assertThat(result.verification().failures()).singleElement().satisfies(f -> {
                assertThat(f.name()).contains("project " + project).contains(policy);
                assertThat(f.actual()).startsWith("missing");
            });
            ProjectBuckets found = ctx.require(MinioKeys.PROJECT_BUCKETS);
            assertThat(found.projects()).hasSize(projects.projects().size())
                    .allSatisfy(p -> assertThat(p.bucketExists()).as(p.bucket()).isTrue());
            assertThat(found.projects()).filteredOn(p -> !p.missing().isEmpty()).singleElement()
                    .satisfies(p -> assertThat(p.missing()).containsExactly(policy));
        }
    }

    @Test
    @Order(6)
    void badInputsGiveCodedErrorsNamingTheEndpointNeverTheSecret(SimulatedPlatform platform, ObjectStore s3)
            throws Exception {
        platform.undeploy();
        platform.startSource();
        platform.addPolicyUser("readonly-user", "readonly-secret-123", false);
        Map<String, Manifest.Content> before = buckets(s3);
        String log = StandardError.capturing(() -> {
            // bad credentials
            MinioClient wrong = MinioClient.builder().endpoint(platform.objectStoreEndpoint()).region("us-east-1")
                    .credentials(s3.accessKey(), WRONG_SECRET).build();
            try (StandaloneContext ctx = context(PlatformState.SOURCE_RUNNING)) {
                StepCheck c = StepRunner.check(new BaselineStep(MinioStore.of(wrong, platform.objectStoreEndpoint())),
                        ctx);
                assertCoded(c, MinioErrorCode.CREDENTIALS_REJECTED, platform.objectStoreEndpoint(), s3);
                assertThat(((StepCheck.Blocked) c).problem().expected()).contains("credentials of a MinIO user");
                assertThat(((StepCheck.Blocked) c).problem().fix()).contains("access and secret key of a MinIO user");
                // a missing bucket
                c = StepRunner.check(new BaselineStep(store(platform, s3), MinioOptions.defaults()
                        .withBuckets(List.of("no-such-bucket"))), ctx);
                assertCoded(c, MinioErrorCode.BUCKET_MISSING, platform.objectStoreEndpoint(), s3);
                assertThat(((StepCheck.Blocked) c).problem().found()).contains("no-such-bucket");
                assertThat(((StepCheck.Blocked) c).problem().fix()).contains("MinioOptions.withBuckets");
            }
            // the policy API answering 403, and refusing a wrong secret
            MinioPolicyAdmin denied = MinioPolicyAdmin.of(platform.policyEndpoint(),
                    new StaticProvider("readonly-user", "readonly-secret-123", null));
            MigrationException e = catchThrowableOfType(MigrationException.class, denied::listPolicies);
            assertThat(e.code()).isEqualTo(MinioErrorCode.POLICY_API_DENIED);
            assertThat(e.getMessage()).contains(platform.policyEndpoint()).contains("403").doesNotContain(
                    "readonly-secret-123").doesNotContain("readonly-user");
            assertThat(e.problem().orElseThrow().expected()).isEqualTo("a user allowed to manage policies");
            assertThat(e.problem().orElseThrow().fix()).isEqualTo(MinioErrorCode.POLICY_API_DENIED.remedy());
            MinioPolicyAdmin wrongAdmin = MinioPolicyAdmin.of(platform.policyEndpoint(),
                    new StaticProvider(s3.accessKey(), WRONG_SECRET, null));
            e = catchThrowableOfType(MigrationException.class, wrongAdmin::listPolicies);
            assertThat(e.code()).isEqualTo(MinioErrorCode.CREDENTIALS_REJECTED);
            assertThat(e.getMessage()).contains(platform.policyEndpoint()).doesNotContain(WRONG_SECRET);
            assertThat(e.problem().orElseThrow().expected()).isEqualTo("credentials of a MinIO admin user");
            assertThat(e.problem().orElseThrow().fix()).contains("root user");
            assertThat(buckets(s3)).as("no object changed").isEqualTo(before);
            // unreachable
            platform.undeploy();
            e = catchThrowableOfType(MigrationException.class, () -> store(platform, s3).policyAdmin().orElseThrow()
                    .listPolicies());
            assertThat(e.code()).isEqualTo(MinioErrorCode.ENDPOINT_UNREACHABLE);
            assertThat(e.getMessage()).contains(platform.policyEndpoint());
            assertThat(e.problem().orElseThrow().expected()).isEqualTo("MinIO answering at " + platform.policyEndpoint());
            assertThat(e.problem().orElseThrow().fix()).contains("check the endpoint and the network");
            return null;
        });
        assertThat(log).doesNotContain(WRONG_SECRET).doesNotContain("readonly-secret-123")
                .doesNotContain("Credential=" + s3.accessKey());
        for (String claim : List.of("wrong MinIO secret refused, coded CREDENTIALS_REJECTED, objects unchanged",
                "a missing bucket refused, coded BUCKET_MISSING, objects unchanged",
                "the policy API's 403 coded POLICY_API_DENIED, objects unchanged",
                "a wrong secret at the policy API refused, coded CREDENTIALS_REJECTED, objects unchanged",
                "an unreachable MinIO endpoint coded ENDPOINT_UNREACHABLE, naming it")) {
            ReliabilityCounts.proved(MinioStepsIT.class, "bad input: " + claim);
        }
    }

    /** Per bucket of the store: the objects' count and digest (key, size, ETag). */
    private static Map<String, Manifest.Content> buckets(ObjectStore s3) throws Exception {
        Map<String, Manifest.Content> digests = new java.util.TreeMap<>();
        for (var b : s3.client().listBuckets()) {
            digests.put(b.name(), InstallationGenerator.bucketDigest(s3, b.name()));
        }
        return digests;
    }

    private static void assertCoded(StepCheck c, MinioErrorCode code, String endpoint, ObjectStore s3) {
        assertThat(c).isInstanceOf(StepCheck.Blocked.class);
        var p = ((StepCheck.Blocked) c).problem();
        assertThat(p.code()).isEqualTo(code);
        assertThat(p.message()).contains(endpoint).doesNotContain(WRONG_SECRET).doesNotContain(s3.secretKey() + "/")
                .doesNotContain("Credential=");
    }

    private static void put(MinioClient client, String bucket, String key, String content) throws Exception {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(new ByteArrayInputStream(b),
                (long) b.length, null).build());
    }

    private static <T> T get(Callable<T> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }


}
