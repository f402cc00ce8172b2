package dev.kaapanamigrate.pgserver.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Asks the system's own tools, so that the tests compare with what {@code stat} and {@code id} say. */
final class OsTestSupport {

    /** Alpine's postgres uid and gid, the owner of Kaapana's data folders. */
    static final int POSTGRES_ID = 70;

    private OsTestSupport() {
    }

    /** Runs a command in this JVM's own way (no helper under test) and returns its trimmed output. */
    static String sh(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }
}
