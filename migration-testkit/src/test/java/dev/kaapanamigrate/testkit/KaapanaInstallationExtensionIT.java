package dev.kaapanamigrate.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.kaapanamigrate.core.PlatformState;
import io.minio.MinioClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import org.opensearch.client.opensearch.OpenSearchClient;

/** The extension generates, injects, simulates the platform states, and cleans up even when tests fail. */
class KaapanaInstallationExtensionIT {

    static final List<Path> ROOTS = new ArrayList<>();
    static final List<Long> SERVER_PIDS = new ArrayList<>();

    /** Run through the JUnit engine by the test below, not by Maven (nested classes are not discovered). */
    @KaapanaInstallation(size = InstallationSize.SMALL)
    static class Fixture {

        @Test
        void injectsHandlesAndSimulatesTheStates(GeneratedInstallation install, Manifest manifest, SimulatedPlatform platform,
                                                 MinioClient s3, OpenSearchClient search) throws Exception {
            ROOTS.add(install.root());
            assertThat(manifest).isEqualTo(install.manifest());
            assertThat(platform.current()).isEqualTo(PlatformState.UNDEPLOYED);
            assertThat(s3.bucketExists(io.minio.BucketExistsArgs.builder().bucket("project-admin").build())).isTrue();
            assertThat(search.count(c -> c.index("project_admin")).count()).isEqualTo(install.model().spec().series());

            platform.startSource();
            try (Connection c = platform.dataSource(KaapanaDatabase.ACCESS_INFORMATION).getConnection()) {
                assertThat(string(c, "SELECT name FROM projects WHERE id = 1")).isEqualTo("admin");
            }
            SERVER_PIDS.addAll(serverPids(install.root()));
            platform.undeploy();

            // what a migration's folder moves do, by hand: 0.5 then runs on the moved folders
            for (KaapanaDatabase db : KaapanaDatabase.values()) {
                Files.move(install.folder04(db), install.folder05(db));
            }
            platform.deploy();
            assertThat(platform.current()).isEqualTo(PlatformState.TARGET_RUNNING);
            try (Connection c = platform.dataSource(KaapanaDatabase.KEYCLOAK).getConnection()) {
                assertThat(string(c, "SELECT count(*) FROM kaapana_migrate_marker")).isEqualTo("100");
            }
            SERVER_PIDS.addAll(serverPids(install.root()));
            // left running on purpose: the extension must stop them
        }

        @Test
        void aFailingTestStillGetsCleanedUp() {
            throw new AssertionError("failing on purpose");
        }
    }

    @Test
    void theExtensionCleansUpFoldersAndProcessesAfterTheClass() {
        var execution = EngineTestKit.engine("junit-jupiter").selectors(selectClass(Fixture.class)).execute();
        execution.containerEvents().failed().stream().forEach(e -> {
            throw new AssertionError("the fixture class failed", e.getPayload(
                    org.junit.platform.engine.TestExecutionResult.class).flatMap(r -> r.getThrowable()).orElse(null));
        });
        Events events = execution.testEvents();
        events.assertStatistics(s -> s.started(2).succeeded(1).failed(1));

        assertThat(ROOTS).hasSize(1);
        assertThat(ROOTS.get(0)).doesNotExist();
        assertThat(ROOTS.get(0).getParent()).as("the temp folder of the class").doesNotExist();
        assertThat(SERVER_PIDS).hasSize(10);
        assertThat(SERVER_PIDS).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).as("postgres pid " + pid).isEmpty());
    }

    /** Postgres server processes whose command line names a folder under the installation root. */
    static List<Long> serverPids(Path root) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(cmd -> cmd.contains(root.toString())).orElse(false))
                .map(ProcessHandle::pid).toList();
    }

    static String string(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
