package dev.kaapanamigrate.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Exited processes use no folder: a zombie (exited, not yet reaped) and a gone process are told from a live one. */
class LiveServersTest {

    @Test
    void aZombieAndAGoneProcessHaveExitedALiveOneHasNot() throws Exception {
        // 'true' exits at once; its parent execs sleep, which never reaps it: a zombie for three seconds
        Process parent = new ProcessBuilder("sh", "-c", "true & exec sleep 3").start();
        try {
            List<ProcessHandle> children = List.of();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (children.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
                children = parent.children().toList();
            }
            assertThat(children).as("the exited child, still listed").hasSize(1);

            assertThat(LiveServers.exited(children.get(0).pid())).as("a zombie").isTrue();
            assertThat(LiveServers.exited(parent.pid())).as("the sleeping parent").isFalse();
            assertThat(LiveServers.exited(ProcessHandle.current().pid())).isFalse();
            assertThat(LiveServers.exited(Integer.MAX_VALUE)).as("no such process").isTrue();
        } finally {
            parent.destroyForcibly().waitFor();
        }
    }
}
