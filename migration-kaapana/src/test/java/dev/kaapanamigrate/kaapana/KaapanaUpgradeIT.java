package dev.kaapanamigrate.kaapana;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.minio.MinioPolicyAdmin;
import dev.kaapanamigrate.minio.MinioSteps;
import dev.kaapanamigrate.minio.MinioStore;
import dev.kaapanamigrate.opensearch.OpenSearchSteps;
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
import io.minio.credentials.StaticProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole upgrade in one call (issue 17): a running 0.4 installation with every store, migrated by one plan that
 * takes the baselines while 0.4 runs, undeploys, moves and migrates, deploys 0.5 and verifies every store against its
 * baseline; a second run has nothing to do; a plan without the store clients ends incomplete, naming what it did not
 * check.
 */
@KaapanaInstallation
class KaapanaUpgradeIT {

    private static final String PASSWORD = "admin-Secret-9";

    @Test
    void theWholeUpgradeInOneCallFromZeroFourRunningToZeroFiveRunning(GeneratedInstallation install,
            SimulatedPlatform platform, SearchNode node, ObjectStore s3, InstallationModel model) throws Exception {
        try (SecurityStandIn security = SecurityStandIn.start(node, "admin", PASSWORD)) {
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
                    .plan();

            PlanPreview preview = plan.check();
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
                            "opensearch.check-security");
            assertThat(ids.indexOf(WriteVersionStep.ID)).as("the version marker last before 0.5 deploys")
                    .isEqualTo(ids.indexOf("minio.verify") - 1);
            assertThat(platform.policies()).doesNotContainKey("admin_project_1");
            assertThat(again.status()).as(again.message()).isEqualTo(PlanStatus.SUCCEEDED);
            assertThat(again.steps()).extracting(StepResult::status).containsOnly(StepStatus.VERIFIED_EARLIER);
        } finally {
            platform.undeploy();
        }
    }
}
