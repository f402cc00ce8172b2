package dev.kaapanamigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import dev.kaapanamigrate.testkit.StandInCluster;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line moving a (simulated) platform through its own deploy script, helm and kubectl: the testkit's
 * stand-in scripts, on the PATH the command is given, move the simulated platform. A run from 0.4 running is killed with
 * SIGKILL in the middle of the database migrations; {@code resume} finishes it. Then {@code scan-workflows} names a
 * finding in the site's DAGs.
 */
@KaapanaInstallation
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CommandLineRecoveryIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    private static List<String> command(GeneratedInstallation install, StandInCluster cluster, String... args) {
        List<String> c = new ArrayList<>(List.of(args));
        c.addAll(List.of("--fast-data-dir", install.fastDataDir().toString(), "--platform", "kaapana",
                "--undeploy-script", cluster.undeployScript().toString(), "--deploy-script",
                cluster.deployScript().toString(), "--search-path", cluster.searchPath()));
        return KaapanaMigrateJar.command(c);
    }

    @Test
    @Order(1)
    void aRunThatUndeployed04AndWasKilledInTheDatabaseWorkIsFinishedByResume(GeneratedInstallation install,
            SimulatedPlatform platform) throws Exception {
        assumeTrue("musl".equals(install.manifest().postgresLibc().toLowerCase(Locale.ROOT)),
                "the command line's temporary servers run the musl build");
        platform.startSource();
        try (StandInCluster cluster = StandInCluster.create(work.resolve("host")).runningSource().drive(platform)) {
            Process run = new ProcessBuilder(command(install, cluster, "run", "--yes", "--report",
                    work.resolve("killed.json").toString())).directory(work.toFile())
                    .redirectError(work.resolve("killed-err.txt").toFile()).start();
            run.getOutputStream().close();
            CountDownLatch migrating = new CountDownLatch(1);
            List<String> lines = new ArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(run.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        synchronized (lines) {
                            lines.add(line);
                        }
                        if (line.contains("APPLIED postgres.migrate-access-information")) {
                            migrating.countDown();
                        }
                    }
                } catch (java.io.IOException e) {
                    // the process was killed
                }
                migrating.countDown();
            });
            reader.start();
            assertThat(migrating.await(5, TimeUnit.MINUTES)).as("the run reaches the database migrations").isTrue();
            // the migrations of dicom-web-filter and the backend still take seconds: the run is in the middle of its work
            assertThat(run.isAlive()).as("the run is still working when it is killed").isTrue();
            run.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
            assertThat(run.waitFor(1, TimeUnit.MINUTES)).isTrue();
            reader.join(10_000);
            synchronized (lines) {
                assertThat(lines).as("the killed run's output").anyMatch(l -> l.contains("platform: 0.4 running -> undeployed"));
            }
            assertThat(cluster.invocations()).anyMatch(l -> l.startsWith("deploy_platform.sh(0.4.2) --quiet --undeploy"));
            assertThat(platform.current()).isEqualTo(PlatformState.UNDEPLOYED);

            Process resume = new ProcessBuilder(command(install, cluster, "resume", "--yes", "--report",
                    work.resolve("resumed.json").toString())).directory(work.toFile())
                    .redirectOutput(work.resolve("resume-out.txt").toFile())
                    .redirectError(work.resolve("resume-err.txt").toFile()).start();
            resume.getOutputStream().close();
            assertThat(resume.waitFor(10, TimeUnit.MINUTES)).isTrue();

            String output = Files.readString(work.resolve("resume-out.txt")) + Files.readString(work.resolve(
                    "resume-err.txt"));
            // no store client given: every step done, the object store and the index reported as not checked
            assertThat(resume.exitValue()).as(output).isEqualTo(ExitCodes.INCOMPLETE);
            assertThat(install.fastDataDir().resolve("version")).hasContent("0.5.2");
            for (KaapanaDatabase db : KaapanaDatabase.values()) {
                assertThat(install.folder05(db).resolve("PG_VERSION")).exists();
            }
            JsonNode steps = JSON.readTree(work.resolve("resumed.json").toFile()).path("result").path("steps");
            List<String> statuses = new ArrayList<>();
            steps.forEach(s -> statuses.add(s.path("stepId").asText() + " " + s.path("status").asText()));
            assertThat(statuses).as("the steps done before the kill are confirmed, not redone")
                    .contains("postgres.rename-data-folders VERIFIED_EARLIER",
                            "postgres.migrate-access-information VERIFIED_EARLIER");
            assertThat(statuses).allMatch(s -> s.endsWith(" VERIFIED_EARLIER") || s.endsWith(" APPLIED")
                    || s.endsWith(" UP_TO_DATE") || s.endsWith(" VERIFIED"), "every step done");
        } finally {
            platform.undeploy();
        }
    }

    @Test
    @Order(2)
    void scanWorkflowsNamesEachFindingWithFileLineAndRule(GeneratedInstallation install) throws Exception {
        Path dag = Files.createDirectories(install.fastDataDir().resolve("workflows").resolve("dags"))
                .resolve("site_dag.py");
        Files.writeString(dag, "def start(conf):\n    return conf[\"form_data\"][\"project\"]\n");

        Process scan = new ProcessBuilder(KaapanaMigrateJar.command(List.of("scan-workflows", "--fast-data-dir",
                install.fastDataDir().toString()))).directory(work.toFile())
                .redirectOutput(work.resolve("scan.txt").toFile()).redirectErrorStream(false)
                .redirectError(work.resolve("scan-err.txt").toFile()).start();
        assertThat(scan.waitFor(2, TimeUnit.MINUTES)).isTrue();

        String out = Files.readString(work.resolve("scan.txt"));
        assertThat(scan.exitValue()).as(out + Files.readString(work.resolve("scan-err.txt"))).isEqualTo(ExitCodes.OK);
        assertThat(out).contains("site_dag.py:2:", "BREAKS", "form_data", "workflow_form");
        Files.delete(dag);
    }
}
