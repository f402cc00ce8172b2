package dev.kaapanamigrate.cli;

import dev.kaapanamigrate.kaapana.KaapanaMigration;
import dev.kaapanamigrate.kaapana.KaapanaReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/** What check, run, resume and verify share: the installation, the output, the report. */
abstract class PlanCommand {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    InstallationOptions installation = new InstallationOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    Map<String, String> env() {
        return Environment.of(spec.commandLine());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** The configured migration with the progress printer. */
    KaapanaMigration migration(boolean interactive) {
        return installation.migration(env(), interactive).listener(new Progress(out(), output));
    }

    /** Writes the report (JSON and the HTML page beside it) and prints its summary. */
    void report(KaapanaReport report) {
        Path html = report.withCommands(installation.commands()).write(output.report);
        if (!output.json) {
            out().println();
            out().print(report.withCommands(installation.commands()).brief());
            out().println("Report: " + output.report.toAbsolutePath() + " and " + html.toAbsolutePath());
            out().flush();
        }
    }
}
