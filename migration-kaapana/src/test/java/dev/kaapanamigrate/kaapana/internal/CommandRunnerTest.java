package dev.kaapanamigrate.kaapana.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandRunnerTest {

    @Test
    void theToolsOwnVariablesNeverReachACommand() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("KAAPANA_MIGRATE_BACKEND_PASSWORD", "pw-7c1e");
        env.put("KAAPANA_MIGRATE_MINIO_SECRET_KEY", "sk-9d2f");
        env.put("KUBECONFIG_FOR_TEST", "/tmp/kubeconfig");
        CommandRunner.Result r = CommandRunner.run(List.of("/usr/bin/env"), env, Path.of("/"),
                Duration.ofMinutes(1), true, Clock.systemUTC());

        assertThat(r.succeeded()).as(r.stdout()).isTrue();
        assertThat(r.stdout()).contains("KUBECONFIG_FOR_TEST=/tmp/kubeconfig")
                .doesNotContain("KAAPANA_MIGRATE_", "pw-7c1e", "sk-9d2f");
    }
}
