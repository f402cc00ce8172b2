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

    private TerminalProgress live;

    /** The configured migration with the progress view: live on a terminal, plain lines or JSON lines otherwise. */
    KaapanaMigration migration(boolean interactive) {
        live = TerminalProgress.open(output).orElse(null);
        return installation.migration(env(), interactive, spec.commandLine().getErr())
                .listener(live != null ? live : Progress.of(out(), output));
    }

    /** Closes the live view so that plain output (a prompt, the summary) follows on a clean terminal. */
    void endLiveView() {
        if (live != null) {
            live.close();
            live = null;
        }
    }

    /** Writes the report (JSON and the HTML page beside it) and prints its summary. */
    void report(KaapanaReport report) {
        endLiveView();
        KaapanaReport full = report.withCommands(installation.commands())
                .withOptions(installation.reportOptions());
        Path html = full.write(output.report);
        if (!output.json) {
            out().println();
            out().print(full.brief());
            out().println("Report: " + output.report.toAbsolutePath() + " and " + html.toAbsolutePath());
            out().flush();
        }
    }
}
