package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.CrashPoints;
import dev.kaapanamigrate.core.ConfigurationException;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.PlatformCannotMoveException;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.kaapana.internal.ClusterSnapshot;
import dev.kaapanamigrate.kaapana.internal.ClusterSnapshot.Job;
import dev.kaapanamigrate.kaapana.internal.ClusterSnapshot.Pod;
import dev.kaapanamigrate.kaapana.internal.ClusterSnapshot.Release;
import dev.kaapanamigrate.kaapana.internal.CommandRunner;
import dev.kaapanamigrate.kaapana.internal.NamePatterns;
import dev.kaapanamigrate.kaapana.internal.SecretMask;
import dev.kaapanamigrate.kaapana.internal.UserAccount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PlatformControl} for a Kaapana host: it undeploys 0.4 with 0.4's own {@code deploy_platform.sh
 * --quiet --undeploy}, deploys 0.5 with 0.5's {@code deploy_platform.sh --quiet}, and tells the state and waits by
 * asking {@code helm list --all-namespaces --all --output json}, {@code kubectl get pods --all-namespaces --output
 * json} and {@code kubectl get jobs --all-namespaces --output json}.
 *
 * <ul>
 *   <li><b>Kaapana's part of the cluster</b>: a release is Kaapana's when it lies in one of the
 *   {@linkplain Builder#releaseNamespaces release namespaces} ({@code default} and {@code admin}, the two namespaces
 *   whose releases upstream's undeploy uninstalls) or its chart is a {@linkplain Builder#platformCharts platform
 *   chart}; a pod or job is Kaapana's when it lies in one of the {@linkplain Builder#podNamespaces pod namespaces}
 *   ({@code admin}, {@code services}, {@code extensions}, {@code jobs}, {@code project-*}). Everything else in the
 *   cluster (other add-ons) is left alone and never waited for.</li>
 *   <li><b>{@link #current()}</b>: nothing of Kaapana → {@code UNDEPLOYED}; otherwise the version of the platform
 *   charts' releases ({@code kaapana-admin-chart-0.4.2} → {@code SOURCE_RUNNING}, 0.5 or later →
 *   {@code TARGET_RUNNING}); without a platform release whose chart names a version (a site's own chart name, or pods
 *   left behind by an undeploy), {@code FAST_DATA_DIR/version} decides when {@linkplain Builder#fastDataDir configured}:
 *   0.5 or later → {@code TARGET_RUNNING}, anything else (0.4 writes no marker) → {@code SOURCE_RUNNING}, so a
 *   half-done undeploy is undeployed again.</li>
 *   <li><b>{@link #awaitUndeployed}</b> returns once no Kaapana release and no Kaapana pod is left;
 *   <b>{@link #awaitReady}</b> once every Kaapana release is {@code deployed}, a release of every platform chart is
 *   there, every Kaapana pod is Running with all containers ready or Completed, and every Kaapana job is complete, in
 *   {@linkplain Builder#settlePolls several polls in a row} (more pods appear while the platform chart installs its
 *   extensions). A start-up job that failed for good fails the wait at once. A timeout names what is still there.</li>
 *   <li><b>Commands</b> are recorded ({@link #commands()}, and {@link Builder#onCommand} as they happen) with their
 *   output, every secret masked: the run report includes them. Queries during a wait are recorded when what they
 *   show changes.</li>
 *   <li><b>Errors</b> are coded: {@link KaapanaErrorCode#TOOL_MISSING} (helm, kubectl or a script not found: where it
 *   was looked for), {@link KaapanaErrorCode#CLUSTER_UNREACHABLE}, {@link KaapanaErrorCode#CLUSTER_QUERY_FAILED},
 *   {@link KaapanaErrorCode#DEPLOY_SCRIPT_FAILED} (with the script's output), {@link KaapanaErrorCode#DEPLOY_REFUSED},
 *   {@link KaapanaErrorCode#PLATFORM_TIMEOUT}.</li>
 * </ul>
 *
 * <p>Upstream's script reads its options in order and acts on {@code --undeploy} at once, so {@code --quiet} comes
 * first. In quiet mode 0.4's undeploy also deletes every persistent volume of the cluster ({@code kubectl delete pv
 * --all}, as it does when one answers its question with the default "yes"; Kaapana's data lives in host folders, not
 * in volumes). 0.5's deploy in quiet mode stops (exit 1) at any preflight finding: run as root, {@code KUBECONFIG} set
 * in its environment, a {@code ~/.kube/config} other than microk8s's, a user outside group {@code microk8s}: when the
 * migration runs as root, give {@link Builder#scriptUser} (the user who deploys Kaapana). It needs the server's domain
 * ({@code --domain}) when a reverse lookup of the host's address finds none, and the registry credentials unless the
 * script holds them ({@link Builder#registryCredentials}) or deploys offline ({@code --offline --chart-path ...}).
 * 0.5.2's deploy compares {@code FAST/version} with its own version and, when they differ or the file is missing,
 * runs upstream's migration chart after asking a question; {@link #deploy()} therefore refuses
 * ({@link KaapanaErrorCode#DEPLOY_REFUSED}) when the script's {@code PLATFORM_VERSION} is not what the migration wrote.
 *
 * <pre>{@code
 * KaapanaPlatformControl control = KaapanaPlatformControl.builder()
 *         .undeployScript(Path.of("/home/kaapana/kaapana-0.4.2/deploy_platform.sh"))
 *         .deployScript(Path.of("/home/kaapana/kaapana-0.5.2/deploy_platform.sh"))
 *         .deployArguments("--quiet", "--domain", "kaapana.example.org")
 *         .scriptUser("kaapana")
 *         .fastDataDir(Path.of("/home/kaapana"))
 *         .build();
 * MigrationResult result = KaapanaMigration.configure(fast).platformControl(control).plan().run();
 * control.commands().forEach(c -> log.info("{}", c.describe()));
 * }</pre>
 */
public final class KaapanaPlatformControl implements PlatformControl {

    private static final Logger LOG = LoggerFactory.getLogger(KaapanaPlatformControl.class);
    private static final Pattern SCRIPT_VERSION = Pattern.compile("(?m)^\\s*PLATFORM_VERSION=\"?([^\"\\s#]+)\"?");
    private static final Pattern VERSION = Pattern.compile("^v?(\\d+)\\.(\\d+)");
    private static final int MAX_RECORDS = 1000;
    private static final int LISTED = 20;

    private final Builder config;
    private final SecretMask mask;
    private final Deque<PlatformCommand> commands = new ArrayDeque<>();

    private KaapanaPlatformControl(Builder config) {
        this.config = config;
        List<String> secrets = new ArrayList<>(config.secrets);
        this.mask = SecretMask.of(secrets);
    }

    /**
     * Starts a builder with the defaults: helm and kubectl found on the {@code PATH}, their own kubeconfig, Kaapana's
     * namespaces and charts as upstream names them, a poll every 5 s, 3 settle polls, queries that may take 2 min and
     * scripts that may take 60 min.
     *
     * @return a builder; every method returns a new one
     */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------------------------------------- state

    /**
     * The state, from the releases and pods helm and kubectl report (and {@code FAST/version} when no platform chart
     * tells the version).
     *
     * @return the state
     * @throws MigrationException {@link KaapanaErrorCode#TOOL_MISSING}, {@link KaapanaErrorCode#CLUSTER_UNREACHABLE} or
     *                            {@link KaapanaErrorCode#CLUSTER_QUERY_FAILED}
     */
    @Override
    public synchronized PlatformState current() {
        View view = query("current state", false);
        record(view.records);
        return stateOf(view);
    }

    private PlatformState stateOf(View view) {
        if (view.releases.isEmpty() && view.pods.isEmpty()) {
            return PlatformState.UNDEPLOYED;
        }
        int[] highest = null;
        for (Release r : view.releases) {
            if (config.platformCharts.matches(r.chartName())) {
                Optional<int[]> v = r.chartMajorMinor();
                if (v.isPresent() && (highest == null || compare(v.get(), highest) > 0)) {
                    highest = v.get();
                }
            }
        }
        if (highest == null) {
            highest = markerVersion().orElse(null);
        }
        return highest != null && compare(highest, new int[] {0, 5}) >= 0 ? PlatformState.TARGET_RUNNING
                : PlatformState.SOURCE_RUNNING;
    }

    private Optional<int[]> markerVersion() {
        if (config.fastDataDir == null) {
            return Optional.empty();
        }
        return readMarker().map(VERSION::matcher).filter(Matcher::find)
                .map(m -> new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
    }

    private Optional<String> readMarker() {
        Path marker = config.fastDataDir.resolve("version");
        try {
            return Files.isRegularFile(marker) ? Optional.of(Files.readString(marker, StandardCharsets.UTF_8).strip())
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + marker + ": " + e.getMessage(), e);
        }
    }

    private static int compare(int[] a, int[] b) {
        return a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]);
    }

    // ------------------------------------------------------------------------------------------------- moves

    /**
     * Runs 0.4's {@code deploy_platform.sh} with the undeploy arguments ({@code --quiet --undeploy} by default) and
     * waits until it ends. Without an undeploy script it cannot move the platform: the plan pauses.
     *
     * @throws PlatformCannotMoveException when no undeploy script is configured
     * @throws MigrationException          {@link KaapanaErrorCode#DEPLOY_SCRIPT_FAILED} with its output, or
     *                                     {@link KaapanaErrorCode#TOOL_MISSING}
     */
    @Override
    public synchronized void undeploy() {
        if (config.undeployScript == null) {
            throw new PlatformCannotMoveException(current(), PlatformState.UNDEPLOYED);
        }
        runScript("undeploy Kaapana 0.4", config.undeployScript, config.undeployArguments);
    }

    /**
     * Runs 0.5's {@code deploy_platform.sh} with the deploy arguments ({@code --quiet} by default) and waits until it
     * ends (the script returns once the platform chart is installed; {@link #awaitReady} waits for the pods). Refuses
     * when the script would deploy another version than {@code FAST/version} holds. Without a deploy script it cannot
     * move the platform: the plan pauses.
     *
     * @throws PlatformCannotMoveException when no deploy script is configured
     * @throws MigrationException          {@link KaapanaErrorCode#DEPLOY_REFUSED}, {@link KaapanaErrorCode#DEPLOY_SCRIPT_FAILED}
     *                                     or {@link KaapanaErrorCode#TOOL_MISSING}
     */
    @Override
    public synchronized void deploy() {
        if (config.deployScript == null) {
            throw new PlatformCannotMoveException(current(), PlatformState.TARGET_RUNNING);
        }
        checkDeployVersion();
        runScript("deploy Kaapana 0.5", config.deployScript, config.deployArguments);
    }

    private void checkDeployVersion() {
        if (config.fastDataDir == null) {
            return;
        }
        Optional<String> marker = readMarker();
        Optional<String> scriptVersion = scriptVersion(config.deployScript);
        if (marker.isEmpty()) {
            throw new MigrationException(Problem.of(KaapanaErrorCode.DEPLOY_REFUSED,
                    config.fastDataDir.resolve("version") + " does not exist",
                    "the version marker the migration writes before deploy (kaapana.write-version)",
                    "run the migration up to its last undeployed step first: without the marker 0.5's deploy script "
                            + "starts upstream's own migration of the data (after a question it cannot answer here)"), null);
        }
        if (scriptVersion.isPresent() && !scriptVersion.get().equals(marker.get())) {
            throw new MigrationException(Problem.of(KaapanaErrorCode.DEPLOY_REFUSED,
                    config.deployScript + " deploys " + scriptVersion.get() + " (PLATFORM_VERSION) but "
                            + config.fastDataDir.resolve("version") + " says " + marker.get(),
                    "the deploy script of version " + marker.get(),
                    "configure the deploy_platform.sh of Kaapana " + marker.get() + " (0.5's deploy compares the two and "
                            + "starts upstream's migration chart when they differ)"), null);
        }
    }

    private static Optional<String> scriptVersion(Path script) {
        try {
            Matcher m = SCRIPT_VERSION.matcher(Files.readString(script, StandardCharsets.UTF_8));
            return m.find() && !m.group(1).contains("{") ? Optional.of(m.group(1)) : Optional.empty();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty(); // runScript reports the unreadable script
        }
    }

    private void runScript(String purpose, Path script, List<String> arguments) {
        if (!Files.isRegularFile(script)) {
            throw new MigrationException(Problem.of(KaapanaErrorCode.TOOL_MISSING, "the deploy script " + script
                    + (Files.exists(script) ? " is not a file" : " does not exist"), "Kaapana's deploy_platform.sh there",
                    "configure the path of the deploy_platform.sh of the version to " + (purpose.startsWith("undeploy")
                            ? "undeploy (0.4)" : "deploy (0.5)")), null);
        }
        List<String> command = new ArrayList<>();
        if (config.scriptUser != null) {
            command.addAll(List.of(systemTool("setpriv"), "--reuid=" + config.scriptUser.uid(),
                    "--regid=" + config.scriptUser.gid(), "--init-groups", "--"));
        }
        if (!Files.isExecutable(script)) {
            command.add(systemTool("bash"));
        }
        command.add(script.toAbsolutePath().toString());
        command.addAll(arguments);
        Map<String, String> env = new HashMap<>(config.scriptEnvironment);
        if (config.searchPath != null) {
            env.put("PATH", config.searchPath);
        }
        if (config.scriptUser != null) {
            env.put("HOME", config.scriptUser.home());
            env.put("USER", config.scriptUser.name());
            env.put("LOGNAME", config.scriptUser.name());
        }
        List<String> shown = mask.maskArguments(command);
        LOG.info("{}: {}", purpose, String.join(" ", shown));
        CommandRunner.Result result;
        try {
            result = CommandRunner.run(command, env, script.toAbsolutePath().getParent(), config.scriptTimeout, true,
                    config.clock);
        } catch (IOException e) {
            record(new PlatformCommand(purpose, shown, config.clock.instant(), Duration.ZERO, -1, false,
                    mask.mask(e.getMessage())));
            throw new MigrationException(Problem.of(KaapanaErrorCode.TOOL_MISSING, "cannot start " + script + ": "
                    + mask.mask(e.getMessage()), "a deploy script this user can run",
                    "check the path and its permissions"), e);
        }
        String output = mask.mask(result.stdout());
        record(new PlatformCommand(purpose, shown, result.startedAt(), result.duration(), result.exitCode(),
                result.timedOut(), output));
        if (!result.succeeded()) {
            throw new MigrationException(Problem.of(KaapanaErrorCode.DEPLOY_SCRIPT_FAILED,
                    String.join(" ", shown) + (result.timedOut() ? " did not end within " + human(config.scriptTimeout)
                            + " and was killed" : " exited with " + result.exitCode()) + "; its last output lines:\n"
                            + CommandRunner.tail(output, 25),
                    "the script to end with exit code 0",
                    "read its output (all of it is in the run report), fix the cause, then run again"), null);
        }
        CrashPoints.reach("kaapana.platform:script-done", purpose.replace(' ', '-'));
    }

    // ------------------------------------------------------------------------------------------------- waits

    /**
     * Polls until no Kaapana release and no Kaapana pod is left.
     *
     * @param timeout how long to wait at most
     * @throws MigrationException {@link KaapanaErrorCode#PLATFORM_TIMEOUT} naming what is still there, or a query error
     */
    @Override
    public synchronized void awaitUndeployed(Duration timeout) {
        await("wait until undeployed", timeout, view -> {
            List<String> left = new ArrayList<>();
            view.releases.forEach(r -> left.add("release " + r.describe()));
            view.pods.forEach(p -> left.add("pod " + p.describe()));
            return new Verdict(left, List.of());
        }, "undeployed (no release and no pod of Kaapana's left)", false);
    }

    /**
     * Polls until every Kaapana release is deployed, every platform chart has a release, every Kaapana pod runs with
     * all containers ready or has completed, and every Kaapana job is complete, in {@code settlePolls} polls in a row.
     *
     * @param timeout how long to wait at most
     * @throws MigrationException {@link KaapanaErrorCode#PLATFORM_TIMEOUT} naming what is not ready, also at once when a
     *                            start-up job failed for good; or a query error
     */
    @Override
    public synchronized void awaitReady(Duration timeout) {
        await("wait until ready", timeout, view -> {
            List<String> waiting = new ArrayList<>();
            List<String> failed = new ArrayList<>();
            for (Release r : view.releases) {
                if (!"deployed".equals(r.status())) {
                    waiting.add("release " + r.describe());
                }
            }
            for (String chart : config.platformCharts.patterns()) {
                NamePatterns one = new NamePatterns(List.of(chart));
                if (view.releases.stream().noneMatch(r -> one.matches(r.chartName()))) {
                    waiting.add("no release of chart " + chart + " yet");
                }
            }
            if (view.pods.isEmpty()) {
                waiting.add("no pod in " + config.podNamespaces + " yet");
            }
            for (Pod p : view.pods) {
                if (!p.job().isEmpty()) {
                    continue; // judged by its job (a failed attempt of a job that then completed is fine)
                }
                if (!p.readyOrCompleted()) {
                    waiting.add("pod " + p.describe());
                }
            }
            for (Job j : view.jobs) {
                if (j.failed()) {
                    failed.add("start-up job " + j.describe());
                } else if (!j.complete()) {
                    waiting.add("job " + j.describe());
                }
            }
            return new Verdict(waiting, failed);
        }, "ready (every release deployed, every pod running and ready or completed, every job complete)", true);
    }

    private void await(String purpose, Duration timeout, java.util.function.Function<View, Verdict> judge,
                       String goal, boolean jobs) {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastSummary = null;
        List<PlatformCommand> pendingRecords = List.of();
        int settled = 0;
        int failedInRow = 0;
        int unreachableInRow = 0;
        int poll = 0;
        Verdict verdict = null;
        while (true) {
            poll++;
            View view;
            try {
                view = query(purpose + ": poll " + poll, jobs);
                unreachableInRow = 0;
            } catch (MigrationException e) {
                // A restarting API server is normal for a moment; tolerate it for as many polls as must agree.
                if (e.code() != KaapanaErrorCode.CLUSTER_UNREACHABLE || ++unreachableInRow >= config.settlePolls
                        || System.nanoTime() - deadline >= 0) {
                    throw e;
                }
                LOG.warn("{}: {}", purpose, e.getMessage());
                sleep();
                continue;
            }
            if (poll == 1) {
                CrashPoints.reach("kaapana.platform:first-poll", purpose.replace(' ', '-'));
            }
            verdict = judge.apply(view);
            String summary = view.summary;
            boolean changed = !summary.equals(lastSummary);
            if (changed) {
                record(view.records);
                lastSummary = summary;
                LOG.info("{}: {}", purpose, verdict.waiting.isEmpty() && verdict.failed.isEmpty() ? "nothing left"
                        : limit(concat(verdict.failed, verdict.waiting)));
                pendingRecords = List.of();
            } else {
                pendingRecords = view.records;
            }
            if (!verdict.failed.isEmpty()) {
                failedInRow++;
                if (failedInRow >= config.settlePolls) {
                    record(pendingRecords);
                    throw new MigrationException(Problem.of(KaapanaErrorCode.PLATFORM_TIMEOUT,
                            "the platform did not become " + goal + ": " + limit(verdict.failed)
                                    + (verdict.waiting.isEmpty() ? "" : "; not ready either: " + limit(verdict.waiting)),
                            goal, "look at the failed job's logs (kubectl -n <namespace> logs job/<name>), fix the "
                                    + "cause, then redeploy"), null);
                }
            } else {
                failedInRow = 0;
            }
            if (verdict.waiting.isEmpty() && verdict.failed.isEmpty()) {
                settled++;
                if (settled >= (jobs ? config.settlePolls : 1)) {
                    record(pendingRecords);
                    return;
                }
            } else {
                settled = 0;
            }
            if (System.nanoTime() - deadline >= 0) {
                record(pendingRecords);
                throw new MigrationException(Problem.of(KaapanaErrorCode.PLATFORM_TIMEOUT,
                        "after " + human(timeout) + " the platform is not " + goal + "; still there: "
                                + limit(concat(verdict.failed, verdict.waiting)),
                        goal, "look at what is named with kubectl (describe, logs); when it is gone or ready, run again"
                                + " (the journal resumes the run)"), null);
            }
            sleep();
        }
    }

    private void sleep() {
        try {
            Thread.sleep(config.pollInterval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException(KaapanaErrorCode.PLATFORM_TIMEOUT, "Interrupted while waiting for the platform",
                    e);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String limit(List<String> items) {
        if (items.size() <= LISTED) {
            return String.join(", ", items);
        }
        return String.join(", ", items.subList(0, LISTED)) + " and " + (items.size() - LISTED) + " more";
    }

    /** What a poll found still in the way, and what failed for good. */
    private record Verdict(List<String> waiting, List<String> failed) {
    }

    // ------------------------------------------------------------------------------------------------- queries

    /** Kaapana's releases, pods and jobs, with the records of the commands that read them. */
    private record View(List<Release> releases, List<Pod> pods, List<Job> jobs, String summary,
                        List<PlatformCommand> records) {
    }

    private View query(String purpose, boolean withJobs) {
        List<PlatformCommand> records = new ArrayList<>();
        String helm = tool("helm", config.helm);
        String kubectl = tool("kubectl", config.kubectl);
        List<String> helmList = new ArrayList<>(List.of(helm, "list", "--all-namespaces", "--all", "--output", "json"));
        List<String> pods = new ArrayList<>(List.of(kubectl, "get", "pods", "--all-namespaces", "--output", "json",
                "--request-timeout=" + Math.max(1, config.commandTimeout.toSeconds()) + "s"));
        List<String> jobs = new ArrayList<>(List.of(kubectl, "get", "jobs", "--all-namespaces", "--output", "json",
                "--request-timeout=" + Math.max(1, config.commandTimeout.toSeconds()) + "s"));
        if (config.kubeconfig != null) {
            for (List<String> c : List.of(helmList, pods, jobs)) {
                c.addAll(List.of("--kubeconfig", config.kubeconfig.toString()));
            }
        }
        List<Release> allReleases = parse(purpose, helmList, records, ClusterSnapshot::parseReleases);
        List<Release> releases = allReleases.stream().filter(r -> config.releaseNamespaces.matches(r.namespace())
                || config.platformCharts.matches(r.chartName())).toList();
        replaceSummary(records, releases.size() + " release(s) of Kaapana" + listed(releases.stream()
                .map(Release::describe).toList()) + "; " + (allReleases.size() - releases.size())
                + " other release(s) not watched");
        List<Pod> allPods = parse(purpose, pods, records, ClusterSnapshot::parsePods);
        List<Pod> kaapanaPods = allPods.stream().filter(p -> config.podNamespaces.matches(p.namespace())).toList();
        List<String> notReady = kaapanaPods.stream().filter(p -> !p.readyOrCompleted()).map(Pod::describe).toList();
        replaceSummary(records, kaapanaPods.size() + " pod(s) in " + config.podNamespaces + ", "
                + (kaapanaPods.size() - notReady.size()) + " running and ready or completed" + (notReady.isEmpty() ? ""
                : ", " + notReady.size() + " not: " + limit(notReady)) + "; " + (allPods.size() - kaapanaPods.size())
                + " pod(s) in other namespaces not watched");
        List<Job> kaapanaJobs = List.of();
        if (withJobs) {
            List<Job> allJobs = parse(purpose, jobs, records, ClusterSnapshot::parseJobs);
            kaapanaJobs = allJobs.stream().filter(j -> config.podNamespaces.matches(j.namespace())).toList();
            replaceSummary(records, kaapanaJobs.size() + " job(s) in " + config.podNamespaces + listed(kaapanaJobs.stream()
                    .filter(j -> !j.complete()).map(Job::describe).toList()));
        }
        String summary = String.join("\n", records.stream().map(PlatformCommand::output).toList());
        return new View(releases, kaapanaPods, kaapanaJobs, summary, records);
    }

    private static String listed(List<String> items) {
        return items.isEmpty() ? "" : ": " + limit(items);
    }

    private static void replaceSummary(List<PlatformCommand> records, String summary) {
        PlatformCommand last = records.remove(records.size() - 1);
        records.add(new PlatformCommand(last.purpose(), last.commandLine(), last.startedAt(), last.duration(),
                last.exitCode(), last.timedOut(), summary));
    }

    private <T> List<T> parse(String purpose, List<String> command, List<PlatformCommand> records,
                              java.util.function.Function<String, List<T>> parser) {
        List<String> shown = mask.maskArguments(command);
        Map<String, String> env = new HashMap<>();
        if (config.searchPath != null) {
            env.put("PATH", config.searchPath);
        }
        if (config.kubeconfig != null) {
            env.put("KUBECONFIG", config.kubeconfig.toString());
        }
        CommandRunner.Result result;
        try {
            result = CommandRunner.run(command, env, Path.of(System.getProperty("java.io.tmpdir")),
                    config.commandTimeout, false, 512 << 20, config.clock);
        } catch (IOException e) {
            throw new MigrationException(Problem.of(KaapanaErrorCode.TOOL_MISSING, "cannot start " + command.get(0) + ": "
                    + e.getMessage(), "a program this user can run", "check its path and permissions"), e);
        }
        String errors = mask.mask(result.stderr()).strip();
        if (!result.succeeded()) {
            records.add(new PlatformCommand(purpose, shown, result.startedAt(), result.duration(), result.exitCode(),
                    result.timedOut(), errors));
            record(records);
            String name = Path.of(command.get(0)).getFileName().toString();
            String found = String.join(" ", shown) + (result.timedOut() ? " did not answer within "
                    + human(config.commandTimeout) : " exited with " + result.exitCode()) + (errors.isEmpty() ? ""
                    : ": " + CommandRunner.tail(errors, 8));
            if (result.timedOut() || unreachable(errors)) {
                throw new MigrationException(Problem.of(KaapanaErrorCode.CLUSTER_UNREACHABLE, found,
                        "an answer from the Kubernetes cluster",
                        "check that the cluster runs (microk8s status) and that " + (config.kubeconfig != null
                                ? "the kubeconfig " + config.kubeconfig : "the kubeconfig " + name
                                + " uses (KUBECONFIG or ~/.kube/config)") + " points at it"), null);
            }
            throw new MigrationException(Problem.of(KaapanaErrorCode.CLUSTER_QUERY_FAILED, found, "exit code 0",
                    "run the command by hand and fix what it reports"), null);
        }
        try {
            List<T> parsed = parser.apply(result.stdout());
            records.add(new PlatformCommand(purpose, shown, result.startedAt(), result.duration(), 0, false, ""));
            return parsed;
        } catch (IllegalArgumentException e) {
            records.add(new PlatformCommand(purpose, shown, result.startedAt(), result.duration(), 0, false,
                    "unreadable output: " + e.getMessage()));
            record(records);
            throw new MigrationException(Problem.of(KaapanaErrorCode.CLUSTER_QUERY_FAILED, String.join(" ", shown)
                    + " printed output that cannot be read: " + e.getMessage(), "JSON as the command was asked for",
                    "check that " + command.get(0) + " is helm 3 / kubectl and not a wrapper that prints more"), e);
        }
    }

    private static boolean unreachable(String errors) {
        String e = errors.toLowerCase(java.util.Locale.ROOT);
        return e.contains("unable to connect to the server") || e.contains("was refused") || e.contains("connection refused")
                || e.contains("cluster unreachable") || e.contains("no such host") || e.contains("i/o timeout")
                || e.contains("couldn't get current server api group list") || e.contains("no route to host")
                || e.contains("tls handshake timeout") || e.contains("context deadline exceeded");
    }

    /** A system program (setpriv, bash): on the search path or in the system's folders. */
    private String systemTool(String name) {
        String path = (config.searchPath != null ? config.searchPath
                : Objects.requireNonNullElse(System.getenv("PATH"), "")) + ":/usr/sbin:/usr/bin:/sbin:/bin";
        return CommandRunner.find(name, path).map(Path::toString).orElseThrow(() -> new MigrationException(Problem.of(
                KaapanaErrorCode.TOOL_MISSING, name + " is not on the PATH (" + path + ")", "the " + name + " program",
                "install it (util-linux provides setpriv)"), null));
    }

    private String tool(String name, Path configured) {
        if (configured != null) {
            if (Files.isRegularFile(configured) && Files.isExecutable(configured)) {
                return configured.toAbsolutePath().toString();
            }
            throw new MigrationException(Problem.of(KaapanaErrorCode.TOOL_MISSING, name + " configured as " + configured
                    + (Files.exists(configured) ? ", which is not an executable file" : ", which does not exist"),
                    "the " + name + " program", "install " + name + " or correct the configured path"), null);
        }
        String path = config.searchPath != null ? config.searchPath : Objects.requireNonNullElse(System.getenv("PATH"), "");
        return CommandRunner.find(name, path).map(Path::toString).orElseThrow(() -> new MigrationException(Problem.of(
                KaapanaErrorCode.TOOL_MISSING, name + " is not on the PATH (" + (path.isEmpty() ? "empty" : path) + ")",
                "the " + name + " program", "install " + name + " (Kaapana's server installation brings it) or configure"
                        + " its path with KaapanaPlatformControl.Builder." + name + "(path)"), null));
    }

    // ------------------------------------------------------------------------------------------------- records

    /**
     * The commands run so far, in order, secrets masked: every deploy script run, every query of {@link #current()}
     * and the queries of a wait whose answer differed from the one before (the first and the last always). At most
     * the latest 1000.
     *
     * @return a copy
     */
    public synchronized List<PlatformCommand> commands() {
        return List.copyOf(commands);
    }

    private void record(PlatformCommand command) {
        record(List.of(command));
    }

    private synchronized void record(List<PlatformCommand> records) {
        for (PlatformCommand c : records) {
            commands.addLast(c);
            while (commands.size() > MAX_RECORDS) {
                commands.removeFirst();
            }
            if (config.onCommand != null) {
                try {
                    config.onCommand.accept(c);
                } catch (RuntimeException e) {
                    LOG.warn("A command listener failed: {}", e.toString());
                }
            }
        }
    }

    private static String human(Duration d) {
        return d.toSeconds() >= 120 ? d.toMinutes() + " min" : d.toMillis() % 1000 == 0 ? d.toSeconds() + " s"
                : d.toMillis() + " ms";
    }

    @Override
    public String toString() {
        return "KaapanaPlatformControl[undeploy " + config.undeployScript + ", deploy " + config.deployScript + "]";
    }

    // ------------------------------------------------------------------------------------------------- builder

    /** The configuration; immutable, every method returns a new builder. */
    public static final class Builder {
        private Path undeployScript;
        private List<String> undeployArguments = List.of("--quiet", "--undeploy");
        private Path deployScript;
        private List<String> deployArguments = List.of("--quiet");
        private List<String> secrets = List.of();
        private UserAccount scriptUser;
        private Map<String, String> scriptEnvironment = Map.of();
        private Path helm;
        private Path kubectl;
        private String searchPath;
        private Path kubeconfig;
        private NamePatterns releaseNamespaces = new NamePatterns(List.of("default", "admin"));
        private NamePatterns podNamespaces = new NamePatterns(List.of("admin", "services", "extensions", "jobs",
                "project-*"));
        private NamePatterns platformCharts = new NamePatterns(List.of("kaapana-admin-chart", "kaapana-platform-chart"));
        private Path fastDataDir;
        private Duration pollInterval = Duration.ofSeconds(5);
        private int settlePolls = 3;
        private Duration commandTimeout = Duration.ofMinutes(2);
        private Duration scriptTimeout = Duration.ofMinutes(60);
        private Consumer<PlatformCommand> onCommand;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        private Builder copy() {
            Builder b = new Builder();
            b.undeployScript = undeployScript;
            b.undeployArguments = undeployArguments;
            b.deployScript = deployScript;
            b.deployArguments = deployArguments;
            b.secrets = secrets;
            b.scriptUser = scriptUser;
            b.scriptEnvironment = scriptEnvironment;
            b.helm = helm;
            b.kubectl = kubectl;
            b.searchPath = searchPath;
            b.kubeconfig = kubeconfig;
            b.releaseNamespaces = releaseNamespaces;
            b.podNamespaces = podNamespaces;
            b.platformCharts = platformCharts;
            b.fastDataDir = fastDataDir;
            b.pollInterval = pollInterval;
            b.settlePolls = settlePolls;
            b.commandTimeout = commandTimeout;
            b.scriptTimeout = scriptTimeout;
            b.onCommand = onCommand;
            b.clock = clock;
            return b;
        }

        /**
         * The {@code deploy_platform.sh} of the installed 0.4 version, which undeploys it. Without it the control
         * cannot undeploy: a plan that needs it pauses.
         *
         * @param script the script
         * @return a new builder
         */
        public Builder undeployScript(Path script) {
            Builder b = copy();
            b.undeployScript = Objects.requireNonNull(script, "script");
            return b;
        }

        /**
         * The arguments of the undeploy, replacing the default {@code --quiet --undeploy} ({@code --quiet} must come
         * first: the script acts on {@code --undeploy} as soon as it reads it). {@code --quiet --no-hooks} forces the
         * undeploy when hooks hang.
         *
         * @param arguments the arguments
         * @return a new builder
         */
        public Builder undeployArguments(String... arguments) {
            Builder b = copy();
            b.undeployArguments = List.of(arguments);
            return b;
        }

        /**
         * The {@code deploy_platform.sh} of the 0.5 version to deploy. Without it the control cannot deploy: a plan that
         * needs it pauses before its 0.5 steps.
         *
         * @param script the script
         * @return a new builder
         */
        public Builder deployScript(Path script) {
            Builder b = copy();
            b.deployScript = Objects.requireNonNull(script, "script");
            return b;
        }

        /**
         * The arguments of the deploy, replacing the default {@code --quiet}; keep {@code --quiet} first, e.g.
         * {@code "--quiet", "--domain", "kaapana.example.org"} or {@code "--quiet", "--offline", "--chart-path",
         * "/opt/kaapana-admin-chart-0.5.2.tgz"}.
         *
         * @param arguments the arguments
         * @return a new builder
         */
        public Builder deployArguments(String... arguments) {
            Builder b = copy();
            b.deployArguments = List.of(arguments);
            return b;
        }

        /**
         * The container registry's credentials for the deploy: {@code --username} and {@code --password} are added to
         * the deploy arguments, and the password is masked wherever it would appear.
         *
         * @param username the registry user
         * @param password the registry password
         * @return a new builder
         */
        public Builder registryCredentials(String username, String password) {
            Builder b = secrets(password);
            List<String> args = new ArrayList<>(b.deployArguments);
            args.addAll(List.of("--username", Objects.requireNonNull(username, "username"), "--password", password));
            b.deployArguments = List.copyOf(args);
            return b;
        }

        /**
         * Values never to show in recorded command lines, outputs, logs and messages (besides what is masked anyway:
         * password options and {@code password: ...} lines).
         *
         * @param values the secrets
         * @return a new builder
         */
        public Builder secrets(String... values) {
            Builder b = copy();
            List<String> all = new ArrayList<>(secrets);
            for (String v : values) {
                all.add(Objects.requireNonNull(v, "secret"));
            }
            b.secrets = List.copyOf(all);
            return b;
        }

        /**
         * Runs the deploy scripts as this user ({@code setpriv --reuid --regid --init-groups}, with its {@code HOME},
         * {@code USER} and {@code LOGNAME}): 0.5's deploy refuses to run as root in quiet mode. Needs root.
         *
         * @param user the user's name, e.g. {@code kaapana}
         * @return a new builder
         * @throws ConfigurationException when the user is unknown
         */
        public Builder scriptUser(String user) {
            Builder b = copy();
            b.scriptUser = UserAccount.lookup(Objects.requireNonNull(user, "user")).orElseThrow(() ->
                    new ConfigurationException("The script user '" + user + "' is not known on this host (getent passwd "
                            + user + " finds nothing); expected the user who deploys Kaapana."));
            return b;
        }

        /**
         * Environment variables for the deploy scripts, on top of this JVM's environment (a {@code null} value removes
         * one). The scripts get the JVM's {@code KUBECONFIG} if it is set; 0.5's quiet deploy refuses to run with it, so
         * remove it here when needed ({@code Map.of("KUBECONFIG", null)} is not allowed by {@code Map.of}: use a
         * {@code HashMap}).
         *
         * @param environment the variables
         * @return a new builder
         */
        public Builder scriptEnvironment(Map<String, String> environment) {
            Builder b = copy();
            b.scriptEnvironment = java.util.Collections.unmodifiableMap(new HashMap<>(environment));
            return b;
        }

        /**
         * The helm program; default: {@code helm} on the {@linkplain #searchPath search path}.
         *
         * @param program the executable
         * @return a new builder
         */
        public Builder helm(Path program) {
            Builder b = copy();
            b.helm = Objects.requireNonNull(program, "program");
            return b;
        }

        /**
         * The kubectl program; default: {@code kubectl} on the {@linkplain #searchPath search path} (on microk8s hosts
         * Kaapana's installation provides it; {@code microk8s.kubectl} may be configured here too).
         *
         * @param program the executable
         * @return a new builder
         */
        public Builder kubectl(Path program) {
            Builder b = copy();
            b.kubectl = Objects.requireNonNull(program, "program");
            return b;
        }

        /**
         * The {@code PATH} on which helm and kubectl are looked for and which the scripts and queries get; default: this
         * JVM's {@code PATH}.
         *
         * @param path directories separated by {@code :}
         * @return a new builder
         */
        public Builder searchPath(String path) {
            Builder b = copy();
            b.searchPath = Objects.requireNonNull(path, "path");
            return b;
        }

        /**
         * The kubeconfig of helm and kubectl ({@code --kubeconfig} and {@code KUBECONFIG}); default: theirs ({@code
         * KUBECONFIG} of this JVM's environment, else {@code ~/.kube/config}). Not given to the deploy scripts.
         *
         * @param file the kubeconfig file
         * @return a new builder
         */
        public Builder kubeconfig(Path file) {
            Builder b = copy();
            b.kubeconfig = Objects.requireNonNull(file, "file");
            return b;
        }

        /**
         * Namespaces whose releases are all Kaapana's ({@code *} matches any text); default {@code default} and
         * {@code admin}, where upstream's undeploy uninstalls every release.
         *
         * @param namespaces names or patterns
         * @return a new builder
         */
        public Builder releaseNamespaces(String... namespaces) {
            Builder b = copy();
            b.releaseNamespaces = new NamePatterns(List.of(namespaces));
            return b;
        }

        /**
         * Namespaces whose pods and jobs are Kaapana's ({@code *} matches any text); default {@code admin},
         * {@code services}, {@code extensions}, {@code jobs} and {@code project-*}.
         *
         * @param namespaces names or patterns
         * @return a new builder
         */
        public Builder podNamespaces(String... namespaces) {
            Builder b = copy();
            b.podNamespaces = new NamePatterns(List.of(namespaces));
            return b;
        }

        /**
         * The charts of the platform itself, wherever their release is: their version tells 0.4 from 0.5, and after a
         * deploy each must have a release; default {@code kaapana-admin-chart} and {@code kaapana-platform-chart}.
         *
         * @param charts chart names (without version) or patterns
         * @return a new builder
         */
        public Builder platformCharts(String... charts) {
            Builder b = copy();
            b.platformCharts = new NamePatterns(List.of(charts));
            return b;
        }

        /**
         * FAST_DATA_DIR: its {@code version} marker tells 0.4 from 0.5 when no platform chart does, and the deploy is
         * refused when the deploy script's version differs from it. Without it neither happens.
         *
         * @param dir FAST_DATA_DIR
         * @return a new builder
         */
        public Builder fastDataDir(Path dir) {
            Builder b = copy();
            b.fastDataDir = Objects.requireNonNull(dir, "dir");
            return b;
        }

        /**
         * How long to wait between two polls; default 5 s.
         *
         * @param interval the interval
         * @return a new builder
         */
        public Builder pollInterval(Duration interval) {
            Builder b = copy();
            b.pollInterval = positive(interval, "pollInterval");
            return b;
        }

        /**
         * How many polls in a row must find the platform ready (and a start-up job failed, or the cluster unreachable,
         * before the wait gives up); default 3.
         *
         * @param polls at least 1
         * @return a new builder
         */
        public Builder settlePolls(int polls) {
            if (polls < 1) {
                throw new ConfigurationException("settlePolls must be at least 1, was " + polls);
            }
            Builder b = copy();
            b.settlePolls = polls;
            return b;
        }

        /**
         * How long one helm or kubectl query may take; default 2 min.
         *
         * @param timeout the timeout
         * @return a new builder
         */
        public Builder commandTimeout(Duration timeout) {
            Builder b = copy();
            b.commandTimeout = positive(timeout, "commandTimeout");
            return b;
        }

        /**
         * How long a deploy script may take; default 60 min.
         *
         * @param timeout the timeout
         * @return a new builder
         */
        public Builder scriptTimeout(Duration timeout) {
            Builder b = copy();
            b.scriptTimeout = positive(timeout, "scriptTimeout");
            return b;
        }

        /**
         * Called with every command as it is recorded (a listener that throws is logged and ignored).
         *
         * @param listener the listener
         * @return a new builder
         */
        public Builder onCommand(Consumer<PlatformCommand> listener) {
            Builder b = copy();
            b.onCommand = Objects.requireNonNull(listener, "listener");
            return b;
        }

        /**
         * The clock for the recorded start times; default UTC system clock.
         *
         * @param clock the clock
         * @return a new builder
         */
        public Builder clock(Clock clock) {
            Builder b = copy();
            b.clock = Objects.requireNonNull(clock, "clock");
            return b;
        }

        /**
         * Builds the control.
         *
         * @return the control
         */
        public KaapanaPlatformControl build() {
            return new KaapanaPlatformControl(copy());
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new ConfigurationException(name + " must be positive, was " + d);
            }
            return d;
        }
    }
}
