package dev.kaapanamigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.ReliabilityCounts;
import dev.kaapanamigrate.testkit.StandInCluster;
import dev.kaapanamigrate.testkit.backends.BackendMode;
import dev.kaapanamigrate.testkit.backends.ObjectStore;
import dev.kaapanamigrate.testkit.backends.SearchNode;
import dev.kaapanamigrate.testkit.backends.TestBackends;
import dev.kaapanamigrate.testkit.security.SecurityStandIn;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability suite, secrets: the command line in JVMs of its own, with every secret it can be given (MinIO's access
 * and secret key from the environment, OpenSearch's password from a file, behind a security stand-in that demands
 * it) and the database passwords the postgres steps log in with and align, runs {@code check}, {@code run},
 * {@code verify}, and two failures (a wrong MinIO secret, a wrong OpenSearch password). Then every line it printed
 * (standard output, and standard error where its SLF4J log goes), every file in the state directory and every report
 * (JSON and HTML) is searched for each secret, plain and encoded (Base64 with and without padding, URL-safe Base64,
 * URL encoding, hex, and the HTTP basic-authentication value {@code user:password}): none is found. The counts of what
 * was searched are printed.
 */
@KaapanaInstallation
@ExtendWith(ReliabilityCounts.class)
class CommandLineSecretsIT {

    private static final String ACCESS_KEY = "sweep-access-4e7a";
    private static final String SECRET_KEY = "Sweep/minio+S3cret=9d41b7";
    private static final String WRONG_SECRET_KEY = "Wrong/minio+S3cret=a17f02";
    private static final String OPENSEARCH_USER = "admin";
    private static final String OPENSEARCH_PASSWORD = "Sweep:os+Passw0rd/52ce0a";
    private static final String WRONG_OPENSEARCH_PASSWORD = "Wrong:os+Passw0rd/6b3d11";
    /** The chart's database passwords, which the temporary servers log in with and align-role-passwords sets. */
    private static final List<String> DATABASE_PASSWORDS = List.of("Kaapana2020", "kaapanapassword");

    @TempDir
    static Path work;

    record Outcome(String name, int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private static Outcome kaapanaMigrate(String name, Map<String, String> env, List<String> args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(KaapanaMigrateJar.command(args)).directory(work.toFile())
                .redirectOutput(work.resolve(name + "-out.txt").toFile())
                .redirectError(work.resolve(name + "-err.txt").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("KAAPANA_MIGRATE_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as(name + " ends").isTrue();
        return new Outcome(name, p.exitValue(), Files.readString(work.resolve(name + "-out.txt")),
                Files.readString(work.resolve(name + "-err.txt")));
    }

    /** The installation's buckets and objects, copied into a store that knows only this test's credentials. */
    private static void copyObjects(MinioClient from, MinioClient to) throws Exception {
        for (var bucket : from.listBuckets()) {
            String b = bucket.name();
            if (!to.bucketExists(BucketExistsArgs.builder().bucket(b).build())) {
                to.makeBucket(MakeBucketArgs.builder().bucket(b).build());
            }
            for (Result<Item> r : from.listObjects(ListObjectsArgs.builder().bucket(b).recursive(true).build())) {
                Item item = r.get();
                byte[] bytes;
                try (InputStream in = from.getObject(GetObjectArgs.builder().bucket(b).object(item.objectName())
                        .build())) {
                    bytes = in.readAllBytes();
                }
                to.putObject(PutObjectArgs.builder().bucket(b).object(item.objectName())
                        .data(bytes, bytes.length).build());
            }
        }
    }

    /** Each secret in the forms a leak could take. */
    private static Map<String, String> forms(String secret, String user) {
        Map<String, String> forms = new LinkedHashMap<>();
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        forms.put("plain", secret);
        forms.put("base64", Base64.getEncoder().encodeToString(bytes));
        forms.put("base64 unpadded", Base64.getEncoder().withoutPadding().encodeToString(bytes));
        forms.put("base64 url-safe", Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        forms.put("url-encoded", URLEncoder.encode(secret, StandardCharsets.UTF_8));
        forms.put("hex", HexFormat.of().formatHex(bytes));
        if (user != null) {
            forms.put("basic auth", Base64.getEncoder().encodeToString((user + ":" + secret)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return forms;
    }

    @Test
    void noSecretIsInAnyOutputLogReportOrStateFileAlsoOnTheErrorPaths(GeneratedInstallation install, ObjectStore s3,
            SearchNode node) throws Exception {
        assumeTrue("musl".equals(install.manifest().postgresLibc().toLowerCase(Locale.ROOT)),
                "the command line's temporary servers run the musl build");
        Path passwordFile = work.resolve("secrets").resolve("opensearch-password");
        Path wrongPasswordFile = work.resolve("secrets").resolve("wrong-opensearch-password");
        Files.createDirectories(passwordFile.getParent());
        Files.writeString(passwordFile, OPENSEARCH_PASSWORD + "\n");
        Files.writeString(wrongPasswordFile, WRONG_OPENSEARCH_PASSWORD + "\n");
        Path reports = Files.createDirectories(work.resolve("reports"));
        List<Outcome> outcomes = new ArrayList<>();
        try (ObjectStore store = TestBackends.startObjectStore(BackendMode.EMBEDDED, ACCESS_KEY, SECRET_KEY);
             SecurityStandIn security = SecurityStandIn.start(node, OPENSEARCH_USER, OPENSEARCH_PASSWORD)) {
            copyObjects(s3.client(), store.client());
            Map<String, String> env = Map.of("KAAPANA_MIGRATE_MINIO_SECRET_KEY", SECRET_KEY);
            Map<String, String> wrongEnv = Map.of("KAAPANA_MIGRATE_MINIO_SECRET_KEY", WRONG_SECRET_KEY);
            List<String> common = List.of("--fast-data-dir", install.fastDataDir().toString(), "--slow-data-dir",
                    install.slowDataDir().toString(), "--platform", "undeployed", "--minio-url", store.endpoint(),
                    "--minio-access-key", ACCESS_KEY, "--opensearch-url", security.url(), "--opensearch-user",
                    OPENSEARCH_USER);

            Outcome check = kaapanaMigrate("check", env, args("check", common, reports, "check",
                    "--opensearch-password-file", passwordFile.toString()));
            Outcome run = kaapanaMigrate("run", env, args("run", common, reports, "run", "--yes",
                    "--opensearch-password-file", passwordFile.toString()));
            assertThat(check.exitCode()).as(check.all()).isEqualTo(ExitCodes.OK);
            assertThat(run.exitCode()).as(run.all()).isEqualTo(ExitCodes.PAUSED);
            assertThat(run.out()).contains("APPLIED postgres.migrate-backend");
            outcomes.addAll(List.of(check, run));
            ReliabilityCounts.proved(getClass(), "check and run (paused for 0.5) with every secret given");

            // 0.5 "running" (the stand-in cluster says so): verify-only reaches both stores with the credentials
            try (StandInCluster cluster = StandInCluster.create(work.resolve("host")).runningTarget()) {
                List<String> running = new ArrayList<>(common);
                running.set(running.indexOf("undeployed"), "kaapana");
                running.addAll(List.of("--undeploy-script", cluster.undeployScript().toString(), "--deploy-script",
                        cluster.deployScript().toString(), "--search-path", cluster.searchPath()));
                Outcome verify = kaapanaMigrate("verify", env, args("verify", running, reports, "verify",
                        "--opensearch-password-file", passwordFile.toString()));
                Outcome wrongMinio = kaapanaMigrate("wrong-minio", wrongEnv, args("verify", running, reports,
                        "wrong-minio", "--opensearch-password-file", passwordFile.toString()));
                Outcome wrongSearch = kaapanaMigrate("wrong-opensearch", env, args("verify", running, reports,
                        "wrong-opensearch", "--opensearch-password-file", wrongPasswordFile.toString()));
                outcomes.addAll(List.of(verify, wrongMinio, wrongSearch));

                assertThat(wrongMinio.exitCode()).as(wrongMinio.all()).isNotEqualTo(ExitCodes.OK);
                assertThat(wrongMinio.all()).containsIgnoringCase("minio.verify")
                        .containsPattern("(?i)(SignatureDoesNotMatch|InvalidAccessKeyId|access denied|403)");
                assertThat(wrongSearch.exitCode()).as(wrongSearch.all()).isNotEqualTo(ExitCodes.OK);
                assertThat(wrongSearch.all()).containsIgnoringCase("opensearch.verify").containsPattern("401");
                ReliabilityCounts.proved(getClass(), "verify-only with 0.5 running reached the stores; a wrong MinIO "
                        + "secret and a wrong OpenSearch password fail there (the error paths)");
            }
        }

        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("MinIO access key", ACCESS_KEY);
        secrets.put("MinIO secret key", SECRET_KEY);
        secrets.put("wrong MinIO secret key", WRONG_SECRET_KEY);
        secrets.put("OpenSearch password", OPENSEARCH_PASSWORD);
        secrets.put("wrong OpenSearch password", WRONG_OPENSEARCH_PASSWORD);
        for (String p : DATABASE_PASSWORDS) {
            secrets.put("database password " + p.charAt(0) + "…", p);
        }

        Map<String, String> texts = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            texts.put(o.name() + " stdout", o.out());
            texts.put(o.name() + " stderr (log)", o.err());
        }
        List<Path> files = new ArrayList<>();
        for (Path root : List.of(install.fastDataDir().resolve(".kaapana-migrate"), reports)) {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        }
        long bytes = 0;
        for (Path f : files) {
            byte[] content = Files.readAllBytes(f);
            bytes += content.length;
            texts.put(f.toString(), new String(content, StandardCharsets.ISO_8859_1));
        }
        assertThat(files).as("reports (JSON and HTML) and the journal were written")
                .anyMatch(f -> f.toString().endsWith("run.json")).anyMatch(f -> f.toString().endsWith("run.html"))
                .anyMatch(f -> f.getFileName().toString().equals("journal.jsonl"));

        int forms = 0;
        for (Map.Entry<String, String> secret : secrets.entrySet()) {
            String user = secret.getValue().contains("os+") ? OPENSEARCH_USER : null;
            for (Map.Entry<String, String> form : forms(secret.getValue(), user).entrySet()) {
                forms++;
                for (Map.Entry<String, String> text : texts.entrySet()) {
                    assertThat(text.getValue()).as(secret.getKey() + " (" + form.getKey() + ") in " + text.getKey())
                            .doesNotContain(form.getValue());
                }
            }
            ReliabilityCounts.proved(getClass(), secret.getKey() + " in no output, log, report or state file "
                    + "(plain or encoded)");
        }
        long outputBytes = outcomes.stream().mapToLong(o -> o.all().length()).sum();
        ReliabilityCounts.note(getClass(), "searched " + secrets.size() + " secrets in " + forms + " forms: "
                + outcomes.size() + " commands' stdout and stderr (" + outputBytes + " chars) and " + files.size()
                + " files (" + bytes + " bytes: state directory, JSON and HTML reports)");
    }

    private static List<String> args(String command, List<String> common, Path reports, String name,
            String... more) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(common);
        args.addAll(List.of("--report", reports.resolve(name + ".json").toString()));
        args.addAll(List.of(more));
        return args;
    }
}
