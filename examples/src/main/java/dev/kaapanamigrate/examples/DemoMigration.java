package dev.kaapanamigrate.examples;

import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationReport;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.kaapana.KaapanaMigration;
import dev.kaapanamigrate.minio.MinioPolicyAdmin;
import dev.kaapanamigrate.minio.MinioSteps;
import dev.kaapanamigrate.minio.MinioStore;
import dev.kaapanamigrate.opensearch.OpenSearchSteps;
import dev.kaapanamigrate.pgserver.Libc;
import dev.kaapanamigrate.postgres.TemporaryServers;
import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.InstallationGenerator;
import dev.kaapanamigrate.testkit.InstallationSize;
import dev.kaapanamigrate.testkit.InstallationSpec;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import dev.kaapanamigrate.testkit.backends.ObjectStore;
import dev.kaapanamigrate.testkit.backends.SearchNode;
import dev.kaapanamigrate.testkit.backends.TestBackends;
import dev.kaapanamigrate.testkit.security.OpenSearchStartup;
import dev.kaapanamigrate.testkit.security.SecurityStandIn;
import io.minio.credentials.StaticProvider;
import dev.kaapanamigrate.pgserver.PostgresBinaries;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;

/**
 * The demo: generates a Kaapana 0.4.2 installation on embedded backends, starts its 0.4 databases, and
 * migrates it with {@link KaapanaMigration}: dry-run, run (the plan undeploys the platform itself), then
 * starts the databases the way 0.5 does, on the moved folders, and reads from them. Run it with the README's
 * first command; pass a folder to keep the installation, otherwise a temporary folder is used.
 */
public final class DemoMigration {

    private DemoMigration() {
    }

    /**
     * Runs the demo.
     *
     * @param folder where to generate the installation
     * @param out    where to print
     * @return the migration's result
     * @throws Exception on failure
     */
    public static MigrationResult run(Path folder, PrintStream out) throws Exception {
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (ObjectStore s3 = TestBackends.startEmbeddedObjectStore(); SearchNode search = TestBackends.startEmbeddedSearchNode()) {
            out.println("1. Generating a Kaapana 0.4.2 installation under " + folder + " ...");
            GeneratedInstallation install = InstallationGenerator.generate(InstallationSpec.of(InstallationSize.SMALL),
                    folder.resolve("installation"), s3, search);
            try (SimulatedPlatform platform = new SimulatedPlatform(install, PostgresBinaries.resolve(), s3, search);
                 SecurityStandIn security = SecurityStandIn.start(search, "admin", "demo-admin-password")) {
                Libc folderLibc = Libc.valueOf(install.manifest().postgresLibc().toUpperCase(Locale.ROOT));
                // What 0.5 does at its first start: OpenSearch's security reset and the per-project roles (MinIO's
                // UUID-named policies come with the simulated platform).
                security.seed04(install.model());
                platform.onDeploy(p -> new OpenSearchStartup().run(security, search.client(),
                        OpenSearchStartup.projects(p.dataSource(KaapanaDatabase.ACCESS_INFORMATION))));
                MinioStore objects = MinioStore.of(platform.minioClient(), platform.objectStoreEndpoint())
                        .withPolicyAdmin(MinioPolicyAdmin.of(platform.policyEndpoint(),
                                new StaticProvider(s3.accessKey(), s3.secretKey(), null)));
                MigrationPlan plan = KaapanaMigration.configure(install.fastDataDir())
                        .slowDataDir(install.slowDataDir())
                        .objectStore(MinioSteps.of(objects).removeObsoletePolicies(true))
                        .searchIndex(OpenSearchSteps.of(security.client("admin", "demo-admin-password")))
                        .platformControl(platform)
                        // temporary servers on the moved folders, built for the libc that made them (musl, as Kaapana)
                        .databaseConnections(TemporaryServers.builder(install.fastDataDir()).folderLibc(folderLibc).build())
                        .listener(new ConsoleProgress(out)).plan();

                out.println("2. Kaapana 0.4 is running. Dry-run (changes nothing):");
                platform.startSource();
                PlanPreview preview = plan.check();
                out.println(MigrationReport.summary(preview));

                out.println("3. The whole upgrade in one call: baselines while 0.4 runs, undeploy, move and migrate, "
                        + "deploy 0.5, verify every store:");
                MigrationResult result = plan.run();
                MigrationReport.write(result, folder.resolve("migration-report.json"));
                out.println(MigrationReport.summary(result));

                out.println("4. Kaapana 0.5 runs on the moved folders:");
                try (Connection c = platform.dataSource(KaapanaDatabase.ACCESS_INFORMATION).getConnection();
                     Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT (SELECT version_num FROM alembic_version), count(*), "
                             + "min(p.id::text) FILTER (WHERE a.project_id IS NOT NULL) FROM projects p "
                             + "LEFT JOIN admin_project a ON a.project_id = p.id")) {
                    rs.next();
                    out.println("   access-information at revision " + rs.getString(1) + ": " + rs.getLong(2)
                            + " projects keyed by UUID, admin project " + rs.getString(3));
                }
                try (Connection c = platform.dataSource(KaapanaDatabase.BACKEND).getConnection();
                     Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT (SELECT version_num FROM alembic_version), count(*), "
                             + "max(id), count(DISTINCT project_id) FROM dataset")) {
                    rs.next();
                    out.println("   kaapana-backend at revision " + rs.getString(1) + ": " + rs.getLong(2)
                            + " datasets with ids 1.." + rs.getLong(3) + ", all in " + rs.getLong(4) + " project");
                }
                out.println("   FAST/version: " + Files.readString(install.fastDataDir().resolve("version")).strip());
                out.println("   Report: " + folder.resolve("migration-report.json"));
                out.println("   The installation stays in " + folder + " for you to look at; remove it when done.");
                return result;
            }
        }
    }

    /**
     * Entry point.
     *
     * @param args optionally the folder to use
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        Path folder = args.length > 0 ? Files.createDirectories(Path.of(args[0]))
                : Files.createTempDirectory("kaapana-migrate-demo-");
        MigrationResult result = run(folder, System.out);
        System.exit(result.succeeded() ? 0 : 1);
    }
}
