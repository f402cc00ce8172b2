package dev.kaapanamigrate.kaapana;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.MigrationReport;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.domain.DataFolderMove;
import dev.kaapanamigrate.pgserver.Libc;
import dev.kaapanamigrate.pgserver.PgServerErrorCode;
import dev.kaapanamigrate.postgres.MigrateAccessInformationStep;
import dev.kaapanamigrate.postgres.MigrateDicomWebFilterStep;
import dev.kaapanamigrate.postgres.RenameDataFoldersStep;
import dev.kaapanamigrate.postgres.TemporaryServers;
import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import dev.kaapanamigrate.testkit.ReliabilityCounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kaapana plan refuses before it changes a database, and trusts the installation over its journal (issue 11):
 * a series mapped to an unknown project blocks the run after the reversible moves but before access-information
 * commits; after a restore of the 0.4 folders that kept the state directory, dry-run and run refuse instead of
 * reporting an installation as migrated that is not.
 */
@KaapanaInstallation
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ReliabilityCounts.class)
class KaapanaSafetyIT {

    @TempDir
    static Path backup;

    @Test
    @Order(0)
    void aDryRunWhoseServerCannotStartRemovesItsCopyAndNamesTheRealFolder(GeneratedInstallation install,
            SimulatedPlatform platform, @TempDir Path rehearsals) throws Exception {
        Path fast = install.fastDataDir();
        // the folders already moved (a dry-run after the reversible renames), so that nothing waits for the moves
        for (DataFolderMove move : DataFolderMove.values()) {
            Files.move(fast.resolve(move.from()), fast.resolve(move.to()));
        }
        Files.delete(fast.resolve(DataFolderMove.KEYCLOAK_PARENT));
        Files.setPosixFilePermissions(rehearsals, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path folder = fast.resolve(DataFolderMove.ACCESS_INFORMATION.to()).toRealPath();
        Object owner = Files.getAttribute(folder, "unix:uid");
        Files.setAttribute(folder, "unix:uid", 0); // PostgreSQL refuses to run as root: the copy keeps this owner
        try {
            List<String> before = KaapanaMigrationIT.tree(fast);
            Libc libc = Libc.valueOf(install.manifest().postgresLibc().toUpperCase(Locale.ROOT));

            PlanPreview preview = KaapanaMigration.configure(fast).platformControl(platform)
                    .databaseConnections(TemporaryServers.builder(fast).folderLibc(libc).rehearsalDirectory(rehearsals)
                            .build()).plan().check();

            assertThat(preview.isBlocked()).as(MigrationReport.summary(preview)).isTrue();
            StepCheck check = preview.blockers().get(0).check(); // the first step that asks for the database
            assertThat(check).as(MigrationReport.summary(preview)).isInstanceOfSatisfying(StepCheck.Blocked.class, b -> {
                assertThat(b.problem().code()).isEqualTo(PgServerErrorCode.DATABASE_SERVER);
                assertThat(b.problem().found()).contains("did not start on its scratch copy of " + folder,
                        "is owned by root", "chown -R 70:70 " + folder + ".", "the copy was removed")
                        .doesNotContain(rehearsals.toString(), "rehearsal-");
                assertThat(b.problem().expected()).contains("the same holds for " + folder);
                assertThat(b.problem().fix()).contains("correct " + folder).doesNotContain(rehearsals.toString());
            });
            try (Stream<Path> left = Files.list(rehearsals)) {
                assertThat(left).as("no rehearsal copy left behind").isEmpty();
            }
            assertThat(KaapanaMigrationIT.tree(fast)).as("nothing changed in FAST").isEqualTo(before);
            ReliabilityCounts.proved(KaapanaSafetyIT.class,
                    "bad input: a data folder owned by root: dry-run refused, coded DATABASE_SERVER, FAST unchanged");
        } finally {
            Files.setAttribute(folder, "unix:uid", owner);
            Files.createDirectory(fast.resolve(DataFolderMove.KEYCLOAK_PARENT));
            for (DataFolderMove move : DataFolderMove.values()) {
                Files.move(fast.resolve(move.to()), fast.resolve(move.from()));
            }
        }
    }

    @Test
    @Order(1)
    void aSeriesOfAnUnknownProjectBlocksTheRunBeforeAnyDatabaseChanges(GeneratedInstallation install,
            SimulatedPlatform platform) throws Exception {
        Path fast = install.fastDataDir();
        copy(fast, backup.resolve("fast")); // the operator's backup, taken while undeployed
        platform.startSource();
        execute(platform, KaapanaDatabase.DICOM_WEB_FILTER, "INSERT INTO data_projects (series_instance_uid, project_id) "
                + "SELECT series_instance_uid, 99 FROM data_projects ORDER BY id LIMIT 1");
        String aiiBefore = single(platform, KaapanaDatabase.ACCESS_INFORMATION,
                "SELECT count(*) || ':' || coalesce(sum(hashtext(name)), 0) FROM projects");
        platform.undeploy();

        MigrationResult blocked = KaapanaMigrationIT.migration(install, platform).plan().run();

        assertThat(blocked.status()).as(blocked.message()).isEqualTo(PlanStatus.BLOCKED);
        assertThat(blocked.step(RenameDataFoldersStep.ID).orElseThrow().status()).isEqualTo(StepStatus.APPLIED);
        assertThat(blocked.step(MigrateAccessInformationStep.ID).orElseThrow().status()).isEqualTo(StepStatus.NOT_RUN);
        assertThat(blocked.step(MigrateDicomWebFilterStep.ID).orElseThrow().status()).isEqualTo(StepStatus.BLOCKED);
        assertThat(blocked.message()).contains("project id 99", "REMAP_TO_ADMIN");
        // access-information is exactly as 0.4 left it: no alembic_version, integer project ids
        platform.deploy();
        try {
            assertThat(single(platform, KaapanaDatabase.ACCESS_INFORMATION,
                    "SELECT to_regclass('alembic_version') IS NULL")).isEqualTo("t");
            assertThat(single(platform, KaapanaDatabase.ACCESS_INFORMATION,
                    "SELECT count(*) || ':' || coalesce(sum(hashtext(name)), 0) FROM projects")).isEqualTo(aiiBefore);
            execute(platform, KaapanaDatabase.DICOM_WEB_FILTER, "DELETE FROM data_projects WHERE project_id = 99");
        } finally {
            platform.undeploy();
        }

        MigrationResult fixed = KaapanaMigrationIT.migration(install, platform).plan().run();

        assertThat(fixed.status()).as(fixed.message()).isEqualTo(PlanStatus.INCOMPLETE); // no store clients given
        assertThat(fixed.step(RenameDataFoldersStep.ID).orElseThrow().status()).isEqualTo(StepStatus.VERIFIED_EARLIER);
        assertThat(fixed.step(MigrateAccessInformationStep.ID).orElseThrow().status()).isEqualTo(StepStatus.APPLIED);
    }

    @Test
    @Order(2)
    void afterARestoreThatKeptTheStateDirectoryDryRunAndRunRefuseAndChangeNothing(GeneratedInstallation install,
            SimulatedPlatform platform) throws Exception {
        Path fast = install.fastDataDir();
        // The operator restores the 0.4 data folders from the backup and keeps .kaapana-migrate.
        for (DataFolderMove move : DataFolderMove.values()) {
            delete(fast.resolve(move.to()));
            Files.createDirectories(fast.resolve(move.from()).getParent());
            copy(backup.resolve("fast").resolve(move.from()), fast.resolve(move.from()));
        }
        Files.deleteIfExists(fast.resolve("version"));
        List<String> before = KaapanaMigrationIT.tree(fast);

        PlanPreview preview = KaapanaMigrationIT.migration(install, platform).plan().check();
        MigrationResult run = KaapanaMigrationIT.migration(install, platform).plan().run();

        assertThat(preview.isBlocked()).isTrue();
        assertThat(preview.step(RenameDataFoldersStep.ID).orElseThrow().check()).isInstanceOfSatisfying(
                StepCheck.Blocked.class, b -> assertThat(b.problem().code()).isEqualTo(CoreErrorCode.JOURNAL_MISMATCH));
        assertThat(run.status()).isEqualTo(PlanStatus.BLOCKED);
        assertThat(run.errorCode()).isEqualTo(CoreErrorCode.JOURNAL_MISMATCH);
        assertThat(run.message()).contains("records step 'postgres.rename-data-folders' as verified", "mv ");
        assertThat(run.steps()).noneMatch(s -> s.status() == StepStatus.APPLIED);
        assertThat(KaapanaMigrationIT.tree(fast).stream().filter(l -> !l.startsWith(".kaapana-migrate")).toList())
                .isEqualTo(before.stream().filter(l -> !l.startsWith(".kaapana-migrate")).toList());
        ReliabilityCounts.proved(KaapanaSafetyIT.class,
                "bad input: a journal that does not match the restored tree refused, coded JOURNAL_MISMATCH, FAST unchanged");
    }

    private static void copy(Path from, Path to) throws Exception {
        Process p = new ProcessBuilder("cp", "-a", from.toString(), to.toString()).inheritIO().start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("cp -a " + from).isZero();
    }

    private static void delete(Path dir) throws Exception {
        Process p = new ProcessBuilder("rm", "-rf", dir.toString()).inheritIO().start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    }

    private static void execute(SimulatedPlatform platform, KaapanaDatabase db, String sql) throws Exception {
        try (Connection c = platform.dataSource(db).getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String single(SimulatedPlatform platform, KaapanaDatabase db, String sql) throws Exception {
        try (Connection c = platform.dataSource(db).getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
