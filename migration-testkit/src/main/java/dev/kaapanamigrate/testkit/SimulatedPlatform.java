package dev.kaapanamigrate.testkit;

import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.pgserver.PostgresServer;
import dev.kaapanamigrate.testkit.internal.PodServers;
import dev.kaapanamigrate.testkit.backends.ObjectStore;
import dev.kaapanamigrate.testkit.backends.SearchNode;
import dev.kaapanamigrate.testkit.internal.PlatformServices;
import io.minio.MinioClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.slf4j.LoggerFactory;

/**
 * Simulates the platform states of a generated installation by starting and stopping its database
 * servers, the way Kaapana's database pods would: {@link PlatformState#SOURCE_RUNNING} runs a server on
 * each 0.4 data folder, {@link PlatformState#UNDEPLOYED} runs none, {@link PlatformState#TARGET_RUNNING}
 * runs one on each 0.5 data folder (where a migration moved it). It is a {@link PlatformControl}, so a
 * migration plan under test moves it between states itself.
 *
 * <p>Created with the installation's object store and search node (as {@link KaapanaInstallation} does), it also
 * simulates their reachability: {@link #minioClient()}, {@link #objectStoreEndpoint()}, {@link #openSearchClient()},
 * {@link #searchEndpoint()} and {@link #policyEndpoint()} go through gates that are open only while a platform runs
 * (0.4 or 0.5) and refuse connections while it is undeployed, as the real services would; a step placed in the wrong
 * state fails. The policy endpoint is a stand-in for MinIO's admin API, seeded with 0.4's integer-named project
 * policies ({@code admin_project_<old id>}, MinIO's built-ins and {@code kaapanaUser}); {@link #deploy()} performs 0.5's
 * start-up actions on it and on the store: the UUID-named policy {@code admin_project_<uuid>} and the bucket of each
 * project (init-projects) and the global buckets (minio-init); {@link #omitStartupPolicy(String)} leaves one policy out
 * for negative tests.
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
    private final PlatformServices services;
    private PlatformState state = PlatformState.UNDEPLOYED;
    private final java.util.List<java.util.function.Consumer<SimulatedPlatform>> deployActions =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private boolean databases = true;

    /**
     * Creates the simulation; the platform starts undeployed.
     *
     * @param installation the installation
     * @param binaries     the PostgreSQL binaries for the database servers
     */
    public SimulatedPlatform(GeneratedInstallation installation, PostgresBinaries binaries) {
        this.installation = installation;
        this.binaries = binaries;
        this.services = null;
    }

    /**
     * Creates the simulation of the databases and of the object store's and search node's reachability; the platform
     * starts undeployed (gates closed).
     *
     * @param installation the installation
     * @param binaries     the PostgreSQL binaries for the database servers
     * @param objects      the object store the installation was generated into
     * @param search       the search node the installation was generated into
     */
    public SimulatedPlatform(GeneratedInstallation installation, PostgresBinaries binaries, ObjectStore objects,
                             SearchNode search) {
        this.installation = installation;
        this.binaries = binaries;
        this.services = new PlatformServices(installation, objects, search);
    }

    /**
     * Whether states start and stop the database servers (the default). Off, only the services' reachability and 0.5's
     * start-up actions are simulated: for tests of the object-store and index steps that do not migrate the databases
     * (give the project UUIDs with {@link #targetProjectIds(Map)}).
     *
     * @param on whether to simulate the databases
     * @return this platform
     */
    public synchronized SimulatedPlatform simulateDatabases(boolean on) {
        this.databases = on;
        return this;
    }

    /**
     * The project UUIDs 0.5's start-up actions use when the databases are not simulated (by project name); with
     * databases they are read from the migrated access-information database.
     *
     * @param idsByName project name to UUID
     * @return this platform
     */
    public SimulatedPlatform targetProjectIds(Map<String, java.util.UUID> idsByName) {
        requireServices().targetProjectIds(idsByName);
        return this;
    }

    /**
     * Leaves one policy out of 0.5's start-up actions (a negative test's broken init-projects job).
     *
     * @param policyName the policy, for example {@code admin_project_<uuid>}, or a project's name to omit its policies
     * @return this platform
     */
    public SimulatedPlatform omitStartupPolicy(String policyName) {
        requireServices().omit(policyName);
        return this;
    }

    /**
     * A MinIO client for the installation's object store through the reachability gate (reachable only while 0.4 or
     * 0.5 runs); the same instance each time, closed with the platform.
     *
     * @return the client
     */
    public MinioClient minioClient() {
        return requireServices().minioClient();
    }

    /**
     * The object store's endpoint through the reachability gate.
     *
     * @return for example {@code http://127.0.0.1:41234}
     */
    public String objectStoreEndpoint() {
        return requireServices().objectStoreEndpoint();
    }

    /**
     * The stand-in of MinIO's admin API (policies) through its reachability gate; it accepts the object store's
     * credentials as MinIO's root user.
     *
     * @return for example {@code http://127.0.0.1:41235}
     */
    public String policyEndpoint() {
        return requireServices().policyEndpoint();
    }

    /**
     * Adds a user to the admin API stand-in, for example one without admin rights (its requests answer 403).
     *
     * @param accessKey the access key
     * @param secretKey the secret key
     * @param admin     whether it may manage policies
     */
    public void addPolicyUser(String accessKey, String secretKey, boolean admin) {
        requireServices().policies().addUser(accessKey, secretKey, admin);
    }

    /**
     * The policies the admin API stand-in holds now (name to document), whatever the state.
     *
     * @return the policies, sorted by name
     */
    public Map<String, String> policies() {
        return requireServices().policies().policies();
    }

    /**
     * An OpenSearch client for the installation's search node through the reachability gate; the same instance each
     * time, closed with the platform.
     *
     * @return the client
     */
    public OpenSearchClient openSearchClient() {
        return requireServices().openSearchClient();
    }

    /**
     * The search node's HTTP endpoint through the reachability gate.
     *
     * @return for example {@code http://127.0.0.1:41236}
     */
    public String searchEndpoint() {
        return requireServices().searchEndpoint();
    }

    private PlatformServices requireServices() {
        if (services == null) {
            throw new IllegalStateException("this SimulatedPlatform was created without the object store and search "
                    + "node; create it with SimulatedPlatform(installation, binaries, objects, search), as "
                    + "@KaapanaInstallation does");
        }
        return services;
    }

    @Override
    public synchronized PlatformState current() {
        return state;
    }

    /** Starts the 0.4 database servers: the platform is then {@link PlatformState#SOURCE_RUNNING}. */
    public synchronized void startSource() {
        if (databases) {
            startServers(false);
        }
        if (services != null) {
            services.open();
        }
        state = PlatformState.SOURCE_RUNNING;
    }

    /** Stops every database server: the platform is then {@link PlatformState#UNDEPLOYED}. */
    @Override
    public synchronized void undeploy() {
        if (services != null) {
            services.shut();
        }
        stopServers();
        state = PlatformState.UNDEPLOYED;
    }

    /**
     * Starts servers on the 0.5 data folders, then runs the start-up actions given to {@link #onDeploy}: the platform
     * is then {@link PlatformState#TARGET_RUNNING}.
     */
    @Override
    public synchronized void deploy() {
        if (databases) {
            startServers(true);
        }
        if (services != null) {
            services.startTarget(databases ? servers.get(KaapanaDatabase.ACCESS_INFORMATION)
                    .dataSource(KaapanaDatabase.ACCESS_INFORMATION.database(),
                            KaapanaDatabase.ACCESS_INFORMATION.superuser(),
                            KaapanaDatabase.ACCESS_INFORMATION.password()) : null);
        }
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
        try {
            stopServers();
        } finally {
            if (services != null) {
                services.close();
            }
            state = PlatformState.UNDEPLOYED;
        }
    }
}
