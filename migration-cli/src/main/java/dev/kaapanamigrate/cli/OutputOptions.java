package dev.kaapanamigrate.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a command reports: the report file, and how much it prints. */
final class OutputOptions {

    @Option(names = "--report", paramLabel = "FILE", description = "Where the JSON report goes; the HTML page is "
            + "written beside it (default: ${DEFAULT-VALUE}).", defaultValue = "kaapana-migrate-report.json")
    Path report;

    @Option(names = {"-q", "--quiet"}, description = "Print only the summary and problems.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Print the library's log lines and stack traces too.")
    boolean verbose;

    @Option(names = "--json", description = "Print the events as JSON lines (for other programs) instead of text.")
    boolean json;
}
