package dev.kaapanamigrate.testkit;

import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.pgserver.PostgresServer;
import dev.kaapanamigrate.testkit.internal.PodServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulates the platform states of a generated installation by starting and stopping its database
 * servers, the way Kaapana's database pods would: {@link PlatformState#SOURCE_RUNNING} runs a server on
 * each 0.4 data folder, {@link PlatformState#UNDEPLOYED} runs none, {@link PlatformState#TARGET_RUNNING}
 * runs one on each 0.5 data folder (where a migration moved it). It is a {@link PlatformControl}, so a
 * migration plan under test moves it between states itself. The object store and search node keep running
 * in every state.
 *
 * <pre>{@code
 * platform.startSource();                                   // 0.4 running
 * DataSource aii = platform.dataSource(KaapanaDatabase.ACCESS_INFORMATION);
 * MigrationPlan plan = MigrationPlan.builder()...platformControl(platform)...build();
 * }</pre>
 */
public final class SimulatedPlatform implements PlatformControl, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedPlatform.class);

    private final GeneratedInstallation installation;
    private final PostgresBinaries binaries;
    private final Map<KaapanaDatabase, PostgresServer> servers = new EnumMap<>(KaapanaDatabase.class);
    private PlatformState state = PlatformState.UNDEPLOYED;
    private final java.util.List<java.util.function.Consumer<SimulatedPlatform>> deployActions =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Creates the simulation; the platform starts undeployed.
     *
     * @param installation the installation
     * @param binaries     the PostgreSQL binaries for the database servers
     */
    public SimulatedPlatform(GeneratedInstallation installation, PostgresBinaries binaries) {
        this.installation = installation;
        this.binaries = binaries;
    }

    @Override
    public synchronized PlatformState current() {
        return state;
    }

    /** Starts the 0.4 database servers: the platform is then {@link PlatformState#SOURCE_RUNNING}. */
    public synchronized void startSource() {
        startServers(false);
        state = PlatformState.SOURCE_RUNNING;
    }

    /** Stops every database server: the platform is then {@link PlatformState#UNDEPLOYED}. */
    @Override
    public synchronized void undeploy() {
        stopServers();
        state = PlatformState.UNDEPLOYED;
    }

    /**
     * Starts servers on the 0.5 data folders, then runs the start-up actions given to {@link #onDeploy}: the platform
     * is then {@link PlatformState#TARGET_RUNNING}.
     */
    @Override
    public synchronized void deploy() {
        startServers(true);
        state = PlatformState.TARGET_RUNNING;
        deployActions.forEach(a -> a.accept(this));
    }

    /**
     * Adds a start-up action that every {@link #deploy()} runs once the 0.5 servers are up, as 0.5's own jobs do at
     * start (for OpenSearch: {@code dev.kaapanamigrate.testkit.security.OpenSearchStartup}).
     *
     * @param action the action; it may read {@link #dataSource} of the 0.5 databases
     */
    public void onDeploy(java.util.function.Consumer<SimulatedPlatform> action) {
        deployActions.add(java.util.Objects.requireNonNull(action, "action"));
    }

    @Override
    public void awaitUndeployed(Duration timeout) {
        // stopping is synchronous
    }

    @Override
    public void awaitReady(Duration timeout) {
        // starting waits until each server accepts connections
    }

    /**
     * A data source for a database of the running platform, as its superuser.
     *
     * @param database the database
     * @return the data source
     * @throws IllegalStateException when the platform is undeployed
     */
    public synchronized DataSource dataSource(KaapanaDatabase database) {
        PostgresServer server = servers.get(database);
        if (server == null) {
            throw new IllegalStateException("No server runs for " + database + ": the platform is " + state
                    + "; call startSource() (0.4) or deploy() (0.5) first");
        }
        return server.dataSource(database.database(), database.superuser(), database.password());
    }

    private void startServers(boolean target) {
        stopServers();
        state = PlatformState.UNDEPLOYED;
        try {
            for (KaapanaDatabase db : KaapanaDatabase.values()) {
                Path folder = target ? installation.folder05(db) : installation.folder04(db);
                if (!Files.isDirectory(folder)) {
                    throw new IllegalStateException("Cannot start " + db + ": its data folder " + folder + " does not exist"
                            + (target ? " (has the migration moved it?)" : ""));
                }
                servers.put(db, PodServers.start(folder, binaries));
            }
        } catch (RuntimeException e) {
            // Never leave some servers running while the platform reports UNDEPLOYED.
            try {
                stopServers();
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        LOG.info("Simulated platform: {} database servers running on the {} folders", servers.size(), target ? "0.5" : "0.4");
    }

    private void stopServers() {
        RuntimeException failure = null;
        for (PostgresServer server : servers.values()) {
            try {
                server.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        servers.clear();
        if (failure != null) {
            throw failure;
        }
    }

    /** Stops every server. */
    @Override
    public synchronized void close() {
        stopServers();
        state = PlatformState.UNDEPLOYED;
    }
}
