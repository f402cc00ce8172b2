package dev.kaapanamigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --databases servers} options refused before anything is reached or changed, in process: a server that
 * declines TLS under the default {@code verify-full} (a stand-in answering the SSLRequest with {@code N}), a restore
 * that could not give back the caller's servers, contradicting TLS options; a password file others can read warns.
 */
class DatabaseOptionsTest {

    @TempDir
    Path dir;

    record Outcome(int exitCode, String out, String err) {
    }

    private static Outcome execute(Map<String, String> env, List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = KaapanaMigrateCommand.execute(args.toArray(String[]::new), new PrintWriter(out, true),
                new PrintWriter(err, true), env);
        return new Outcome(code, out.toString(), err.toString());
    }

    private List<String> servers(int port, String... more) {
        List<String> args = new ArrayList<>(List.of("check", "--fast-data-dir", dir.toString(), "--platform",
                "undeployed", "--report", dir.resolve("report.json").toString(), "--databases", "servers"));
        for (String db : List.of("access-information", "dicom-web-filter", "backend")) {
            args.addAll(List.of("--" + db + "-host", "127.0.0.1", "--" + db + "-port", Integer.toString(port)));
        }
        args.addAll(List.of(more));
        return args;
    }

    private static final Map<String, String> PASSWORDS = Map.of(
            "KAAPANA_MIGRATE_DICOM_WEB_FILTER_PASSWORD", "pw-dwf", "KAAPANA_MIGRATE_BACKEND_PASSWORD", "pw-backend");

    @Test
    void aServerWithoutTlsIsRefusedUnderTheDefaultWithTheFix() throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("aii-password"), "pw-aii\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-r--r--"));
        try (ServerSocket plain = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread declines = new Thread(() -> {
                while (!plain.isClosed()) {
                    try (Socket s = plain.accept()) {
                        s.getInputStream().readNBytes(8);
                        s.getOutputStream().write('N');
                        s.getOutputStream().flush();
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            declines.setDaemon(true);
            declines.start();

            assertThat(DatabaseOptions.speaksTls("127.0.0.1", plain.getLocalPort(), 5_000)).contains(false);
            Outcome refused = execute(PASSWORDS, servers(plain.getLocalPort(), "--access-information-password-file",
                    passwordFile.toString()));

            assertThat(refused.exitCode()).as(refused.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(refused.err()).contains("CONFIGURATION_INVALID", "does not speak TLS", "nothing was changed",
                    "verify-full", "--database-ca-file", "--database-sslmode")
                    .doesNotContain("pw-aii", "pw-dwf", "pw-backend");
            assertThat(refused.err()).contains("WARNING", passwordFile.toString(), "chmod 600");
            assertThat(Files.exists(dir.resolve("report.json"))).isFalse();
        }
    }

    @Test
    void restoreOnFailureIsRefusedWithTheCallersServers() {
        Outcome refused = execute(PASSWORDS, List.of("run", "--yes", "--fast-data-dir", dir.toString(), "--platform",
                "undeployed", "--databases", "servers", "--backup-dir", dir.resolve("backup").toString(),
                "--restore-on-failure"));

        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err()).contains("--restore-on-failure", "--databases servers", "pg_dump");
        assertThat(dir.resolve("backup")).doesNotExist();
    }

    @Test
    void contradictingOrMisplacedTlsOptionsAreRefused() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        Outcome contradict = execute(PASSWORDS, servers(5432, "--database-sslmode", "require", "--database-ca-file",
                ca.toString()));
        assertThat(contradict.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(contradict.err()).contains("contradict");

        Outcome unknown = execute(PASSWORDS, servers(5432, "--database-sslmode", "prefer"));
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("verify-full");

        Outcome temporary = execute(Map.of(), List.of("check", "--fast-data-dir", dir.toString(), "--platform",
                "undeployed", "--database-sslmode", "disable"));
        assertThat(temporary.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(temporary.err()).contains("--database-sslmode", "--databases servers");
    }
}
