package dev.kaapanamigrate.testkit;

import dev.kaapanamigrate.pgserver.os.FileTrees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.testkit.internal.DatabaseLoader;
import dev.kaapanamigrate.testkit.internal.Digest;
import dev.kaapanamigrate.testkit.postgres.ClusterSpec;
import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.testkit.postgres.PostgresCluster;
import dev.kaapanamigrate.pgserver.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generated 0.4.2 databases, loaded into one real PostgreSQL 17.2 data folder: exactly the reference
 * schema, and the data the model describes.
 */
class GeneratedDatabasesIT {

    private static final Path REFERENCE = Path.of("../../shared/reference/schemas");

    static Path root;
    static PostgresServer server;
    static final InstallationModel MODEL = new InstallationModel(InstallationSpec.of(InstallationSize.SMALL));

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("generated-dbs-");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x")); // uid 70 must reach it
        server = PostgresCluster.create(root.resolve("pg"), ClusterSpec.of("kaapanauser", "Kaapana2020", "kaapanauser"),
                PostgresBinaries.resolve()).start();
        try (Connection c = connect("kaapanauser"); Statement st = c.createStatement()) {
            for (String db : List.of("aii", "dwf", "backend", "ref_aii", "ref_dwf", "ref_backend")) {
                st.execute("CREATE DATABASE " + db);
            }
        }
        DatabaseLoader loader = new DatabaseLoader(MODEL);
        try (Connection aii = connect("aii"); Connection dwf = connect("dwf"); Connection backend = connect("backend")) {
            loader.loadAccessInformation(aii);
            loader.loadDicomWebFilter(dwf);
            loader.loadBackend(backend);
        }
        for (String db : List.of("aii", "dwf", "backend")) {
            try (Connection c = connect("ref_" + db); Statement st = c.createStatement()) {
                st.execute(Files.readString(schemaFile(db)));
            }
        }
    }

    /** The shared reference dump when it is beside the checkout, else the testkit's copy of it. */
    private static Path schemaFile(String db) {
        Path shared = REFERENCE.resolve("0.4.2-" + db + ".sql");
        return Files.exists(shared) ? shared
                : Path.of("src/main/resources/dev/kaapanamigrate/testkit/schemas/0.4.2-" + db + ".sql");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        FileTrees.deleteRecursively(root);
    }

    static Connection connect(String db) throws Exception {
        return server.dataSource(db, "kaapanauser", "Kaapana2020").getConnection();
    }

    @Test
    void theTestkitCopyOfTheReferenceSchemasIsUnchanged() throws Exception {
        for (String db : List.of("aii", "dwf", "backend")) {
            Path shared = REFERENCE.resolve("0.4.2-" + db + ".sql");
            if (Files.exists(shared)) {
                assertThat(Path.of("src/main/resources/dev/kaapanamigrate/testkit/schemas/0.4.2-" + db + ".sql"))
                        .hasSameBinaryContentAs(shared);
            }
        }
    }

    @Test
    void everyGeneratedDatabaseHasExactlyTheReferenceSchema() throws Exception {
        for (String db : List.of("aii", "dwf", "backend")) {
            try (Connection generated = connect(db); Connection reference = connect("ref_" + db)) {
                List<String> expected = SchemaFingerprint.of(reference);
                assertThat(expected).as("reference %s", db).isNotEmpty();
                assertThat(SchemaFingerprint.of(generated)).as(db).containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void theSchemaFingerprintSeesADifference() throws Exception {
        try (Connection c = connect("ref_dwf"); Statement st = c.createStatement()) {
            List<String> before = SchemaFingerprint.of(c);
            c.setAutoCommit(false);
            st.execute("ALTER TABLE data_projects RENAME CONSTRAINT data_projects_project_id_series_instance_uid_key TO x");
            assertThat(SchemaFingerprint.of(c)).isNotEqualTo(before);
            c.rollback();
        }
    }

    @Test
    void theDataIsTheModels() throws Exception {
        InstallationSpec spec = MODEL.spec();
        try (Connection aii = connect("aii")) {
            assertThat(count(aii, "projects")).isEqualTo(spec.projects());
            assertThat(string(aii, "SELECT name FROM projects WHERE id = 1")).isEqualTo("admin");
            assertThat(string(aii, "SELECT s3_bucket || ' ' || opensearch_index || ' ' || kubernetes_namespace "
                    + "FROM projects WHERE id = 2")).isEqualTo("project-radiology project_radiology project-radiology");
            assertThat(count(aii, "rights")).isEqualTo(2);
            assertThat(count(aii, "data")).isZero();
            assertThat(count(aii, "users_projects_roles"))
                    .isEqualTo(MODEL.users().stream().mapToLong(u -> u.projectIds().size()).sum());
            assertThat(string(aii, "SELECT nextval('projects_id_seq')")).isEqualTo(Integer.toString(spec.projects() + 1));
        }
        long extraMappings = java.util.stream.IntStream.range(0, spec.series())
                .filter(i -> MODEL.series(i).projectId() != 1).count();
        try (Connection dwf = connect("dwf")) {
            assertThat(count(dwf, "dicom_data")).isEqualTo(spec.series());
            assertThat(count(dwf, "data_projects")).isEqualTo(spec.series() + extraMappings);
            assertThat(count(dwf, "data_projects WHERE project_id = 1")).isEqualTo(spec.series());
        }
        long memberships = java.util.stream.IntStream.range(0, spec.series())
                .mapToLong(i -> MODEL.series(i).datasets().size()).sum();
        try (Connection backend = connect("backend")) {
            assertThat(string(backend, "SELECT version_num FROM alembic_version")).isEqualTo(MODEL.backendRevision());
            assertThat(string(backend, "SELECT nextval('settings_id_seq')")).isEqualTo(Integer.toString(MODEL.users().size() + 1));
            assertThat(count(backend, "identifiers")).isEqualTo(spec.series());
            assertThat(count(backend, "identifier2dataset")).isEqualTo(memberships);
            assertThat(count(backend, "dataset")).isEqualTo(spec.datasets());
            assertThat(count(backend, "workflow")).isEqualTo(spec.workflows());
            assertThat(count(backend, "job")).isEqualTo(spec.jobs());
            assertThat(count(backend, "kaapana_instance WHERE remote")).isEqualTo(2);
            assertThat(count(backend, "dataset WHERE name = '膝関節 MRI'")).isEqualTo(1);
            assertThat(count(backend, "job WHERE dag_id IN ('convert-nifitis-to-dicoms-and-import-to-pacs', "
                    + "'import-dicoms-in-zip-to-internal-pacs')")).isPositive();
            assertThat(count(backend, "job WHERE conf_data ? 'form_data'")).isPositive();
            assertThat(count(backend, "job WHERE jsonb_typeof(conf_data -> 'project_form' -> 'id') = 'number'"))
                    .isEqualTo(spec.jobs());
            assertThat(count(backend, "kaapana_instance WHERE allowed_dags ? 'import-dicoms-in-zip-to-internal-pacs'"))
                    .isEqualTo(1);
            assertThat(string(backend, "SELECT value::text FROM settings WHERE username = 'kaapana' AND key = 'workflows'"))
                    .contains("import-dicoms-in-zip-to-internal-pacs");
        }
    }

    @Test
    void theTableDigestIsOrderIndependentAndSeesChanges() throws Exception {
        try (Connection backend = connect("backend"); Statement st = backend.createStatement()) {
            var before = Digest.ofTable(backend, "dataset");
            backend.setAutoCommit(false);
            st.execute("CLUSTER dataset USING dataset_pkey"); // same rows, other physical order
            backend.commit();
            assertThat(Digest.ofTable(backend, "dataset")).isEqualTo(before);
            st.execute("UPDATE dataset SET username = 'someone else' WHERE name = 'phantom'");
            assertThat(Digest.ofTable(backend, "dataset")).isNotEqualTo(before);
            backend.rollback();
            backend.setAutoCommit(true);
        }
    }

    private static long count(Connection c, String tableAndWhere) throws Exception {
        return Long.parseLong(string(c, "SELECT count(*) FROM " + tableAndWhere));
    }

    private static String string(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
