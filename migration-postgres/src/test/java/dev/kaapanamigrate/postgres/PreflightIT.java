package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.DataFolderMove;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.pgserver.PostgresServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The preflight against a live PostgreSQL server on one of the data folders. */
class PreflightIT {

    @TempDir
    Path root;

    @Test
    void aLiveServerBlocksUntilItStops() throws Exception {
        Path fast = Folders.fast04(root);
        Path backend = fast.resolve(DataFolderMove.BACKEND.from());
        PreflightStep step = new PreflightStep(fast, null);
        long pid;
        try (PostgresServer server = PostgresServer.start(backend)) {
            pid = server.pid();
            String before = Folders.digest(fast.resolve(DataFolderMove.AIRFLOW.from()));

            StepCheck check = step.check(MigrationContext.standalone());

            assertThat(check).isInstanceOf(StepCheck.Blocked.class);
            var p = ((StepCheck.Blocked) check).problem();
            assertThat(p.found()).contains("a live process uses " + backend.toRealPath(), "pid " + pid, "nothing was changed");
            assertThat(p.fix()).contains("undeploy the platform");
            assertThat(step.verify(MigrationContext.standalone()).passed()).isFalse();
            assertThat(Folders.digest(fast.resolve(DataFolderMove.AIRFLOW.from()))).isEqualTo(before);
        }
        assertThat(ProcessHandle.of(pid)).isEmpty();

        assertThat(step.check(MigrationContext.standalone())).isInstanceOf(StepCheck.UpToDate.class);
    }
}
