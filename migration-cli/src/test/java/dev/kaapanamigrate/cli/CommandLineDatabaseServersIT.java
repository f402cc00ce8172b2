package dev.kaapanamigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.pgserver.PostgresServer;
import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.InstallationGenerator;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.Manifest;
import dev.kaapanamigrate.testkit.ReliabilityCounts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code --databases servers} end to end: the test serves the installation's three databases on servers of its own
 * (real PostgreSQL on copies of the 0.4 data folders, on loopback ports, the backend's role with a password of the
 * test's), and a forked {@code kaapana-migrate run} migrates them there, the passwords from a file and the environment.
 * The servers have no TLS: under the default {@code --database-sslmode verify-full} the run is refused with the fix
 * before anything changes; with {@code --database-sslmode disable} it warns, records the mode in the report and
 * migrates. The databases end at 0.5.2's alembic heads; no password is in the output, the report, the page or the
 * journal; a password given as an argument exits 2 unechoed.
 */
@KaapanaInstallation
@ExtendWith(ReliabilityCounts.class)
class CommandLineDatabaseServersIT {

    private static final String BACKEND_SECRET = "Own-backend-pw-3b9e61c0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<ServiceDatabase, KaapanaDatabase> FOLDERS = Map.of(
            ServiceDatabase.ACCESS_INFORMATION, KaapanaDatabase.ACCESS_INFORMATION,
            ServiceDatabase.DICOM_WEB_FILTER, KaapanaDatabase.DICOM_WEB_FILTER,
            ServiceDatabase.BACKEND, KaapanaDatabase.BACKEND);

    record Outcome(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private static Outcome kaapanaMigrate(Path work, Map<String, String> env, List<String> args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(KaapanaMigrateJar.command(args)).directory(work.toFile())
                .redirectOutput(work.resolve("out.txt").toFile()).redirectError(work.resolve("err.txt").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("KAAPANA_MIGRATE_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("the command ends").isTrue();
        return new Outcome(p.exitValue(), Files.readString(work.resolve("out.txt")),
                Files.readString(work.resolve("err.txt")));
    }

    /** Each server's alembic revision. */
    private static Map<ServiceDatabase, String> revisions(Map<ServiceDatabase, PostgresServer> servers)
            throws Exception {
        Map<ServiceDatabase, String> out = new EnumMap<>(ServiceDatabase.class);
        for (Map.Entry<ServiceDatabase, PostgresServer> e : servers.entrySet()) {
            String password = e.getKey() == ServiceDatabase.BACKEND ? BACKEND_SECRET
                    : FOLDERS.get(e.getKey()).password();
            try (Connection c = e.getValue().dataSource("kaapanauser", "kaapanauser", password).getConnection();
                 Statement st = c.createStatement()) {
                try (ResultSet exists = st.executeQuery("SELECT to_regclass('alembic_version') IS NOT NULL")) {
                    assertThat(exists.next()).isTrue();
                    if (!exists.getBoolean(1)) {
                        out.put(e.getKey(), "(no alembic_version)");
                        continue;
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT version_num FROM alembic_version")) {
                    assertThat(rs.next()).isTrue();
                    out.put(e.getKey(), rs.getString(1));
                }
            }
        }
        return out;
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertThat(p.waitFor()).as("openssl " + String.join(" ", args) + ": " + Files.readString(dir.resolve(
                "openssl.log"))).isZero();
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The count and digest of every table of each server's database. */
    private static Map<String, Map<String, Manifest.Content>> data(Map<ServiceDatabase, PostgresServer> servers)
            throws Exception {
        Map<String, Map<String, Manifest.Content>> out = new java.util.TreeMap<>();
        for (Map.Entry<ServiceDatabase, PostgresServer> e : servers.entrySet()) {
            String password = e.getKey() == ServiceDatabase.BACKEND ? BACKEND_SECRET
                    : FOLDERS.get(e.getKey()).password();
            try (Connection c = e.getValue().dataSource("kaapanauser", "kaapanauser", password).getConnection()) {
                out.put(e.getKey().stableName(), InstallationGenerator.tableDigests(c));
            }
        }
        return out;
    }

    /** The FAST tree but the tool's own state directory (its journal records the refusal) and FAST's own entry. */
    private static List<String> installationTree(GeneratedInstallation install) throws Exception {
        return CommandLineIT.tree(install.fastDataDir()).stream()
                .filter(line -> !line.startsWith(" ") && !line.startsWith(".kaapana-migrate")).toList();
    }

    private static void unchanged(GeneratedInstallation install, Map<ServiceDatabase, PostgresServer> servers,
                                  Map<String, Map<String, Manifest.Content>> data, List<String> tree) throws Exception {
        assertThat(data(servers)).as("every table of the three databases unchanged").isEqualTo(data);
        assertThat(installationTree(install)).as("the FAST tree unchanged").isEqualTo(tree);
        assertThat(install.folder05(KaapanaDatabase.BACKEND)).as("the folders not moved").doesNotExist();
    }

    @Test
    void runMigratesTheCallersOwnServersAndNeverShowsTheirPasswords(GeneratedInstallation install) throws Exception {
        assumeTrue("musl".equals(install.manifest().postgresLibc().toLowerCase(Locale.ROOT)),
                "the test's servers run the musl build the folders were created with");
        // beside FAST_DATA_DIR, not in it: reachable by the folders' owner, and no live server on FAST's folders
        Path root = install.fastDataDir().resolveSibling("own-servers");
        Path work = Files.createDirectories(install.fastDataDir().resolveSibling("cli-work"));
        PostgresBinaries binaries = PostgresBinaries.resolve();
        Map<ServiceDatabase, PostgresServer> servers = new EnumMap<>(ServiceDatabase.class);
        try {
            Files.createDirectories(root);
            for (Map.Entry<ServiceDatabase, KaapanaDatabase> e : FOLDERS.entrySet()) {
                Path copy = root.resolve(e.getKey().stableName());
                Process cp = new ProcessBuilder("cp", "-a", install.folder04(e.getValue()).toString(), copy.toString())
                        .inheritIO().start();
                assertThat(cp.waitFor()).as("cp -a of the " + e.getKey() + " folder").isZero();
                servers.put(e.getKey(), PostgresServer.on(copy).binaries(binaries)
                        .listen(PostgresServer.Listen.TCP_LOOPBACK).stopOnJvmExit(true).start());
            }
            PostgresServer backend = servers.get(ServiceDatabase.BACKEND);
            try (Connection c = backend.dataSource("kaapanauser", "kaapanauser",
                    KaapanaDatabase.BACKEND.password()).getConnection(); Statement st = c.createStatement()) {
                st.execute("ALTER ROLE kaapanauser PASSWORD '" + BACKEND_SECRET + "'");
            }
            Path aiiPassword = work.resolve("aii-password");
            Files.writeString(aiiPassword, KaapanaDatabase.ACCESS_INFORMATION.password() + "\n");

            List<String> common = new ArrayList<>(List.of("--fast-data-dir", install.fastDataDir().toString(),
                    "--platform", "undeployed", "--databases", "servers"));
            for (Map.Entry<ServiceDatabase, PostgresServer> e : servers.entrySet()) {
                String prefix = "--" + e.getKey().stableName();
                common.addAll(List.of(prefix + "-host", "127.0.0.1", prefix + "-port",
                        Integer.toString(e.getValue().port())));
            }
            common.addAll(List.of("--access-information-password-file", aiiPassword.toString()));
            Map<String, String> env = new HashMap<>(Map.of(
                    "KAAPANA_MIGRATE_DICOM_WEB_FILTER_PASSWORD", KaapanaDatabase.DICOM_WEB_FILTER.password(),
                    "KAAPANA_MIGRATE_BACKEND_PASSWORD", BACKEND_SECRET));

            List<String> asArgument = new ArrayList<>(List.of("run", "--yes"));
            asArgument.addAll(common);
            asArgument.addAll(List.of("--backend-password", BACKEND_SECRET));
            Outcome refused = kaapanaMigrate(work, Map.of(), asArgument);
            assertThat(refused.exitCode()).as(refused.all()).isEqualTo(ExitCodes.USAGE);
            assertThat(refused.err()).contains("--backend-password", "KAAPANA_MIGRATE_BACKEND_PASSWORD",
                    "--backend-password-file");
            assertThat(refused.all()).doesNotContain(BACKEND_SECRET);
            Outcome noHost = kaapanaMigrate(work, env, List.of("check", "--fast-data-dir",
                    install.fastDataDir().toString(), "--platform", "undeployed", "--databases", "servers"));
            assertThat(noHost.exitCode()).as(noHost.all()).isEqualTo(ExitCodes.USAGE);
            assertThat(noHost.err()).contains("--access-information-host is missing");

            // the test's servers have no TLS: under the default verify-full the command refuses before any change
            Map<ServiceDatabase, String> before = revisions(servers);
            List<String> verified = new ArrayList<>(List.of("run", "--yes", "--report", work.resolve("refused.json")
                    .toString()));
            verified.addAll(common);
            Outcome noTls = kaapanaMigrate(work, env, verified);
            assertThat(noTls.exitCode()).as(noTls.all()).isEqualTo(ExitCodes.USAGE);
            assertThat(noTls.err()).contains("does not speak TLS", "verify-full", "--database-sslmode",
                    "--database-ca-file").doesNotContain("\tat ");
            assertThat(noTls.out()).as("no step ran").doesNotContain("APPLIED");
            assertThat(revisions(servers)).as("the databases unchanged").isEqualTo(before);
            assertThat(install.folder05(KaapanaDatabase.BACKEND)).as("the folders not moved").doesNotExist();

            ReliabilityCounts.proved(CommandLineDatabaseServersIT.class, "bad input: --databases servers without "
                    + "a host refused (exit 2) naming the option, before any server is reached");
            ReliabilityCounts.proved(CommandLineDatabaseServersIT.class, "bad input: servers without TLS under the "
                    + "default verify-full refused (exit 2) with --database-sslmode/--database-ca-file; databases and "
                    + "folders unchanged");

            // a wrong password, a server that does not listen, a CA file that is not there, a restore it cannot do:
            // each refused before any change (the data of every database and the FAST tree compared)
            List<String> plain = new ArrayList<>(List.of("run", "--yes", "--database-sslmode", "disable"));
            plain.addAll(common);
            Map<String, Map<String, Manifest.Content>> data = data(servers);
            List<String> tree = installationTree(install);

            Map<String, String> wrongEnv = new HashMap<>(env);
            wrongEnv.put("KAAPANA_MIGRATE_BACKEND_PASSWORD", "not-the-password-0");
            Outcome wrong = kaapanaMigrate(work, wrongEnv, plain);
            assertThat(wrong.exitCode()).as(wrong.all()).isEqualTo(ExitCodes.BLOCKED);
            assertThat(wrong.all()).contains("POSTGRES_LOGIN_REJECTED", "password authentication failed for user",
                    "expected a login the server accepts", "Fix: give the data source of the kaapana-backend database "
                    + "the right user, password").doesNotContain("not-the-password-0", BACKEND_SECRET);
            assertThat(wrong.out()).as("no step applied").doesNotContain("APPLIED");
            unchanged(install, servers, data, tree);
            ReliabilityCounts.proved(CommandLineDatabaseServersIT.class, "bad input: a wrong database password "
                    + "blocks the run before any change (POSTGRES_LOGIN_REJECTED, the fix, never echoed); databases and "
                    + "FAST unchanged");

            List<String> closed = new ArrayList<>(plain);
            closed.set(closed.indexOf("--backend-port") + 1, Integer.toString(freePort()));
            Outcome unreachable = kaapanaMigrate(work, env, closed);
            assertThat(unreachable.exitCode()).as(unreachable.all()).isEqualTo(ExitCodes.BLOCKED);
            assertThat(unreachable.all()).contains("POSTGRES_SERVER_UNREACHABLE", "never opened",
                    "Fix: start the server or correct the host and port of the kaapana-backend database");
            assertThat(unreachable.out()).as("no step applied").doesNotContain("APPLIED");
            unchanged(install, servers, data, tree);
            ReliabilityCounts.proved(CommandLineDatabaseServersIT.class, "bad input: a database server that does "
                    + "not listen blocks the run before any change (POSTGRES_SERVER_UNREACHABLE, host and port, the "
                    + "fix); databases and FAST unchanged");

            List<String> ca = new ArrayList<>(verified);
            Path noCaFile = work.resolve("no-such-ca.pem");
            ca.addAll(List.of("--database-ca-file", noCaFile.toString()));
            Outcome noCa = kaapanaMigrate(work, env, ca);
            assertThat(noCa.exitCode()).as(noCa.all()).isEqualTo(ExitCodes.USAGE);
            assertThat(noCa.err()).contains("--database-ca-file " + noCaFile, "cannot be read");
            unchanged(install, servers, data, tree);
            ReliabilityCounts.proved(CommandLineDatabaseServersIT.class, "bad input: a --database-ca-file that does "
                    + "not exist refused (exit 2) naming the file; databases and FAST unchanged");

            List<String> restore = new ArrayList<>(plain);
            restore.addAll(List.of("--backup-dir", work.resolve("backup").toString(), "--restore-on-failure"));
            Outcome restoreRefused = kaapanaMigrate(work, env, restore);
            assertThat(restoreRefused.exitCode()).as(restoreRefused.all()).isEqualTo(ExitCodes.USAGE);
            assertThat(restoreRefused.err()).contains("--restore-on-failure cannot be combined with --databases "
                    + "servers", "pg_dump");
            assertThat(work.resolve("backup")).as("no backup taken").doesNotExist();
            unchanged(install, servers, data, tree);
            ReliabilityCounts.proved(CommandLineDatabaseServersIT.class, "bad input: --restore-on-failure with the "
                    + "caller's own servers refused (exit 2): the backup cannot cover them, back them up with "
                    + "pg_dump; databases and FAST unchanged");

            List<String> run = new ArrayList<>(List.of("run", "--yes", "--report", work.resolve("run.json")
                    .toString(), "--database-sslmode", "disable"));
            run.addAll(common);
            Outcome migrated = kaapanaMigrate(work, env, run);
            assertThat(migrated.err()).contains("WARNING: --database-sslmode disable", "NOT verified",
                    "NOT encrypted");

            // no store given: the databases are done, the stores reported as not checked
            assertThat(migrated.exitCode()).as(migrated.all()).isEqualTo(ExitCodes.INCOMPLETE);
            assertThat(migrated.out()).contains("APPLIED postgres.migrate-access-information",
                    "APPLIED postgres.migrate-dicom-web-filter", "APPLIED postgres.migrate-backend",
                    "Installation: migrated, not deployed");
            JsonNode report = JSON.readTree(work.resolve("run.json").toFile());
            assertThat(report.path("result").path("status").asText()).isEqualTo("INCOMPLETE");
            assertThat(report.path("installation").path("state").asText()).isEqualTo("MIGRATED_NOT_DEPLOYED");
            assertThat(report.path("options").path("databases").asText()).startsWith("servers:")
                    .endsWith("TLS off (--database-sslmode disable)");
            assertThat(install.folder05(KaapanaDatabase.BACKEND)).as("the folders moved all the same").exists();
            for (Map.Entry<ServiceDatabase, String> e : revisions(servers).entrySet()) {
                assertThat(e.getValue()).as(e.getKey() + " on the caller's server")
                        .isEqualTo(e.getKey().targetRevision());
            }
            List<String> secrets = List.of(BACKEND_SECRET, KaapanaDatabase.ACCESS_INFORMATION.password());
            assertThat(migrated.all()).doesNotContain(secrets);
            List<Path> files = new ArrayList<>(List.of(work.resolve("run.json"), work.resolve("run.html")));
            try (Stream<Path> state = Files.walk(install.fastDataDir().resolve(".kaapana-migrate"))) {
                files.addAll(state.filter(Files::isRegularFile).toList());
            }
            for (Path f : files) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain(secrets);
            }

            // TLS: the servers restarted with a certificate for 127.0.0.1 signed by a CA of the test's
            Path tls = Files.createDirectories(work.resolve("tls"));
            openssl(tls, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                    "-days", "2", "-subj", "/CN=kaapana-migrate test CA");
            openssl(tls, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other.pem",
                    "-days", "2", "-subj", "/CN=another CA");
            openssl(tls, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                    "-subj", "/CN=127.0.0.1");
            Files.writeString(tls.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
            openssl(tls, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", "server.crt", "-days", "2", "-extfile", "san.ext");
            for (Map.Entry<ServiceDatabase, PostgresServer> e : servers.entrySet()) {
                Path folder = e.getValue().dataDir();
                e.getValue().close();
                for (String f : List.of("server.crt", "server.key")) {
                    Path to = Files.copy(tls.resolve(f), folder.resolve(f),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    Files.setOwner(to, Files.getOwner(folder));
                    Files.setPosixFilePermissions(to, java.nio.file.attribute.PosixFilePermissions.fromString(
                            "rw-------"));
                }
                e.setValue(PostgresServer.on(folder).binaries(binaries).listen(PostgresServer.Listen.TCP_LOOPBACK)
                        .setting("ssl", "on").setting("ssl_cert_file", "server.crt")
                        .setting("ssl_key_file", "server.key").stopOnJvmExit(true).start());
            }
            List<String> tlsCommon = new ArrayList<>(List.of("check", "--fast-data-dir",
                    install.fastDataDir().toString(), "--platform", "undeployed", "--databases", "servers",
                    "--access-information-password-file", aiiPassword.toString()));
            for (Map.Entry<ServiceDatabase, PostgresServer> e : servers.entrySet()) {
                String prefix = "--" + e.getKey().stableName();
                tlsCommon.addAll(List.of(prefix + "-host", "127.0.0.1", prefix + "-port",
                        Integer.toString(e.getValue().port())));
            }
            Map<String, Map<String, Manifest.Content>> migratedData = data(servers);
            List<String> migratedTree = installationTree(install);
            List<String> untrusted = new ArrayList<>(tlsCommon);
            untrusted.addAll(List.of("--database-ca-file", tls.resolve("other.pem").toString()));
            Outcome refusedCertificate = kaapanaMigrate(work, env, untrusted);
            assertThat(refusedCertificate.exitCode()).as(refusedCertificate.all()).isEqualTo(ExitCodes.USAGE);
            assertThat(refusedCertificate.err()).contains("TLS with the", "failed", "nothing was changed",
                    "--database-ca-file").doesNotContain("\tat ");
            assertThat(refusedCertificate.out()).as("no step ran").doesNotContain("UP_TO_DATE");
            assertThat(data(servers)).isEqualTo(migratedData);
            assertThat(installationTree(install)).isEqualTo(migratedTree);
            ReliabilityCounts.proved(CommandLineDatabaseServersIT.class, "bad input: database servers whose "
                    + "certificate the CA given did not sign refused under verify-full (exit 2) with the fix; "
                    + "databases and FAST unchanged");

            List<String> trusted = new ArrayList<>(tlsCommon);
            trusted.addAll(List.of("--database-ca-file", tls.resolve("ca.pem").toString()));
            Outcome verifiedTls = kaapanaMigrate(work, env, trusted);
            assertThat(verifiedTls.all()).as("verify-full with the right CA").doesNotContain("TLS with the",
                    "does not speak TLS", "WARNING: --database-sslmode", "POSTGRES_");
            assertThat(verifiedTls.out()).contains("checked postgres.migrate-backend: uptodate", "nothing blocks");
            assertThat(verifiedTls.exitCode()).as(verifiedTls.all()).isIn(ExitCodes.OK, ExitCodes.INCOMPLETE);
        } finally {
            for (PostgresServer s : servers.values()) {
                s.close();
            }
        }
    }
}
