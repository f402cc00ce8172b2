package dev.kaapanamigrate.testkit;

import dev.kaapanamigrate.pgserver.os.FileTrees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.testkit.backends.ObjectStore;
import dev.kaapanamigrate.testkit.backends.SearchNode;
import dev.kaapanamigrate.testkit.backends.TestBackends;
import dev.kaapanamigrate.testkit.internal.BackendReset;
import dev.kaapanamigrate.testkit.internal.Digest;
import dev.kaapanamigrate.pgserver.PostgresBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generator writes what its manifest says, and the same seed writes the same installation. */
class InstallationGeneratorIT {

    static ObjectStore objects;
    static SearchNode search;
    static Path temp;
    static GeneratedInstallation install;

    @BeforeAll
    static void generate() throws Exception {
        objects = TestBackends.startObjectStore();
        search = TestBackends.startSearchNode();
        temp = Files.createTempDirectory("generator-it-");
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        install = InstallationGenerator.generate(InstallationSpec.of(InstallationSize.SMALL), temp.resolve("one"),
                objects, search);
    }

    @AfterAll
    static void stop() {
        try {
            if (objects != null) {
                objects.close();
            }
            if (search != null) {
                search.close();
            }
        } finally {
            FileTrees.deleteRecursively(temp);
        }
    }

    @Test
    void theFoldersHaveThe04Layout() throws Exception {
        Path fast = install.fastDataDir();
        for (KaapanaDatabase db : KaapanaDatabase.values()) {
            Path folder = install.folder04(db);
            assertThat(folder.resolve("PG_VERSION")).as(db.name()).hasContent("17");
            assertThat(folder.resolve("postmaster.pid")).as("no server left running on " + db).doesNotExist();
            assertThat(install.folder05(db)).doesNotExist();
            if (isRoot()) {
                assertThat(Files.getAttribute(folder, "unix:uid")).as(db + " owned by uid 70").isEqualTo(70);
            }
        }
        assertThat(fast.resolve("keycloak/db-files/PG_VERSION")).exists();
        for (String folder : InstallationGenerator.UNCHANGED_FAST_FOLDERS) {
            assertThat(fast.resolve(folder).resolve(InstallationGenerator.MARKER_FILE)).exists();
        }
        assertThat(fast.resolve("extensions/kaapana-platform-chart-0.4.2.tgz")).exists();
        assertThat(fast.resolve("version")).doesNotExist();
        assertThat(install.slowDataDir().resolve("minio")).isDirectory();
        assertThat(InstallationGenerator.readManifest(install.root())).isEqualTo(install.manifest());
    }

    @Test
    void theManifestMatchesWhatTheBackendsHold() throws Exception {
        Manifest manifest = install.manifest();
        InstallationModel model = install.model();
        assertThat(manifest.postgresLibc()).isEqualTo(PostgresBinaries.resolve().libc().name());
        // counts the model implies, independently of the generator's own bookkeeping
        var backend = manifest.databases().get(KaapanaDatabase.BACKEND).tables();
        assertThat(backend.get("job").count()).isEqualTo(model.spec().jobs());
        assertThat(backend.get("identifiers").count()).isEqualTo(model.spec().series());
        assertThat(manifest.databases().get(KaapanaDatabase.ACCESS_INFORMATION).tables().get("projects").count())
                .isEqualTo(model.spec().projects());
        assertThat(manifest.databases().get(KaapanaDatabase.AIRFLOW).tables().get("kaapana_migrate_marker").count())
                .isEqualTo(100);
        assertThat(manifest.indices().get("project_admin").count()).isEqualTo(model.spec().series());
        assertThat(manifest.indices().get("project_init").count()).isZero();
        assertThat(manifest.buckets()).containsKeys("project-admin", "project-radiology", "uploads",
                "template-analysis-scripts");
        assertThat(manifest.buckets().get("project-admin").count()).isPositive();

        // read everything back from the backends and compare with the manifest
        try (SimulatedPlatform platform = new SimulatedPlatform(install, PostgresBinaries.resolve())) {
            platform.startSource();
            assertThat(platform.current()).isEqualTo(PlatformState.SOURCE_RUNNING);
            for (KaapanaDatabase db : KaapanaDatabase.values()) {
                Map<String, Manifest.Content> actual = new TreeMap<>();
                try (Connection c = platform.dataSource(db).getConnection()) {
                    for (String table : manifest.databases().get(db).tables().keySet()) {
                        actual.put(table, Digest.ofTable(c, table));
                    }
                }
                assertThat(actual).as(db.name()).isEqualTo(manifest.databases().get(db).tables());
            }
            platform.undeploy();
            assertThatThrownBy(() -> platform.dataSource(KaapanaDatabase.BACKEND))
                    .hasMessageContaining("startSource()");
        }
        for (var bucket : manifest.buckets().entrySet()) {
            assertThat(InstallationGenerator.bucketDigest(objects, bucket.getKey())).as(bucket.getKey())
                    .isEqualTo(bucket.getValue());
        }
        for (var index : manifest.indices().entrySet()) {
            assertThat(InstallationGenerator.indexDigest(search.client(), index.getKey())).as(index.getKey())
                    .isEqualTo(index.getValue());
        }
    }

    @Test
    void theSameSeedGeneratesTheSameInstallationAndAnotherSeedAnotherOne() throws Exception {
        try (ObjectStore objects2 = TestBackends.startObjectStore()) {
            BackendReset.empty(objects2.client(), search.client());
            GeneratedInstallation again = InstallationGenerator.generate(InstallationSpec.of(InstallationSize.SMALL),
                    temp.resolve("two"), objects2, search);
            assertThat(again.manifest()).isEqualTo(install.manifest());

            BackendReset.empty(objects2.client(), search.client());
            GeneratedInstallation other = InstallationGenerator.generate(
                    InstallationSpec.of(InstallationSize.SMALL).withSeed(7), temp.resolve("three"), objects2, search);
            assertThat(other.manifest().databases().get(KaapanaDatabase.BACKEND).tables().get("job"))
                    .isNotEqualTo(install.manifest().databases().get(KaapanaDatabase.BACKEND).tables().get("job"));
        } finally {
            // leave the shared node as the first generation left it for the other tests
            BackendReset.empty(objects.client(), search.client());
            FileTrees.deleteRecursively(temp.resolve("regenerated"));
            InstallationGenerator.generate(InstallationSpec.of(InstallationSize.SMALL), temp.resolve("regenerated"),
                    objects, search);
        }
    }

    @Test
    void aNonEmptyRootIsRefused() throws Exception {
        Path root = Files.createDirectories(temp.resolve("occupied"));
        Files.writeString(root.resolve("something"), "x");
        assertThatThrownBy(() -> InstallationGenerator.generate(InstallationSpec.of(InstallationSize.SMALL), root,
                objects, search)).hasMessageContaining("not empty");
    }

    static boolean isRoot() throws Exception {
        return "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim());
    }

    static long count(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
