package dev.kaapanamigrate.cli;

import java.util.List;

/**
 * Sets the simple SLF4J backend's level before the first logger exists: warnings only by default (the command prints
 * its own progress), everything with {@code --verbose}, nothing but errors with {@code --quiet} or {@code --json}.
 * Log lines go to standard error, never to standard output, which carries the command's own output.
 */
final class Logging {

    private Logging() {
    }

    static void configure(String[] args) {
        List<String> a = List.of(args);
        String level = a.contains("--verbose") || a.contains("-v") ? "info"
                : a.contains("--quiet") || a.contains("-q") || a.contains("--json") ? "error" : "warn";
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "true");
    }
}
