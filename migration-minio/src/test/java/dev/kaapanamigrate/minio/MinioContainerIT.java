package dev.kaapanamigrate.minio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.StandaloneContext;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepRunner;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.testkit.backends.ObjectStore;
import dev.kaapanamigrate.testkit.backends.TestBackends;
import io.minio.MakeBucketArgs;
import io.minio.PutObjectArgs;
import io.minio.credentials.StaticProvider;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/** The inventory and the policy client against the MinIO image Kaapana runs. Needs Docker. */
@EnabledIf(value = "dev.kaapanamigrate.testkit.internal.Docker#available",
        disabledReason = "no Docker engine: the MinIO container cannot start (the embedded S3 server and the admin API "
                + "stand-in cover these steps)")
class MinioContainerIT {

    @Test
    void inventoryAndPoliciesOnRealMinio() throws Exception {
        try (ObjectStore minio = TestBackends.startMinioContainer("kaapana-test", "kaapana-test-secret")) {
            minio.client().makeBucket(MakeBucketArgs.builder().bucket("project-admin").build());
            byte[] png = {1, 2, 3};
            minio.client().putObject(PutObjectArgs.builder().bucket("project-admin").object("thumbnails/1.2.3.png")
                    .stream(new ByteArrayInputStream(png), (long) png.length, null).build());
            MinioPolicyAdmin admin = MinioPolicyAdmin.of(minio.endpoint(),
                    new StaticProvider(minio.accessKey(), minio.secretKey(), null));
            try (StandaloneContext ctx = MigrationContext.standalone()) {
                StepResult r = StepRunner.run(new BaselineStep(MinioStore.of(minio.client(), minio.endpoint())), ctx);
                assertThat(r.status()).as(r.message()).isEqualTo(StepStatus.APPLIED);
                assertThat(ctx.get(MinioKeys.BASELINE).orElseThrow().objects()).isEqualTo(1);
            }
            String doc = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\"],"
                    + "\"Resource\":[\"arn:aws:s3:::project-admin/*\"]}]}";
            admin.addPolicy("admin_project_1", doc);
            assertThat(admin.listPolicies()).containsKey("admin_project_1").containsKey("consoleAdmin");
            admin.removePolicy("admin_project_1");
            admin.removePolicy("admin_project_1"); // gone already: still succeeds
            assertThat(admin.listPolicies()).doesNotContainKey("admin_project_1");
        }
    }
}
