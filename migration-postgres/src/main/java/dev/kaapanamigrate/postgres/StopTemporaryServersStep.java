package dev.kaapanamigrate.postgres;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.postgres.internal.LiveServers;

/**
 * The last step of the undeployed state when a plan uses {@link TemporaryServers}: stops every temporary
 * server, including one an earlier, crashed run left running (journaled under {@link TemporaryServers#RUNNING}),
 * and proves that no process uses the three database folders any more, so the 0.5 deployment cannot start a
 * second server on a folder. The plan would close this run's servers anyway before it deploys; this step also
 * covers a resumed run in which no database step asked for a server.
 *
 * <pre>{@code
 * plan.step(new StopTemporaryServersStep(servers, List.of("postgres.migrate-backend")));
 * }</pre>
 */
public final class StopTemporaryServersStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "postgres.stop-temporary-servers";

    private final TemporaryServers servers;
    private final List<String> dependsOn;

    /**
     * Creates the step.
     *
     * @param servers   the temporary servers of the plan
     * @param dependsOn the steps that use them (this step runs after them)
     */
    public StopTemporaryServersStep(TemporaryServers servers, List<String> dependsOn) {
        this.servers = Objects.requireNonNull(servers, "servers");
        this.dependsOn = List.copyOf(dependsOn);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Stop the temporary PostgreSQL servers (also any an interrupted run left running)";
    }

    @Override
    public List<String> dependsOn() {
        return dependsOn;
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        List<Change> changes = new ArrayList<>();
        for (ServiceDatabase db : ServiceDatabase.values()) {
            if (servers.server(db).isPresent()) {
                changes.add(Change.of(Change.Kind.UPDATE, servers.folderOf(db).toString(), "temporary server running",
                        "stopped", 1));
            }
        }
        for (String folder : ctx.get(TemporaryServers.RUNNING).orElse(Map.of()).keySet()) {
            if (changes.stream().noneMatch(c -> c.target().equals(folder))) {
                changes.add(Change.of(Change.Kind.UPDATE, folder, "temporary server recorded by an earlier run",
                        "stopped", 1));
            }
        }
        return changes.isEmpty() ? StepCheck.upToDate("no temporary server is running") : StepCheck.pending(changes);
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        List<Change> changes = check(ctx).changes();
        servers.close();
        servers.stopLeftovers(ctx);
        if (!ctx.get(TemporaryServers.RUNNING).orElse(Map.of()).isEmpty()) {
            ctx.put(TemporaryServers.RUNNING, Map.of()); // what is recorded but no longer runs is gone
        }
        return changes;
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Verification.Builder v = Verification.builder();
        LiveServers live = LiveServers.scan();
        for (ServiceDatabase db : ServiceDatabase.values()) {
            Path folder = servers.folderOf(db);
            v.expect("processes using " + folder, "none",
                    live.judge(folder).finding().map(f -> f[0]).orElse("none"));
        }
        v.expect("temporary servers recorded as running", 0,
                ctx.get(TemporaryServers.RUNNING).orElse(Map.of()).size());
        return v.build();
    }
}
