package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.pgserver.Libc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

/**
 * For {@link TemporaryServerCrashIT}: a plan whose one database step reads the access-information database
 * through a temporary server. Run as a child JVM with a marker path, the step writes the marker once it has
 * read, then blocks until the test kills the JVM, leaving the server running.
 */
public final class OrphanedServerMain {

    private OrphanedServerMain() {
    }

    static MigrationPlan plan(Path fast, Path state, Libc folderLibc, Path marker) {
        TemporaryServers servers = TemporaryServers.builder(fast).folderLibc(folderLibc).build();
        return MigrationPlan.builder().step(new CountProjectsStep(servers, marker))
                .step(new StopTemporaryServersStep(servers), CountProjectsStep.ID)
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED)).stateDirectory(state).build();
    }

    /**
     * Entry point.
     *
     * @param args FAST_DATA_DIR, the state directory, the folders' libc, the marker file
     */
    public static void main(String[] args) {
        plan(Path.of(args[0]), Path.of(args[1]), Libc.valueOf(args[2]), Path.of(args[3])).run();
    }

    /** Reads the project count through the temporary server. */
    static class CountProjectsStep implements MigrationStep {
        static final String ID = "test.count-projects";
        private final TemporaryServers servers;
        private final Path marker;
        private long count = -1;

        CountProjectsStep(TemporaryServers servers, Path marker) {
            this.servers = servers;
            this.marker = marker;
        }

        @Override
        public String id() {
            return ID;
        }

        @Override
        public String description() {
            return "count projects";
        }

        @Override
        public StepCheck check(MigrationContext ctx) {
            return StepCheck.pending(List.of(Change.of(Change.Kind.UPDATE, "projects")));
        }

        @Override
        public List<Change> apply(MigrationContext ctx) {
            try (Connection c = servers.dataSource(ServiceDatabase.ACCESS_INFORMATION, ctx).getConnection();
                    Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM projects")) {
                rs.next();
                count = rs.getLong(1);
                if (marker != null) {
                    Files.writeString(marker, Long.toString(count));
                    Thread.sleep(Long.MAX_VALUE);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return List.of(Change.of(Change.Kind.UPDATE, "projects"));
        }

        @Override
        public Verification verify(MigrationContext ctx) {
            return Verification.builder().fact("projects counted", "> 0", Long.toString(count), count > 0).build();
        }
    }
}
