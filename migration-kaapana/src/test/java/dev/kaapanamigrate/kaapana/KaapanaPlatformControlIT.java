package dev.kaapanamigrate.kaapana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationEvent;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.MigrationListener;
import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.testkit.StandInCluster;
import dev.kaapanamigrate.testkit.ReliabilityCounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KaapanaPlatformControl} against the testkit's stand-in helm, kubectl and deploy scripts (real processes, a
 * shared state file; no cluster anywhere): the search path holds only the stand-ins.
 */
@ExtendWith(ReliabilityCounts.class)
class KaapanaPlatformControlIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private StandInCluster cluster;
    private Path fast;

    @BeforeEach
    void setUp() throws Exception {
        cluster = StandInCluster.create(tmp.resolve("host"));
        fast = Files.createDirectories(tmp.resolve("fast"));
    }

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private KaapanaPlatformControl.Builder control() {
        return KaapanaPlatformControl.builder()
                .searchPath(cluster.searchPath())
                .undeployScript(cluster.undeployScript())
                .deployScript(cluster.deployScript())
                .fastDataDir(fast)
                .pollInterval(Duration.ofMillis(20));
    }

    @Test
    void undeployRunsTheScriptQuietlyAndWaitsUntilNothingOfKaapanaIsLeftWhileOtherAddOnsKeepRunning() {
        cluster.runningSource();
        KaapanaPlatformControl control = control().build();
        assertThat(control.current()).isEqualTo(PlatformState.SOURCE_RUNNING);

        control.undeploy();
        assertThat(control.current()).as("pods still terminating right after the script").isEqualTo(
                PlatformState.SOURCE_RUNNING);
        control.awaitUndeployed(WAIT);

        assertThat(control.current()).isEqualTo(PlatformState.UNDEPLOYED);
        assertThat(cluster.pods()).containsExactly("kube-system/coredns-7745f9f87f-x2");
        assertThat(cluster.state()).anyMatch(l -> l.startsWith("release gpu-operator gpu-operator"));
        assertThat(cluster.invocations()).anyMatch(l -> l.startsWith("deploy_platform.sh(0.4.2) --quiet --undeploy"));
        assertThat(cluster.invocations()).anyMatch(l -> l.startsWith("helm list --all-namespaces --all --output json"))
                .anyMatch(l -> l.startsWith("kubectl get pods --all-namespaces --output json"));

        List<PlatformCommand> commands = control.commands();
        PlatformCommand script = commands.stream().filter(c -> c.purpose().equals("undeploy Kaapana 0.4")).findFirst()
                .orElseThrow();
        assertThat(script.succeeded()).isTrue();
        assertThat(script.commandLine()).endsWith(cluster.undeployScript().toString(), "--quiet", "--undeploy");
        assertThat(script.output()).contains("UNDEPLOYMENT DONE", "QUIET-MODE active!");
        List<PlatformCommand> polls = commands.stream().filter(c -> c.purpose().startsWith("wait until undeployed"))
                .toList();
        assertThat(polls).as("the wait saw terminating pods before they were gone")
                .anyMatch(c -> c.output().contains("services/postgres-backend-7c9d (Terminating)"))
                .anyMatch(c -> c.output().contains("default/kaapana-admin-chart (kaapana-admin-chart-0.4.2, uninstalling)")
                        || c.output().contains("0 release(s) of Kaapana"));
        String lastPoll = polls.get(polls.size() - 1).purpose();
        assertThat(polls).filteredOn(c -> c.purpose().equals(lastPoll)).extracting(PlatformCommand::output)
                .anyMatch(o -> o.startsWith("0 release(s) of Kaapana"))
                .anyMatch(o -> o.startsWith("0 pod(s) in admin, services, extensions, jobs, project-*"));
        assertThat(commands).as("pod specifications (with their passwords) are never recorded")
                .noneMatch(c -> c.output().contains("standin-pod-secret"));
    }

    @Test
    void aPodThatNeverGoesAwayGivesATimeoutNamingIt() throws Exception {
        cluster.runningSource().podThatNeverGoesAway("services", "stuck-postgres-0");
        KaapanaPlatformControl control = control().build();
        control.undeploy();
        List<String> before = KaapanaMigrationIT.tree(fast);

        assertThatThrownBy(() -> control.awaitUndeployed(Duration.ofSeconds(2)))
                .isInstanceOfSatisfying(MigrationException.class, e -> {
                    assertThat(e.code()).isEqualTo(KaapanaErrorCode.PLATFORM_TIMEOUT);
                    assertThat(e.problem().orElseThrow().found()).contains("after 2 s", "still there",
                            "pod services/stuck-postgres-0 (Terminating)")
                            .doesNotContain("postgres-backend-7c9d", "coredns");
                    assertThat(e.problem().orElseThrow().expected()).contains("undeployed (no release and no pod");
                    assertThat(e.problem().orElseThrow().fix()).contains("look at what is named with kubectl");
                });
        assertThat(control.current()).isEqualTo(PlatformState.SOURCE_RUNNING);
        assertThat(KaapanaMigrationIT.tree(fast)).isEqualTo(before);
        ReliabilityCounts.proved(KaapanaPlatformControlIT.class,
                "bad input: a platform that never finishes undeploying, coded PLATFORM_TIMEOUT, still SOURCE_RUNNING, FAST unchanged");
    }

    @Test
    void aMissingBinaryGivesAClearError() throws Exception {
        cluster.runningSource().remove("helm");
        List<String> before = KaapanaMigrationIT.tree(fast);
        KaapanaPlatformControl control = control().build();
        assertThatThrownBy(control::current).isInstanceOfSatisfying(MigrationException.class, e -> {
            assertThat(e.code()).isEqualTo(KaapanaErrorCode.TOOL_MISSING);
            assertThat(e.getMessage()).contains("helm is not on the PATH (" + cluster.searchPath() + ")",
                    "KaapanaPlatformControl.Builder.helm(path)");
        });

        KaapanaPlatformControl configured = control().helm(tmp.resolve("nowhere/helm")).build();
        assertThatThrownBy(configured::current).isInstanceOfSatisfying(MigrationException.class, e -> {
            assertThat(e.code()).isEqualTo(KaapanaErrorCode.TOOL_MISSING);
            assertThat(e.getMessage()).contains("helm configured as " + tmp.resolve("nowhere/helm"), "does not exist");
        });

        KaapanaPlatformControl noScript = control().undeployScript(tmp.resolve("kaapana-0.4.2/deploy_platform.sh"))
                .helm(cluster.binDirectory().resolve("kubectl")).build();
        assertThatThrownBy(noScript::undeploy).isInstanceOfSatisfying(MigrationException.class, e -> {
            assertThat(e.code()).isEqualTo(KaapanaErrorCode.TOOL_MISSING);
            assertThat(e.getMessage()).contains("the deploy script", "does not exist");
        });
        assertThat(KaapanaMigrationIT.tree(fast)).isEqualTo(before);
        ReliabilityCounts.proved(KaapanaPlatformControlIT.class,
                "bad input: a missing helm or deploy script, coded TOOL_MISSING with where it was looked for and the fix, FAST unchanged");
    }

    @Test
    void anUnreachableClusterGivesACodedErrorWithKubectlsMessage() throws Exception {
        cluster.runningSource().unreachable(true);
        List<String> before = KaapanaMigrationIT.tree(fast);
        KaapanaPlatformControl control = control().build();
        assertThatThrownBy(control::current).isInstanceOfSatisfying(MigrationException.class, e -> {
            assertThat(e.code()).isEqualTo(KaapanaErrorCode.CLUSTER_UNREACHABLE);
            assertThat(e.getMessage()).contains("Kubernetes cluster unreachable", "microk8s status");
        });
        assertThat(control.commands()).singleElement().satisfies(c -> {
            assertThat(c.succeeded()).isFalse();
            assertThat(c.output()).contains("connection refused");
        });
        assertThat(KaapanaMigrationIT.tree(fast)).isEqualTo(before);
        ReliabilityCounts.proved(KaapanaPlatformControlIT.class,
                "bad input: an unreachable cluster, coded CLUSTER_UNREACHABLE with kubectl's message and the fix, FAST unchanged");
    }

    @Test
    void deployWaitsForEveryPodTheStartUpJobAndThePlatformChart() throws Exception {
        Files.writeString(fast.resolve("version"), "0.5.2\n");
        KaapanaPlatformControl control = control().build();
        assertThat(control.current()).isEqualTo(PlatformState.UNDEPLOYED);

        control.deploy();
        control.awaitReady(WAIT);

        assertThat(cluster.state()).filteredOn(l -> l.startsWith("pod "))
                .allSatisfy(l -> assertThat(l).matches("pod \\S+ \\S+ (Running (\\d) \\2|Succeeded 0) .*"));
        assertThat(cluster.state()).contains("job services init-projects complete 0 -")
                .anyMatch(l -> l.startsWith("release default kaapana-platform-chart kaapana-platform-chart-0.5.2 0.5.2 deployed"));
        assertThat(control.current()).isEqualTo(PlatformState.TARGET_RUNNING);
        List<PlatformCommand> polls = control.commands().stream().filter(c -> c.purpose().startsWith("wait until ready"))
                .toList();
        assertThat(polls).as("it saw what was not ready yet")
                .anyMatch(c -> c.output().contains("services/airflow-webserver-6f7c (ContainerCreating)"))
                .anyMatch(c -> c.output().contains("services/init-projects (running)"))
                .anyMatch(c -> c.output().contains("kaapana-platform-chart-0.5.2, pending-install"));
        assertThat(control.commands()).filteredOn(c -> c.purpose().equals("deploy Kaapana 0.5")).singleElement()
                .satisfies(c -> assertThat(c.output()).contains("Deployment done.", "password: ****")
                        .doesNotContain("Kaapana2020!"));
    }

    @Test
    void aPodThatNeverBecomesReadyGivesATimeoutNamingItAndAFailedStartUpJobFailsAtOnce() throws Exception {
        Files.writeString(fast.resolve("version"), "0.5.2\n");
        List<String> before = KaapanaMigrationIT.tree(fast);
        cluster.crashLoopAfterDeploy("services", "dicom-web-filter-0");
        KaapanaPlatformControl control = control().build();
        control.deploy();
        assertThatThrownBy(() -> control.awaitReady(Duration.ofSeconds(3)))
                .isInstanceOfSatisfying(MigrationException.class, e -> {
                    assertThat(e.code()).isEqualTo(KaapanaErrorCode.PLATFORM_TIMEOUT);
                    assertThat(e.problem().orElseThrow().found())
                            .contains("pod services/dicom-web-filter-0 (CrashLoopBackOff, 0/1 ready)")
                            .doesNotContain("airflow-webserver");
                });

        StandInCluster other = StandInCluster.create(tmp.resolve("host2")).failedJobAfterDeploy("services",
                "init-projects-extra");
        try {
            KaapanaPlatformControl second = control().searchPath(other.searchPath()).deployScript(other.deployScript())
                    .build();
            second.deploy();
            assertThatThrownBy(() -> second.awaitReady(WAIT)).isInstanceOfSatisfying(MigrationException.class, e -> {
                assertThat(e.code()).isEqualTo(KaapanaErrorCode.PLATFORM_TIMEOUT);
                assertThat(e.problem().orElseThrow().found()).contains(
                        "start-up job services/init-projects-extra (failed after 6 failed pod(s))");
                assertThat(e.problem().orElseThrow().fix()).contains("logs job/<name>");
                assertThat(e.problem().orElseThrow().expected()).isNotBlank();
            });
        } finally {
            other.close();
        }
        assertThat(KaapanaMigrationIT.tree(fast)).isEqualTo(before);
        ReliabilityCounts.proved(KaapanaPlatformControlIT.class, "bad input: a start-up job that fails for good, "
                + "coded PLATFORM_TIMEOUT at once with the job and the fix, FAST unchanged");
    }

    @Test
    void aFailingDeployScriptIsReportedWithItsOutputAndSecretsMasked() throws Exception {
        Files.writeString(fast.resolve("version"), "0.5.2\n");
        cluster.deployFails(3, "Helm login registry...\nError: failed to authorize: password=hunter2-registry\n"
                + "Could not pull chart! -> abort");
        List<PlatformCommand> seen = new CopyOnWriteArrayList<>();
        KaapanaPlatformControl control = control().registryCredentials("kaapana-ci", "hunter2-registry")
                .onCommand(seen::add).build();
        List<String> before = KaapanaMigrationIT.tree(fast);

        assertThatThrownBy(control::deploy).isInstanceOfSatisfying(MigrationException.class, e -> {
            assertThat(e.code()).isEqualTo(KaapanaErrorCode.DEPLOY_SCRIPT_FAILED);
            assertThat(e.getMessage()).contains("exited with 3", "Could not pull chart! -> abort",
                    "--username kaapana-ci --password ****").doesNotContain("hunter2");
            assertThat(e.problem().orElseThrow().expected()).isEqualTo("the script to end with exit code 0");
            assertThat(e.problem().orElseThrow().fix()).contains("read its output", "fix the cause");
        });
        assertThat(KaapanaMigrationIT.tree(fast)).isEqualTo(before);
        PlatformCommand script = control.commands().get(control.commands().size() - 1);
        assertThat(script.exitCode()).isEqualTo(3);
        assertThat(script.output()).contains("SET CONTAINER_REGISTRY_PASSWORD!", "password=****")
                .doesNotContain("hunter2");
        assertThat(script.commandLine()).contains("--password", "****").doesNotContain("hunter2-registry");
        assertThat(seen).containsExactlyElementsOf(control.commands());
        assertThat(cluster.invocations()).as("the script itself got the real password")
                .anyMatch(l -> l.contains("--password hunter2-registry"));
        ReliabilityCounts.proved(KaapanaPlatformControlIT.class,
                "bad input: a deploy script that fails, coded DEPLOY_SCRIPT_FAILED, secrets masked, FAST unchanged");
    }

    @Test
    void deployIsRefusedWhenTheScriptWouldDeployAnotherVersionThanTheMarkerSays() throws Exception {
        KaapanaPlatformControl control = control().build();
        assertThatThrownBy(control::deploy).isInstanceOfSatisfying(MigrationException.class, e -> {
            assertThat(e.code()).isEqualTo(KaapanaErrorCode.DEPLOY_REFUSED);
            assertThat(e.getMessage()).contains(fast.resolve("version") + " does not exist");
        });
        Files.writeString(fast.resolve("version"), "0.5.3\n");
        List<String> before = KaapanaMigrationIT.tree(fast);
        assertThatThrownBy(control::deploy).isInstanceOfSatisfying(MigrationException.class, e -> {
            assertThat(e.code()).isEqualTo(KaapanaErrorCode.DEPLOY_REFUSED);
            assertThat(e.getMessage()).contains("deploys 0.5.2 (PLATFORM_VERSION)", "says 0.5.3");
        });
        assertThat(cluster.invocations()).noneMatch(l -> l.startsWith("deploy_platform.sh"));
        assertThat(KaapanaMigrationIT.tree(fast)).isEqualTo(before);
        ReliabilityCounts.proved(KaapanaPlatformControlIT.class,
                "bad input: a deploy script of another version than FAST/version refused, coded DEPLOY_REFUSED, the script never ran, FAST unchanged");
    }

    @Test
    void theScriptsRunAsTheConfiguredUser() throws Exception {
        assumeTrue(dev.kaapanamigrate.pgserver.os.Posix.isRoot(), "switching users needs root");
        cluster.runningSource();
        // the stand-in's folders must be usable by another user
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
        try (Stream<Path> s = Files.walk(tmp.resolve("host"))) {
            for (Path p : s.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxrwxrwx"
                        : Files.isExecutable(p) ? "rwxr-xr-x" : "rw-rw-rw-"));
            }
        }
        KaapanaPlatformControl control = control().scriptUser("nobody").build();
        control.undeploy();
        assertThat(cluster.invocations()).anyMatch(l -> l.startsWith("deploy_platform.sh(0.4.2) --quiet --undeploy")
                && l.contains("USER=nobody"));
        assertThat(control.commands().get(control.commands().size() - 1).commandLine()).startsWith(
                "/usr/bin/setpriv", "--reuid=65534");
    }

    @Test
    void theConfiguredKubeconfigReachesHelmAndKubectl() {
        Path kubeconfig = tmp.resolve("kube/config");
        KaapanaPlatformControl control = control().kubeconfig(kubeconfig).build();
        assertThat(control.current()).isEqualTo(PlatformState.UNDEPLOYED);
        assertThat(cluster.invocations()).filteredOn(l -> l.startsWith("helm") || l.startsWith("kubectl")).hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("--kubeconfig " + kubeconfig, "KUBECONFIG=" + kubeconfig));
    }

    @Test
    void theStateFollowsThePlatformChartsVersionAndElseTheVersionMarker() throws Exception {
        cluster.runningTarget();
        assertThat(control().build().current()).isEqualTo(PlatformState.TARGET_RUNNING);

        StandInCluster custom = StandInCluster.create(tmp.resolve("host3"));
        try {
            custom.runningSource();
            KaapanaPlatformControl renamed = control().searchPath(custom.searchPath()).platformCharts("site-platform")
                    .build();
            assertThat(renamed.current()).as("no platform chart with a version, no marker: 0.4").isEqualTo(
                    PlatformState.SOURCE_RUNNING);
            Files.writeString(fast.resolve("version"), "0.5.2\n");
            assertThat(renamed.current()).as("the marker says 0.5").isEqualTo(PlatformState.TARGET_RUNNING);
        } finally {
            custom.close();
        }
    }

    @Test
    void aPlanMovesThePlatformThroughTheControlAndReportsTheTransitions() throws Exception {
        cluster.runningSource();
        Path marker = fast.resolve("version");
        List<MigrationEvent.PlatformTransition> transitions = new ArrayList<>();
        KaapanaPlatformControl control = control().build();
        MigrationPlan plan = MigrationPlan.builder()
                .step(new MarkerStep(marker))
                .step(new ReadyStep(), MarkerStep.ID)
                .platformControl(control)
                .stateDirectory(fast.resolve(".kaapana-migrate"))
                .platformTimeout(WAIT)
                .listener(new MigrationListener() {
                    @Override
                    public void platformTransition(MigrationEvent.PlatformTransition event) {
                        transitions.add(event);
                    }
                })
                .build();

        MigrationResult result = plan.run();

        assertThat(result.status()).as(result.message()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(transitions).extracting(MigrationEvent.PlatformTransition::to)
                .containsExactly(PlatformState.UNDEPLOYED, PlatformState.TARGET_RUNNING);
        assertThat(control.current()).isEqualTo(PlatformState.TARGET_RUNNING);
        assertThat(control.commands()).extracting(PlatformCommand::purpose)
                .contains("undeploy Kaapana 0.4", "deploy Kaapana 0.5");
    }

    /** Writes 0.5.2 to the version marker while undeployed, as kaapana.write-version does. */
    private record MarkerStep(Path marker) implements MigrationStep {
        static final String ID = "test.marker";

        @Override
        public String id() {
            return ID;
        }

        @Override
        public String description() {
            return "write the marker";
        }

        @Override
        public StepCheck check(MigrationContext ctx) {
            return Files.exists(marker) ? StepCheck.upToDate("there") : StepCheck.pending(List.of(Change.of(
                    Change.Kind.CREATE, marker.toString())));
        }

        @Override
        public List<Change> apply(MigrationContext ctx) {
            try {
                Files.writeString(marker, "0.5.2\n");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return List.of(Change.of(Change.Kind.CREATE, marker.toString()));
        }

        @Override
        public Verification verify(MigrationContext ctx) {
            return Verification.builder().expect("marker", true, Files.exists(marker)).build();
        }
    }

    /** A step of the 0.5 state: it only sees the platform running. */
    private static final class ReadyStep implements MigrationStep {
        @Override
        public String id() {
            return "test.ready";
        }

        @Override
        public String description() {
            return "runs with 0.5";
        }

        @Override
        public PlatformState requiredState() {
            return PlatformState.TARGET_RUNNING;
        }

        @Override
        public StepCheck check(MigrationContext ctx) {
            return StepCheck.upToDate("nothing to do");
        }

        @Override
        public List<Change> apply(MigrationContext ctx) {
            return List.of();
        }

        @Override
        public Verification verify(MigrationContext ctx) {
            return Verification.builder().expect("platform state", PlatformState.TARGET_RUNNING, ctx.platformState())
                    .build();
        }
    }
}
