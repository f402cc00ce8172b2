package dev.kaapanamigrate.kaapana;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.InstallationSize;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The Kaapana plan on a generated 0.4.2 installation, moved between platform states by the plan itself. */
@KaapanaInstallation(size = InstallationSize.SMALL)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KaapanaMigrationIT {

    @Test
    @Order(1)
    void theDryRunListsTheChangesAndChangesNothing(GeneratedInstallation install, SimulatedPlatform platform) throws Exception {
        List<String> before = tree(install.fastDataDir());
        PlanPreview preview = KaapanaMigration.configure(install.fastDataDir()).platformControl(platform).plan().check();

        assertThat(preview.isBlocked()).as(preview.toString()).isFalse();
        assertThat(preview.changes()).extracting(c -> c.kind() + " " + c.after())
                .contains("MOVE access-information-interface-postgres-data", "MOVE keycloak-postgres-data",
                        "CREATE 0.5.2");
        assertThat(tree(install.fastDataDir())).isEqualTo(before);
    }

    @Test
    @Order(2)
    void theRunUndeploysMigratesAndTheMovedDatabasesServe(GeneratedInstallation install, SimulatedPlatform platform)
            throws Exception {
        platform.startSource();   // 0.4 is running: the plan undeploys it first

        MigrationResult result = KaapanaMigration.configure(install.fastDataDir()).platformControl(platform).plan().run();

        assertThat(result.status()).as(result.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(platform.current()).isEqualTo(PlatformState.UNDEPLOYED);
        assertThat(result.steps()).extracting(StepResult::stepId).containsExactly("kaapana.detect-version",
                "postgres.preflight", "postgres.rename-data-folders", "kaapana.write-version");
        assertThat(install.fastDataDir().resolve("version")).hasContent("0.5.2");
        for (KaapanaDatabase db : KaapanaDatabase.values()) {
            assertThat(install.folder05(db).resolve("PG_VERSION")).exists();
            assertThat(install.folder04(db)).doesNotExist();
        }

        platform.deploy();        // what 0.5 does: its database pods start on the moved folders
        try (Connection c = platform.dataSource(KaapanaDatabase.ACCESS_INFORMATION).getConnection();
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT name FROM projects WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("admin");
        }
        platform.undeploy();
    }

    @Test
    @Order(3)
    void aSecondRunChangesNothing(GeneratedInstallation install, SimulatedPlatform platform) {
        MigrationResult again = KaapanaMigration.configure(install.fastDataDir()).platformControl(platform).plan().run();
        assertThat(again.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(again.steps()).extracting(StepResult::status).containsOnly(StepStatus.VERIFIED_EARLIER);
    }

    static List<String> tree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.map(p -> {
                try {
                    return root.relativize(p) + " " + Files.getLastModifiedTime(p) + " "
                            + (Files.isRegularFile(p) ? Files.size(p) : -1);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList();
        }
    }
}
