package dev.kaapanamigrate.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in Kubernetes host for tests of a platform control: shell scripts that behave like {@code helm},
 * {@code kubectl} and Kaapana's {@code deploy_platform.sh} of 0.4.2 and 0.5.2, written into a folder and sharing a small
 * state file, so that undeploy and deploy change what helm and kubectl report. Nothing reaches a real cluster: put
 * {@link #binDirectory()} (only) on the control's search path, or give the tools by path.
 *
 * <ul>
 *   <li>{@code bin/helm}: {@code helm list --all-namespaces --all --output json}; {@code bin/kubectl}: {@code kubectl get
 *   pods|jobs --all-namespaces --output json} (pods carry an environment value {@code standin-pod-secret} in their
 *   specification, as real pods carry passwords). Every {@code helm list} and every {@code kubectl get pods} is a poll:
 *   what has a countdown moves on (a terminating pod is gone three polls later, a pending one runs three polls later, the
 *   start-up job completes, the platform chart's release becomes deployed). Other flags are refused, so a test sees a
 *   wrong command line.</li>
 *   <li>{@code kaapana-0.4.2/deploy_platform.sh --quiet --undeploy}: Kaapana's releases (namespaces {@code default} and
 *   {@code admin}) start uninstalling, its pods (namespaces {@code admin}, {@code services}, {@code extensions},
 *   {@code jobs}, {@code project-*}) start terminating; it returns at once, like a script whose own wait gave up, so
 *   the control's wait is what ends the undeploy.</li>
 *   <li>{@code kaapana-0.5.2/deploy_platform.sh --quiet}: installs 0.5.2 (admin chart deployed, platform chart pending,
 *   four pods pending, start-up job {@code services/init-projects} running) and prints upstream's initial credentials
 *   ({@code password: Kaapana2020!}), which a control must mask.</li>
 *   <li>{@link #drive(SimulatedPlatform)}: a stand-in undeploy or deploy also stops or starts the simulated database
 *   servers, and the pods move on only once the servers have (a watcher thread acknowledges each request).</li>
 * </ul>
 *
 * <pre>{@code
 * try (StandInCluster cluster = StandInCluster.create(tmp).runningSource()) {
 *     KaapanaPlatformControl control = KaapanaPlatformControl.builder()
 *             .searchPath(cluster.searchPath())
 *             .undeployScript(cluster.undeployScript()).deployScript(cluster.deployScript())
 *             .pollInterval(Duration.ofMillis(20)).build();
 *     control.undeploy();
 *     control.awaitUndeployed(Duration.ofSeconds(30));
 * }
 * }</pre>
 */
public final class StandInCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StandInCluster.class);
    private static final String RESOURCES = "/dev/kaapanamigrate/testkit/standin/";

    private final Path root;
    private final Path state;
    private Thread watcher;
    private volatile boolean closed;

    private StandInCluster(Path root) {
        this.root = root;
        this.state = root.resolve("cluster");
    }

    /**
     * Writes the stand-ins into a folder (created if missing): {@code bin/helm}, {@code bin/kubectl},
     * {@code kaapana-0.4.2/deploy_platform.sh}, {@code kaapana-0.5.2/deploy_platform.sh} and {@code cluster/} (state,
     * invocation log). The cluster starts empty: nothing of Kaapana is deployed.
     *
     * @param dir the folder
     * @return the cluster
     */
    public static StandInCluster create(Path dir) {
        StandInCluster c = new StandInCluster(dir.toAbsolutePath());
        try {
            Files.createDirectories(c.state.resolve("requests"));
            Files.createDirectories(c.state.resolve("acks"));
            c.install("helm", dir.resolve("bin/helm"));
            c.install("kubectl", dir.resolve("bin/kubectl"));
            c.install("deploy_platform_0.4.2.sh", dir.resolve("kaapana-0.4.2/deploy_platform.sh"));
            c.install("deploy_platform_0.5.2.sh", dir.resolve("kaapana-0.5.2/deploy_platform.sh"));
            Files.writeString(c.state.resolve("state"), "");
            Files.writeString(c.state.resolve("invocations.log"), "");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the stand-in cluster into " + dir + ": " + e.getMessage(), e);
        }
        return c;
    }

    private void install(String resource, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try (InputStream in = StandInCluster.class.getResourceAsStream(RESOURCES + resource)) {
            Files.copy(Objects.requireNonNull(in, resource), to, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * Kaapana 0.4.2 runs: its admin and platform chart releases deployed in {@code default}, pods running in
     * {@code admin}, {@code services} and {@code project-admin}; besides it a release and a pod of another add-on
     * ({@code gpu-operator}, {@code kube-system/coredns}) that an undeploy leaves alone.
     *
     * @return this cluster
     */
    public StandInCluster runningSource() {
        return add("release default kaapana-admin-chart kaapana-admin-chart-0.4.2 0.4.2 deployed 0 -",
                "release default kaapana-platform-chart kaapana-platform-chart-0.4.2 0.4.2 deployed 0 -",
                "release default project-admin project-chart-0.4.2 0.4.2 deployed 0 -",
                "release gpu-operator gpu-operator gpu-operator-v24.9.0 v24.9.0 deployed 0 -",
                "pod admin kube-helm-deployment-5b8c Running 1 1 false - - 0 -",
                "pod services postgres-backend-7c9d Running 1 1 false - - 0 -",
                "pod services airflow-webserver-66f9 Running 2 2 false - - 0 -",
                "pod services init-projects-2kq9 Succeeded 0 1 false - init-projects 0 -",
                "job services init-projects complete 0 -",
                "pod project-admin project-admin-dashboard-8d7e Running 1 1 false - - 0 -",
                "pod kube-system coredns-7745f9f87f-x2 Running 1 1 false - - 0 -");
    }

    /**
     * Kaapana 0.5.2 runs, every pod ready and the start-up job complete.
     *
     * @return this cluster
     */
    public StandInCluster runningTarget() {
        return add("release default kaapana-admin-chart kaapana-admin-chart-0.5.2 0.5.2 deployed 0 -",
                "release default kaapana-platform-chart kaapana-platform-chart-0.5.2 0.5.2 deployed 0 -",
                "pod admin kube-helm-deployment-7d9f Running 1 1 false - - 0 -",
                "pod services access-information-interface-5c4b Running 1 1 false - - 0 -",
                "pod services init-projects-x7k2p Succeeded 0 1 false - init-projects 0 -",
                "job services init-projects complete 0 -");
    }

    /**
     * A Kaapana pod that keeps running and, once undeployed, keeps terminating forever.
     *
     * @param namespace its namespace (one of Kaapana's)
     * @param name      its name
     * @return this cluster
     */
    public StandInCluster podThatNeverGoesAway(String namespace, String name) {
        return add("pod " + namespace + " " + name + " Running 1 1 false - - 0 stays");
    }

    /**
     * After the next deploy a pod that never becomes ready ({@code CrashLoopBackOff}).
     *
     * @param namespace its namespace
     * @param name      its name
     * @return this cluster
     */
    public StandInCluster crashLoopAfterDeploy(String namespace, String name) {
        return afterDeploy("pod " + namespace + " " + name + " Pending 0 1 false - - 1 crash");
    }

    /**
     * After the next deploy a start-up job that fails for good (and its failed pod).
     *
     * @param namespace its namespace
     * @param name      the job's name
     * @return this cluster
     */
    public StandInCluster failedJobAfterDeploy(String namespace, String name) {
        return afterDeploy("pod " + namespace + " " + name + "-f4il Failed 0 1 false Error " + name + " 0 -",
                "job " + namespace + " " + name + " running 1 failed");
    }

    /**
     * The next deploy script run prints this and exits with this code, changing nothing.
     *
     * @param exitCode its exit code
     * @param output   what it prints
     * @return this cluster
     */
    public StandInCluster deployFails(int exitCode, String output) {
        return write("deploy-fails", Integer.toString(exitCode)).write("deploy-fails.out", output + "\n");
    }

    /**
     * The next undeploy script run prints this and exits with this code, changing nothing.
     *
     * @param exitCode its exit code
     * @param output   what it prints
     * @return this cluster
     */
    public StandInCluster undeployFails(int exitCode, String output) {
        return write("undeploy-fails", Integer.toString(exitCode)).write("undeploy-fails.out", output + "\n");
    }

    /**
     * Whether helm and kubectl find the cluster unreachable (connection refused).
     *
     * @param unreachable {@code true} to make it unreachable
     * @return this cluster
     */
    public StandInCluster unreachable(boolean unreachable) {
        try {
            if (unreachable) {
                Files.writeString(state.resolve("unreachable"), "");
            } else {
                Files.deleteIfExists(state.resolve("unreachable"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * Removes a stand-in program ({@code helm} or {@code kubectl}) from the bin folder.
     *
     * @param program its name
     * @return this cluster
     */
    public StandInCluster remove(String program) {
        try {
            Files.deleteIfExists(binDirectory().resolve(program));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * Makes the stand-in undeploy and deploy move a simulated platform too: a watcher thread calls
     * {@link SimulatedPlatform#undeploy()} or {@link SimulatedPlatform#deploy()} for each request the scripts write and
     * acknowledges it, and only then do the pods of that request move on. Stopped by {@link #close()}.
     *
     * @param platform the simulated platform
     * @return this cluster
     */
    public synchronized StandInCluster drive(SimulatedPlatform platform) {
        Objects.requireNonNull(platform, "platform");
        write("drive", "");
        if (watcher == null) {
            watcher = new Thread(() -> watch(platform), "stand-in-cluster-driver");
            watcher.setDaemon(true);
            watcher.start();
        }
        return this;
    }

    private void watch(SimulatedPlatform platform) {
        Path requests = state.resolve("requests");
        Path acks = state.resolve("acks");
        while (!closed) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(requests)) {
                List<Path> open = new ArrayList<>();
                ds.forEach(open::add);
                open.sort(Path::compareTo);
                for (Path request : open) {
                    String name = request.getFileName().toString();
                    if (Files.exists(acks.resolve(name)) || Files.exists(acks.resolve(name + ".failed"))) {
                        continue;
                    }
                    try {
                        if (name.endsWith("-undeploy")) {
                            platform.undeploy();
                        } else {
                            platform.deploy();
                        }
                        Files.writeString(acks.resolve(name), "");
                    } catch (RuntimeException e) {
                        LOG.error("Stand-in cluster: the simulated platform could not follow {}: {}", name, e.toString());
                        Files.writeString(acks.resolve(name + ".failed"), e.toString());
                    }
                }
                Thread.sleep(10);
            } catch (IOException e) {
                LOG.warn("Stand-in cluster watcher: {}", e.toString());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * The folder holding the stand-in {@code helm} and {@code kubectl}.
     *
     * @return {@code <dir>/bin}
     */
    public Path binDirectory() {
        return root.resolve("bin");
    }

    /**
     * A search path holding only the stand-ins (the scripts find their own utilities in {@code /usr/bin:/bin}).
     *
     * @return the bin folder as a {@code PATH} value
     */
    public String searchPath() {
        return binDirectory().toString();
    }

    /**
     * The stand-in of 0.4.2's deploy script.
     *
     * @return {@code <dir>/kaapana-0.4.2/deploy_platform.sh}
     */
    public Path undeployScript() {
        return root.resolve("kaapana-0.4.2/deploy_platform.sh");
    }

    /**
     * The stand-in of 0.5.2's deploy script ({@code PLATFORM_VERSION="0.5.2"}).
     *
     * @return {@code <dir>/kaapana-0.5.2/deploy_platform.sh}
     */
    public Path deployScript() {
        return root.resolve("kaapana-0.5.2/deploy_platform.sh");
    }

    /**
     * Every call of a stand-in, in order: the program, its arguments and the {@code KUBECONFIG} it saw (the scripts also
     * their {@code USER}).
     *
     * @return the lines
     */
    public List<String> invocations() {
        return lines(state.resolve("invocations.log"));
    }

    /**
     * The state as the stand-ins keep it, one line per release, pod and job (fields: kind, namespace, name, then for a
     * pod phase, containers ready, containers, terminating, reason, owning job, countdown, next).
     *
     * @return the lines
     */
    public List<String> state() {
        return lines(state.resolve("state"));
    }

    /**
     * The pods now, as {@code namespace/name}.
     *
     * @return the pods
     */
    public List<String> pods() {
        return state().stream().filter(l -> l.startsWith("pod ")).map(l -> l.split(" ")[1] + "/" + l.split(" ")[2])
                .toList();
    }

    private StandInCluster afterDeploy(String... lines) {
        try {
            Files.write(state.resolve("after-deploy"), List.of(lines), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    private synchronized StandInCluster add(String... lines) {
        Path lock = state.resolve("lock");
        try {
            for (int i = 0; ; i++) {
                try {
                    Files.createDirectory(lock);
                    break;
                } catch (FileAlreadyExistsException e) {
                    if (i > 1000) {
                        throw new IllegalStateException("The stand-in state is locked: " + lock);
                    }
                    Thread.sleep(10);
                }
            }
            try {
                Files.write(state.resolve("state"), List.of(lines), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            } finally {
                Files.delete(lock);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return this;
    }

    private StandInCluster write(String file, String content) {
        try {
            Files.writeString(state.resolve(file), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the watcher of {@link #drive}. */
    @Override
    public synchronized void close() {
        closed = true;
        if (watcher != null) {
            watcher.interrupt();
            try {
                watcher.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
