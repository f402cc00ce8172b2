package dev.kaapanamigrate.examples;

import dev.kaapanamigrate.core.MigrationListener;
import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationReport;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A runnable example plan on a small generated folder: dry-run, run, run again (nothing left to do),
 * and a JSON report. Run it with {@code mvn -B -q -pl examples -am -DskipTests package exec:java}; pass a
 * folder as the first argument to keep the result, otherwise a temporary folder is used.
 */
public final class ExamplePlan {

    private ExamplePlan() {
    }

    // README-EXAMPLE-START
    /**
     * Composes the example plan over a data folder.
     *
     * @param dataDir  the folder holding {@code settings-0.4}
     * @param listener a listener for progress
     * @return the plan
     */
    public static MigrationPlan plan(Path dataDir, MigrationListener listener) {
        return MigrationPlan.builder()
                .step(new RenameFolderStep(dataDir.resolve("settings-0.4"), dataDir.resolve("settings-0.5")))
                .step(new RewriteDagIdsStep(dataDir.resolve("settings-0.5")), RenameFolderStep.ID)   // runs after it
                // We undeployed the platform ourselves; a PlatformControl could do it for us.
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                // Journal and lock beside the data: a killed run resumes, a second run is refused.
                .stateDirectory(dataDir.resolve(".kaapana-migrate"))
                .listener(listener)
                .build();
    }

    /**
     * Dry-run, then run, then report.
     *
     * @param plan   the plan
     * @param report where to write the JSON report
     * @param out    where to print the summaries
     * @return the run's result
     */
    public static MigrationResult dryRunThenRun(MigrationPlan plan, Path report, PrintStream out) {
        PlanPreview preview = plan.check();                 // changes nothing
        out.println(MigrationReport.summary(preview));
        if (preview.isBlocked()) {
            throw new IllegalStateException("The dry-run found problems; fix them first.");
        }
        MigrationResult result = plan.run();                // check, apply, verify each step
        MigrationReport.write(result, report);
        out.println(MigrationReport.summary(result));
        return result.orThrow();                            // throws unless SUCCEEDED
    }
    // README-EXAMPLE-END

    /**
     * Creates a small 0.4-style folder with settings that name the renamed DAGs.
     *
     * @param dataDir the folder to fill
     * @throws IOException when it cannot be written
     */
    public static void seed(Path dataDir) throws IOException {
        Path settings = Files.createDirectories(dataDir.resolve("settings-0.4"));
        Files.writeString(settings.resolve("kaapana.json"), "{\"workflows\": {\"import-dicoms-in-zip-to-internal-pacs\": "
                + "{\"delete_original_file\": true}, \"convert-nifitis-to-dicoms-and-import-to-pacs\": {}}}\n",
                StandardCharsets.UTF_8);
        Files.writeString(settings.resolve("site-b.json"), "{\"allowed_dags\": {\"import-dicoms-in-zip-to-internal-pacs\": "
                + "{}, \"total-segmentator\": {}}}\n", StandardCharsets.UTF_8);
    }

    /**
     * Entry point.
     *
     * @param args optionally the folder to use
     * @throws IOException when the folder cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dataDir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("kaapana-migrate-example");
        if (!Files.exists(dataDir.resolve("settings-0.4")) && !Files.exists(dataDir.resolve("settings-0.5"))) {
            seed(dataDir);
        }
        PrintStream out = System.out;
        out.println("Example plan on " + dataDir);
        MigrationPlan plan = plan(dataDir, new ConsoleProgress(out));
        dryRunThenRun(plan, dataDir.resolve("migration-report.json"), out);
        out.println("Running the same plan again changes nothing:");
        out.println(MigrationReport.summary(plan.run().orThrow()));
        out.println("Report: " + dataDir.resolve("migration-report.json"));
    }
}
