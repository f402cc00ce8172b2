package dev.kaapanamigrate.cli;

import java.util.Map;
import picocli.CommandLine;

/** The environment a command line runs with, kept beside it so commands and tests read the same map. */
final class Environment {

    private static final Map<CommandLine, Map<String, String>> ENVIRONMENTS = new java.util.WeakHashMap<>();

    private Environment() {
    }

    static synchronized void set(CommandLine cli, Map<String, String> env) {
        ENVIRONMENTS.put(cli, Map.copyOf(env));
    }

    static synchronized Map<String, String> of(CommandLine cli) {
        CommandLine root = cli;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        return ENVIRONMENTS.getOrDefault(root, Map.of());
    }
}
