package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ServiceDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.postgres.internal.FolderFacts;
import dev.kaapanamigrate.postgres.internal.LiveServers;

/**
 * The last database step of the undeployed state when a plan uses {@link TemporaryServers}: stops the temporary servers
 * an earlier, crashed run left running (journaled under {@link TemporaryServers#RUNNING}) and proves that no other
 * process uses the three database folders, so the 0.5 deployment cannot start a second server on a folder. The servers
 * this run started are not its work: the plan closes them before it moves the platform and when the run ends (a check
 * that counted them would find work again in every re-run, whose checks start servers too).
 *
 * <pre>{@code
 * plan.step(new StopTemporaryServersStep(servers), "postgres.migrate-backend");
 * }</pre>
 */
public final class StopTemporaryServersStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "postgres.stop-temporary-servers";

    private final TemporaryServers servers;

    /**
     * Creates the step.
     *
     * @param servers the temporary servers of the plan; the plan runs this step after the steps that use them
     */
    public StopTemporaryServersStep(TemporaryServers servers) {
        this.servers = Objects.requireNonNull(servers, "servers");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Stop temporary PostgreSQL servers an interrupted run left running; prove no other process uses the "
                + "database folders";
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        List<Change> changes = new ArrayList<>();
        for (String folder : servers.leftovers(ctx).keySet()) {
            changes.add(Change.of(Change.Kind.UPDATE, folder, "temporary server recorded by an earlier run", "stopped", 1));
        }
        return changes.isEmpty() ? StepCheck.upToDate("no server of an earlier run is left; this run's servers stop when "
                + "the plan leaves the undeployed state") : StepCheck.pending(changes);
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        List<Change> changes = check(ctx).changes();
        servers.stopLeftovers(ctx);
        return changes;
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Verification.Builder v = Verification.builder();
        LiveServers live = LiveServers.scan();
        Set<Long> own = servers.ownPids();
        for (ServiceDatabase db : ServiceDatabase.values()) {
            Path folder = servers.folderOf(db);
            List<String> others = new ArrayList<>();
            if (java.nio.file.Files.isDirectory(folder)) {
                for (LiveServers.User u : live.usersOf(folder, FolderFacts.stat(folder))) {
                    // A backend of a closed connection may exit between the scan and this look: gone is not a user.
                    if (ProcessHandle.of(u.pid()).filter(ProcessHandle::isAlive).isPresent() && !ofOwnServer(u.pid(), own)) {
                        others.add("pid " + u.pid() + " (" + u.command() + ")");
                    }
                }
            }
            v.expect("processes other than this run's temporary server using " + folder, "none",
                    others.isEmpty() ? "none" : String.join("; ", others));
        }
        v.expect("servers of earlier runs recorded as running", 0, servers.leftovers(ctx).size());
        return v.build();
    }

    /** Whether a process is one of this run's servers or one of their backends. */
    private static boolean ofOwnServer(long pid, Set<Long> own) {
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        for (int depth = 0; depth < 4 && p.isPresent(); depth++) {
            if (own.contains(p.get().pid())) {
                return true;
            }
            p = p.get().parent();
        }
        return false;
    }
}
