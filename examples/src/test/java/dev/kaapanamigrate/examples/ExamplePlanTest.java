package dev.kaapanamigrate.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.MigrationListener;
import dev.kaapanamigrate.core.MigrationReport;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExamplePlanTest {

    @TempDir
    Path dir;

    @Test
    void theExamplePlanMigratesTheSeededFolderAndReportsIt() throws Exception {
        ExamplePlan.seed(dir);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MigrationResult result = ExamplePlan.dryRunThenRun(ExamplePlan.plan(dir, MigrationListener.NONE),
                dir.resolve("report.json"), new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(result.status()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(dir.resolve("settings-0.4")).doesNotExist();
        String settings = Files.readString(dir.resolve("settings-0.5/kaapana.json"));
        assertThat(settings).contains("\"import-dicoms-from-data-upload\"", "\"import-niftis-from-data-upload\"")
                .doesNotContain("import-dicoms-in-zip-to-internal-pacs");
        assertThat(MigrationReport.readResult(dir.resolve("report.json"))).isEqualTo(result);
        assertThat(result.step("example.rewrite-dag-ids").orElseThrow().changes()).hasSize(3);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("PENDING", "example.rename-folder", "APPLIED");

        MigrationResult again = ExamplePlan.plan(dir, MigrationListener.NONE).run();
        assertThat(again.steps()).extracting(StepResult::status).containsOnly(StepStatus.VERIFIED_EARLIER);
    }

    @Test
    void bothFoldersPresentIsBlockedAndNothingChanges() throws Exception {
        ExamplePlan.seed(dir);
        Files.createDirectories(dir.resolve("settings-0.5"));
        MigrationResult result = ExamplePlan.plan(dir, MigrationListener.NONE).run();
        assertThat(result.status()).isEqualTo(PlanStatus.BLOCKED);
        assertThat(result.message()).contains("both", "move the one that is not needed aside");
        assertThat(Files.readString(dir.resolve("settings-0.4/kaapana.json"))).contains("import-dicoms-in-zip-to-internal-pacs");
    }
}
