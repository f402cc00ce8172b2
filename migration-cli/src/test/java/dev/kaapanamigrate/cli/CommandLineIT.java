package dev.kaapanamigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.ReliabilityCounts;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line end to end, each command a forked {@code java -jar target/kaapana-migrate.jar} on a generated 0.4.2
 * installation: usage errors and a secret given as an argument exit 2 without echoing it; check changes nothing and
 * writes both reports; run ("I undeployed myself", a store configured) migrates the databases and pauses for 0.5 with
 * exit 5, its secret (from the environment) in no output and no report; report renders; restore puts the 0.4 folders
 * back; a run while another holds the lock exits 7; resume then has nothing to resume.
 */
@KaapanaInstallation
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ReliabilityCounts.class)
class CommandLineIT {

    private static final String SECRET = "Sup3r-s3cret-minio-key-7f1c";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    /** What a forked command printed and how it exited. */
    record Outcome(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private static Outcome kaapanaMigrate(Map<String, String> env, String... args) throws Exception {
        Path jar = Path.of("target", "kaapana-migrate.jar").toAbsolutePath();
        assertThat(jar).as("the runnable jar (mvn package)").exists();
        ProcessBuilder pb = new ProcessBuilder(KaapanaMigrateJar.command(List.of(args))).directory(work.toFile())
                .redirectOutput(work.resolve("out.txt").toFile()).redirectError(work.resolve("err.txt").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("KAAPANA_MIGRATE_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close(); // no terminal, no answers
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("the command ends").isTrue();
        return new Outcome(p.exitValue(), Files.readString(work.resolve("out.txt")),
                Files.readString(work.resolve("err.txt")));
    }

    private static String[] installation(GeneratedInstallation install, String command, String... more) {
        List<String> args = new ArrayList<>(List.of(command, "--fast-data-dir", install.fastDataDir().toString(),
                "--platform", "undeployed"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    @Order(0)
    void badUsageExits2WithTheFixAndASecretArgumentIsNeverEchoed(GeneratedInstallation install) throws Exception {
        assumeTrue("musl".equals(install.manifest().postgresLibc().toLowerCase(Locale.ROOT)),
                "the command line's temporary servers run the musl build");
        List<String> before = tree(install.fastDataDir());

        Outcome secret = kaapanaMigrate(Map.of(), installation(install, "run", "--yes", "--minio-secret-key", SECRET));
        Outcome unknown = kaapanaMigrate(Map.of(), "check", "--fast-data-dir", install.fastDataDir().toString(),
                "--platfrom", "undeployed");
        Outcome noPlatform = kaapanaMigrate(Map.of(), "check", "--fast-data-dir", install.fastDataDir().toString());
        Outcome noJournal = kaapanaMigrate(Map.of(), installation(install, "resume", "--yes"));

        assertThat(secret.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(secret.err()).contains("refused", "KAAPANA_MIGRATE_MINIO_SECRET_KEY", "--minio-secret-key-file");
        assertThat(secret.all()).doesNotContain(SECRET);
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("--platfrom", "--platform");
        assertThat(noPlatform.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noPlatform.err()).contains("--platform is missing", "--platform undeployed");
        assertThat(noJournal.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noJournal.err()).contains("nothing to resume");
        Path empty = Files.createDirectories(work.resolve("empty-fast"));
        Outcome blocked = kaapanaMigrate(Map.of(), "check", "--fast-data-dir", empty.toString(), "--platform",
                "undeployed", "--quiet");
        assertThat(blocked.exitCode()).as(blocked.all()).isEqualTo(ExitCodes.BLOCKED);
        assertThat(blocked.out()).contains("Dry-run: BLOCKED", "is empty (a fresh install)");
        Outcome badMode = kaapanaMigrate(Map.of(), installation(install, "check", "--databases", "servers",
                "--database-sslmode", "bogus"));
        assertThat(badMode.exitCode()).as(badMode.all()).isEqualTo(ExitCodes.USAGE);
        assertThat(badMode.err()).contains("--database-sslmode bogus is not a mode", "verify-full");
        Path ca = Files.writeString(work.resolve("ca.pem"), "not a certificate");
        Outcome noStore = kaapanaMigrate(Map.of(), installation(install, "check", "--insecure"));
        assertThat(noStore.exitCode()).as(noStore.all()).isEqualTo(ExitCodes.USAGE);
        assertThat(noStore.err()).contains("--insecure is given without a store", "--minio-url", "leave it out");
        Outcome contradiction = kaapanaMigrate(Map.of("KAAPANA_MIGRATE_MINIO_SECRET_KEY", SECRET),
                installation(install, "check", "--minio-url", "https://127.0.0.1:1", "--minio-access-key",
                        "kaapanaminio", "--ca-file", ca.toString(), "--insecure"));
        assertThat(contradiction.exitCode()).as(contradiction.all()).isEqualTo(ExitCodes.USAGE);
        assertThat(contradiction.err()).contains("--ca-file and --insecure contradict each other", "keep --ca-file");
        Path missing = work.resolve("no-such-fast-data-dir");
        Outcome noFolder = kaapanaMigrate(Map.of(), "check", "--fast-data-dir", missing.toString(), "--platform",
                "undeployed");
        assertThat(noFolder.exitCode()).as(noFolder.all()).isEqualTo(ExitCodes.USAGE);
        assertThat(noFolder.err()).contains("--fast-data-dir " + missing + " does not exist", "FAST_DATA_DIR",
                "typo");
        assertThat(missing).doesNotExist();
        Outcome jsonPrompt = kaapanaMigrate(Map.of(), installation(install, "run", "--json"));
        assertThat(jsonPrompt.exitCode()).as(jsonPrompt.all()).isEqualTo(ExitCodes.USAGE);
        assertThat(jsonPrompt.err()).contains("--json needs --yes");
        Outcome badUrl = kaapanaMigrate(Map.of("KAAPANA_MIGRATE_MINIO_SECRET_KEY", SECRET), installation(install,
                "check", "--minio-url", "http://bad host:9000", "--minio-access-key", "kaapanaminio"));
        assertThat(badUrl.exitCode()).as(badUrl.all()).isEqualTo(ExitCodes.USAGE);
        assertThat(badUrl.err()).contains("--minio-url http://bad host:9000 is not a URL MinIO accepts",
                "expected https://host[:port]");
        assertThat(badUrl.all()).doesNotContain(SECRET);
        assertThat(tree(install.fastDataDir())).as("nothing changed").isEqualTo(before);
        for (String claim : List.of("an unknown --database-sslmode refused (exit 2) listing the modes",
                "--insecure without a store refused (exit 2) naming the options it applies to",
                "--ca-file with --insecure refused (exit 2) as contradicting, keep --ca-file",
                "a --fast-data-dir that does not exist refused (exit 2), nothing created",
                "run --json without --yes refused (exit 2): a program cannot answer the prompt",
                "a --minio-url that is no URL refused (exit 2) with the expected form, the secret never echoed",
                "a secret given as an argument refused (exit 2) with the fix, never echoed",
                "a misspelt option (--platfrom) refused (exit 2) naming it and the right one",
                "a missing --platform refused (exit 2) with the option to give",
                "resume without a journal refused (exit 2): nothing to resume")) {
            ReliabilityCounts.proved(CommandLineIT.class, "bad input: " + claim + ", FAST unchanged");
        }
    }

    @Test
    @Order(1)
    void checkChangesNothingAndWritesTheJsonReportAndThePage(GeneratedInstallation install) throws Exception {
        List<String> before = tree(install.fastDataDir());

        Outcome check = kaapanaMigrate(Map.of("KAAPANA_MIGRATE_REPORT", work.resolve("check.json").toString()),
                installation(install, "check"));

        assertThat(check.exitCode()).as(check.all()).isEqualTo(ExitCodes.OK);
        assertThat(check.out()).contains("Dry-run: nothing blocks", "checked postgres.rename-data-folders: 6 changes");
        assertThat(JSON.readTree(work.resolve("check.json").toFile()).path("kind").asText()).isEqualTo("preview");
        assertThat(Files.readString(work.resolve("check.html"))).contains("<html", "postgres.rename-data-folders");
        assertThat(tree(install.fastDataDir())).as("a dry-run changes nothing").isEqualTo(before);
    }

    @Test
    @Order(2)
    void runWithAStoreMigratesTheDatabasesAndPausesFor05WithoutLeakingItsSecret(GeneratedInstallation install)
            throws Exception {
        Outcome run = kaapanaMigrate(Map.of("KAAPANA_MIGRATE_MINIO_SECRET_KEY", SECRET),
                installation(install, "run", "--yes", "--slow-data-dir", install.slowDataDir().toString(),
                        "--minio-url", "http://127.0.0.1:9", "--minio-access-key", "kaapanaminio",
                        "--backup-dir", Files.createDirectories(work.resolve("backup")).toString(),
                        "--report", work.resolve("run.json").toString()));

        assertThat(run.exitCode()).as(run.all()).isEqualTo(ExitCodes.PAUSED);
        assertThat(run.out()).contains("Installation: migrated, not deployed", "Deploy 0.5.2");
        assertThat(install.fastDataDir().resolve("version")).hasContent("0.5.2");
        assertThat(install.folder05(KaapanaDatabase.BACKEND)).exists();
        JsonNode report = JSON.readTree(work.resolve("run.json").toFile());
        assertThat(report.path("result").path("status").asText()).isEqualTo("PAUSED");
        assertThat(report.path("installation").path("state").asText()).isEqualTo("MIGRATED_NOT_DEPLOYED");
        assertThat(run.all()).doesNotContain(SECRET);
        for (Path file : List.of(work.resolve("run.json"), work.resolve("run.html"))) {
            assertThat(Files.readString(file)).as(file.toString()).doesNotContain(SECRET);
        }
        try (Stream<Path> state = Files.walk(install.fastDataDir().resolve(".kaapana-migrate"))) {
            for (Path f : state.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain(SECRET);
            }
        }
    }

    @Test
    @Order(3)
    void verifyProvesTheDatabasesSaysTheStoresWereNotCheckedAndNamesALostDicomFile(GeneratedInstallation install) throws Exception {
        Outcome verify = kaapanaMigrate(Map.of(), installation(install, "verify", "--json", "--report",
                work.resolve("verify.json").toString()));

        assertThat(verify.exitCode()).as(verify.all()).isEqualTo(ExitCodes.INCOMPLETE);
        List<JsonNode> events = new ArrayList<>();
        for (String line : verify.out().split("\n")) {
            events.add(JSON.readTree(line)); // every line of --json output is one JSON event
        }
        assertThat(events).anySatisfy(e -> assertThat(e.path("event").asText()).isEqualTo("PlanFinished"));
        JsonNode report = JSON.readTree(work.resolve("verify.json").toFile()).path("result");
        assertThat(report.path("status").asText()).isEqualTo("INCOMPLETE");
        assertThat(report.path("operation").asText()).isEqualTo("VERIFY");

        Path dicom;
        try (Stream<Path> files = Files.walk(install.slowDataDir().resolve("dcm4che").resolve("dicom_data"))) {
            dicom = files.filter(Files::isRegularFile).sorted().findFirst().orElseThrow();
        }
        Files.delete(dicom); // a DICOM file the PACS inventory recorded, gone
        Outcome broken = kaapanaMigrate(Map.of(), installation(install, "verify", "--slow-data-dir",
                install.slowDataDir().toString(), "--report", work.resolve("broken-verify.json").toString()));
        assertThat(broken.exitCode()).as(broken.all()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(broken.out()).contains(dicom.getFileName().toString());
    }

    @Test
    @Order(4)
    void reportRendersASavedReport() throws Exception {
        Outcome report = kaapanaMigrate(Map.of(), "report", work.resolve("run.json").toString(), "--html",
                work.resolve("again.html").toString());

        assertThat(report.exitCode()).as(report.all()).isEqualTo(ExitCodes.OK);
        assertThat(report.out()).contains("Migration PAUSED", "Installation: migrated, not deployed");
        assertThat(Files.readString(work.resolve("again.html"))).contains("migrated, not deployed");
        String brokenJson = "{\"kind\": \"result\", \"formatVersion\": 2, \"steps\": 7";
        Files.writeString(work.resolve("broken.json"), brokenJson);
        Outcome broken = kaapanaMigrate(Map.of(), "report", work.resolve("broken.json").toString());
        assertThat(broken.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(broken.err()).contains("REPORT_INVALID", "Found: text that is not JSON",
                "expected: a kaapana-migrate report of kind 'run'",
                "Fix: read it with the kaapana-migrate version that wrote it, or pass the right file");
        assertThat(work.resolve("broken.json")).hasContent(brokenJson);
        try (Stream<Path> files = Files.list(work)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no page written").doesNotContain("broken.html");
        }
        ReliabilityCounts.proved(CommandLineIT.class,
                "bad input: a malformed JSON report given to report: REPORT_INVALID, file unchanged, no page");
    }

    @Test
    @Order(5)
    void restorePutsThe04FoldersBackAndThenThereIsNothingToResume(GeneratedInstallation install) throws Exception {
        Path lock = install.fastDataDir().resolve(".kaapana-migrate").resolve("run.lock");
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = channel.tryLock()) {
            assertThat(held).as("this test holds the run lock").isNotNull();
            Outcome concurrent = kaapanaMigrate(Map.of(), installation(install, "resume", "--yes"));
            assertThat(concurrent.exitCode()).as(concurrent.all()).isEqualTo(ExitCodes.CONCURRENT_RUN);
            assertThat(concurrent.err()).contains("holds the lock");
        }
        Outcome unconfirmed = kaapanaMigrate(Map.of(), installation(install, "restore", "--backup-dir",
                work.resolve("backup").toString()));
        assertThat(unconfirmed.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(install.folder05(KaapanaDatabase.BACKEND)).as("nothing restored without --yes").exists();

        Outcome restore = kaapanaMigrate(Map.of(), installation(install, "restore", "--yes", "--backup-dir",
                work.resolve("backup").toString()));

        assertThat(restore.exitCode()).as(restore.all()).isEqualTo(ExitCodes.OK);
        assertThat(restore.out()).contains("proven byte-identical");
        for (KaapanaDatabase db : KaapanaDatabase.values()) {
            assertThat(install.folder04(db).resolve("PG_VERSION")).exists();
            assertThat(install.folder05(db)).doesNotExist();
        }
        Outcome resume = kaapanaMigrate(Map.of(), installation(install, "resume", "--yes"));
        assertThat(resume.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(resume.err()).contains("nothing to resume");
    }

    static List<String> tree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.map(p -> {
                try {
                    return root.relativize(p) + " " + Files.getLastModifiedTime(p) + " "
                            + (Files.isRegularFile(p) ? Files.size(p) : -1);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList();
        }
    }
}
