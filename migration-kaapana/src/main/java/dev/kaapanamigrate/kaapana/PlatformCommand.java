package dev.kaapanamigrate.kaapana;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One command the {@link KaapanaPlatformControl} ran, for the run report: what for, the command line, when, how long,
 * how it ended and its output, every secret masked ({@code ****}). The output of a deploy script is kept (its
 * beginning and end when it is long); the output of {@code helm list} and {@code kubectl get} is replaced by a summary
 * of what the control read from it (releases, pods and jobs with their status), because a pod listing holds the pods'
 * specifications with their environment values, passwords among them. When a command fails, its error output is kept.
 *
 * <pre>{@code
 * for (PlatformCommand c : control.commands()) {
 *     log.info("{}", c.describe());
 * }
 * }</pre>
 *
 * @param purpose     why it ran, e.g. {@code "undeploy Kaapana 0.4"} or {@code "wait until undeployed: poll 3"}
 * @param commandLine the program and its arguments, secrets masked
 * @param startedAt   when it started
 * @param duration    how long it ran
 * @param exitCode    its exit code; -1 when it was killed for its timeout or could not start
 * @param timedOut    whether it was killed for its timeout
 * @param output      its output (scripts) or the summary of what was read (queries), secrets masked
 */
public record PlatformCommand(String purpose, List<String> commandLine, Instant startedAt, Duration duration,
                              int exitCode, boolean timedOut, String output) {

    /**
     * Validates and copies the components.
     *
     * @param purpose     why it ran
     * @param commandLine the command line
     * @param startedAt   when it started
     * @param duration    how long it ran
     * @param exitCode    its exit code
     * @param timedOut    whether it timed out
     * @param output      its output or summary
     */
    public PlatformCommand {
        Objects.requireNonNull(purpose, "purpose");
        commandLine = List.copyOf(commandLine);
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(duration, "duration");
        output = output == null ? "" : output;
    }

    /**
     * Whether it ended with exit code 0.
     *
     * @return {@code true} on success
     */
    public boolean succeeded() {
        return !timedOut && exitCode == 0;
    }

    /**
     * One line for logs and summaries.
     *
     * @return e.g. {@code "undeploy Kaapana 0.4: /opt/k/deploy_platform.sh --quiet --undeploy -> exit 0 in 41.2 s"}
     */
    public String describe() {
        return purpose + ": " + String.join(" ", commandLine) + " -> " + (timedOut ? "killed after its timeout"
                : "exit " + exitCode) + " in " + String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
