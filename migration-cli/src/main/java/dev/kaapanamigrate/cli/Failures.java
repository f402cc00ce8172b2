package dev.kaapanamigrate.cli;

import dev.kaapanamigrate.core.ConcurrentRunException;
import dev.kaapanamigrate.core.ConfigurationException;
import dev.kaapanamigrate.core.MigrationException;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * Turns what a command throws into one readable message and an exit code: bad usage and configuration errors exit 2,
 * a concurrent run 7, any other library error 1 with its code, what was found and the fix. Stack traces only with
 * {@code --verbose}; messages come from the library, which keeps secrets out of them, and a secret given on the
 * command line is refused before anything echoes it.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    private final Map<String, String> env;

    Failures(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof UsageException u) {
            err.println("kaapana-migrate: " + u.getMessage());
            return ExitCodes.USAGE;
        }
        if (e instanceof ConcurrentRunException c) {
            err.println("kaapana-migrate: " + c.getMessage());
            return ExitCodes.CONCURRENT_RUN;
        }
        if (e instanceof ConfigurationException c) {
            err.println("kaapana-migrate: " + c.getMessage());
            return ExitCodes.USAGE;
        }
        if (e instanceof MigrationException m) {
            err.println("kaapana-migrate: " + m.code().code() + ": " + m.getMessage());
        } else {
            err.println("kaapana-migrate: unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        if (parsed.expandedArgs().contains("--verbose") || parsed.expandedArgs().contains("-v")) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                err.println((t == e ? "" : "Caused by: ") + t);
                for (StackTraceElement frame : t.getStackTrace()) {
                    err.println("\tat " + frame);
                }
            }
        }
        return ExitCodes.FAILED;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        PrintWriter err = cli.getErr();
        err.println("kaapana-migrate: " + e.getMessage());
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
            err.println("Try 'kaapana-migrate " + (cli.getParent() == null ? "" : cli.getCommandName() + " ")
                    + "--help'.");
        }
        return ExitCodes.USAGE;
    }
}
