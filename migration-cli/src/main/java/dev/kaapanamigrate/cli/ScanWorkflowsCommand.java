package dev.kaapanamigrate.cli;

import dev.kaapanamigrate.workflows.ScanReport;
import dev.kaapanamigrate.workflows.WorkflowScanner;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scan-workflows}: what 0.5 breaks in the site's DAGs and operators; reads files only. */
@Command(name = "scan-workflows", mixinStandardHelpOptions = true,
        description = "Scans the site's workflow code (FAST_DATA_DIR/workflows and any extra folders) for what 0.5 "
                + "breaks: removed conf keys, renamed DAGs, changed operator settings. Reads files only.",
        footerHeading = "%nExample:%n",
        footer = "  kaapana-migrate scan-workflows --fast-data-dir /home/kaapana --path /opt/extensions")
final class ScanWorkflowsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--fast-data-dir", paramLabel = "DIR", required = true, description = "Kaapana's FAST_DATA_DIR.")
    Path fastDataDir;

    @Option(names = "--path", paramLabel = "DIR", description = "More folders to scan (extension packages).")
    List<Path> paths = List.of();

    @Override
    public Integer call() {
        WorkflowScanner.Builder b = WorkflowScanner.forKaapana(InstallationOptions.existingFastDataDir(fastDataDir));
        for (Path p : paths) {
            b = b.path(p);
        }
        ScanReport report = b.build().scan();
        java.io.PrintWriter out = spec.commandLine().getOut();
        report.findings().forEach(f -> out.println(f.describe()));
        report.issues().forEach(i -> out.println("not scanned: " + i.describe()));
        out.println(report.summary());
        out.flush();
        return ExitCodes.OK;
    }
}
