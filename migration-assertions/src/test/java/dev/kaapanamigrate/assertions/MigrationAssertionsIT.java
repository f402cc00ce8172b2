package dev.kaapanamigrate.assertions;

import static dev.kaapanamigrate.assertions.MigrationAssertions.assertThatConsistency;
import static dev.kaapanamigrate.assertions.MigrationAssertions.assertThatDatabase;
import static dev.kaapanamigrate.assertions.MigrationAssertions.assertThatInstallation;
import static dev.kaapanamigrate.assertions.MigrationAssertions.assertThatMigration;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.kaapana.ConsistencyReport;
import dev.kaapanamigrate.kaapana.KaapanaMigration;
import dev.kaapanamigrate.minio.MinioPolicyAdmin;
import dev.kaapanamigrate.minio.MinioSteps;
import dev.kaapanamigrate.minio.MinioStore;
import dev.kaapanamigrate.opensearch.OpenSearchSteps;
import dev.kaapanamigrate.pgserver.Libc;
import dev.kaapanamigrate.postgres.DatabaseConnections;
import dev.kaapanamigrate.postgres.TemporaryServers;
import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.InstallationModel;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import dev.kaapanamigrate.testkit.backends.ObjectStore;
import dev.kaapanamigrate.testkit.backends.SearchNode;
import dev.kaapanamigrate.testkit.security.OpenSearchStartup;
import dev.kaapanamigrate.testkit.security.SecurityStandIn;
import io.minio.RemoveObjectArgs;
import io.minio.credentials.StaticProvider;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.Refresh;

/**
 * Each assertion passes on an installation the whole upgrade migrated (0.4 running to 0.5 running, every store), then
 * fails with a readable message once the installation is broken: a job row deleted, a column added, an object and a
 * document deleted.
 */
@KaapanaInstallation
class MigrationAssertionsIT {

    private static final String PASSWORD = "admin-Secret-9";

    @Test
    void theAssertionsPassOnAMigratedInstallationAndNameWhatABrokenOneLost(GeneratedInstallation install,
            SimulatedPlatform platform, SearchNode node, ObjectStore s3, InstallationModel model) throws Exception {
        try (SecurityStandIn security = SecurityStandIn.start(node, "admin", PASSWORD)) {
            security.seed04(model);
            platform.onDeploy(p -> new OpenSearchStartup().run(security, node.client(),
                    OpenSearchStartup.projects(p.dataSource(KaapanaDatabase.ACCESS_INFORMATION))));
            MinioStore store = MinioStore.of(platform.minioClient(), platform.objectStoreEndpoint())
                    .withPolicyAdmin(MinioPolicyAdmin.of(platform.policyEndpoint(),
                            new StaticProvider(s3.accessKey(), s3.secretKey(), null)));
            OpenSearchClient search = security.client("admin", PASSWORD);
            platform.startSource();
            Libc libc = Libc.valueOf(install.manifest().postgresLibc().toUpperCase(Locale.ROOT));
            MigrationPlan plan = KaapanaMigration.configure(install.fastDataDir()).platformControl(platform)
                    .databaseConnections(TemporaryServers.builder(install.fastDataDir()).folderLibc(libc).build())
                    .slowDataDir(install.slowDataDir())
                    .objectStore(MinioSteps.of(store))
                    .searchIndex(OpenSearchSteps.of(search))
                    .plan();

            MigrationResult result = plan.run();

            DataSource aii = platform.dataSource(KaapanaDatabase.ACCESS_INFORMATION);
            DataSource dwf = platform.dataSource(KaapanaDatabase.DICOM_WEB_FILTER);
            DataSource backend = platform.dataSource(KaapanaDatabase.BACKEND);
            MigratedInstallation migrated = MigratedInstallation.of(DatabaseConnections.of(Map.of(
                            ServiceDatabase.ACCESS_INFORMATION, aii, ServiceDatabase.DICOM_WEB_FILTER, dwf,
                            ServiceDatabase.BACKEND, backend)))
                    .withObjectStore(store).withSearchIndex(search);
            ConsistencyReport report = plan.journaledValues().get(ConsistencyReport.KEY).orElseThrow();
            assertThatCode(() -> {
                assertThatMigration(result).succeeded().allStepsVerified().hasNoUnprovenGuarantees()
                        .ranStep("kaapana.consistency");
                assertThatDatabase(aii).hasSchema(ServiceDatabase.ACCESS_INFORMATION, "0.5.2");
                assertThatDatabase(dwf).hasSchema(ServiceDatabase.DICOM_WEB_FILTER, "0.5.2");
                assertThatDatabase(backend).hasSchema(ServiceDatabase.BACKEND, "0.5.2");
                assertThatInstallation(migrated).preserved(plan.journaledValues());
                assertThatConsistency(report).isConsistent()
                        .hasProjectWithSeries("admin", model.spec().series());
            }).doesNotThrowAnyException();
            assertThatThrownBy(() -> assertThatDatabase(backend).hasSchema(ServiceDatabase.BACKEND, "0.4.2"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("Expected the backend database to have Kaapana 0.4.2's schema, but "
                            + "it differs in ");

            // break it: a job lost, a column added, an object and a document gone
            try (Connection c = backend.getConnection(); Statement st = c.createStatement()) {
                st.execute("DELETE FROM job WHERE id = (SELECT min(id) FROM job)");
                st.execute("ALTER TABLE dataset ADD COLUMN site_note text");
            }
            String bucket = "project-admin";
            String object = platform.minioClient().listObjects(io.minio.ListObjectsArgs.builder().bucket(bucket)
                    .recursive(true).build()).iterator().next().get().objectName();
            platform.minioClient().removeObject(RemoveObjectArgs.builder().bucket(bucket).object(object).build());
            String series = model.series(0).uid();
            node.client().delete(d -> d.index("project_admin").id(series).refresh(Refresh.True));

            assertThatThrownBy(() -> assertThatDatabase(backend).hasSchema(ServiceDatabase.BACKEND, "0.5.2"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Expected the backend database to have Kaapana 0.5.2's schema, but it "
                            + "differs in 1 line:")
                    .hasMessageContaining("  - unexpected column dataset #8 site_note text");
            assertThatThrownBy(() -> assertThatInstallation(migrated).preserved(plan.journaledValues()))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Expected the installation to preserve what the migration recorded")
                    .hasMessageContaining("  - postgres.migrate-backend: ")
                    .hasMessageContaining("rows of backend.job")
                    .hasMessageContaining("  - minio.verify: ")
                    .hasMessageContaining(object)
                    .hasMessageContaining("  - opensearch.verify: ")
                    .hasMessageContaining(series)
                    .hasMessageNotContaining("postgres.migrate-access-information")
                    .hasMessageNotContaining(PASSWORD);
        } finally {
            platform.undeploy();
        }
    }
}
