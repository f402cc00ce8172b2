package dev.kaapanamigrate.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.InstallationGenerator;
import dev.kaapanamigrate.testkit.InstallationSize;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** On a generated 0.4.2 installation: after the moves, 0.5's servers start on the new folders with the data. */
@KaapanaInstallation(size = InstallationSize.SMALL)
class GeneratedInstallationMoveIT {

    @Test
    void theDataArrivesIntactAndTheServersStartOnThe05Folders(GeneratedInstallation install, SimulatedPlatform platform)
            throws Exception {
        String unchanged = Folders.digest(install.fastDataDir().resolve("os"));
        MigrationPlan plan = MigrationPlan.builder().step(new RenameDataFoldersStep(install.fastDataDir()))
                .platformControl(platform).stateDirectory(install.root().resolve("state")).build();

        MigrationResult result = plan.run();

        assertThat(result.status()).as(result.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        for (KaapanaDatabase db : KaapanaDatabase.values()) {
            assertThat(install.folder04(db)).doesNotExist();
            assertThat(install.folder05(db).resolve("PG_VERSION")).exists();
        }
        assertThat(install.fastDataDir().resolve("os/data").resolve(InstallationGenerator.MARKER_FILE)).exists();
        assertThat(Folders.digest(install.fastDataDir().resolve("os"))).isEqualTo(unchanged);

        platform.deploy();
        assertThat(platform.current()).isEqualTo(PlatformState.TARGET_RUNNING);
        for (KaapanaDatabase db : new KaapanaDatabase[]{KaapanaDatabase.KEYCLOAK, KaapanaDatabase.AIRFLOW}) {
            try (Connection c = platform.dataSource(db).getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT id), min(service) FROM kaapana_migrate_marker")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).as(db + " rows").isEqualTo(100);
                assertThat(rs.getLong(2)).isEqualTo(100);
                assertThat(rs.getString(3)).isEqualTo(db.name().toLowerCase());
            }
        }
        try (Connection c = platform.dataSource(KaapanaDatabase.ACCESS_INFORMATION).getConnection();
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT name FROM projects WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("admin");
        }
    }
}
