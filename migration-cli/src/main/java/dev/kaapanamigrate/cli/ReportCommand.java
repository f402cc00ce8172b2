package dev.kaapanamigrate.cli;

import dev.kaapanamigrate.kaapana.KaapanaReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code report}: renders a saved JSON report. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Renders a saved JSON report: its summary on the terminal and the HTML page beside it (or where "
                + "--html says).",
        footerHeading = "%nExample:%n",
        footer = "  kaapana-migrate report kaapana-migrate-report.json --html /tmp/report.html")
final class ReportCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "REPORT", description = "The JSON report.")
    Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "Where the HTML page goes (default: beside the JSON).")
    Path html;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(json)) {
            throw new UsageException(json + " is not a file; expected a JSON report written by kaapana-migrate");
        }
        KaapanaReport report = KaapanaReport.read(json);
        Path page = html != null ? html : KaapanaReport.htmlBeside(json);
        report.writeHtml(page);
        spec.commandLine().getOut().print(report.brief());
        spec.commandLine().getOut().println("HTML: " + page.toAbsolutePath());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
