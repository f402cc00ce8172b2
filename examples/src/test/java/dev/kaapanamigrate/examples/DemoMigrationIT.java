package dev.kaapanamigrate.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.pgserver.os.FileTrees;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DemoMigrationIT {

    @Test
    void theDemoMigratesAGeneratedInstallation() throws Exception {
        Path folder = Files.createTempDirectory("demo-it-");
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            MigrationResult result = DemoMigration.run(folder, new PrintStream(out, true, StandardCharsets.UTF_8));
            String printed = out.toString(StandardCharsets.UTF_8);
            assertThat(result.status()).as(printed).isEqualTo(PlanStatus.SUCCEEDED);
            assertThat(printed).contains("MOVE", "access-information at revision 6e751c62ecfa", "admin project ",
                    "kaapana-backend at revision e689ab05516a", "FAST/version: 0.5.2");
            assertThat(folder.resolve("migration-report.json")).exists();
        } finally {
            FileTrees.deleteRecursively(folder);
        }
    }
}
