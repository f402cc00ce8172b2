package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ServiceDatabase;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

import javax.sql.DataSource;

import org.jdbi.v3.core.Jdbi;

import dev.kaapanamigrate.core.ConfigurationException;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.postgres.internal.ReusedConnections;

/**
 * Where the database steps get their connections from: either the caller's own data sources (for example
 * servers the caller runs with the database pods only, or a port-forward) or temporary servers the library
 * starts on the data folders while the platform is down. Both are first-class; a step never cares which.
 *
 * <p><b>Privileges each step needs</b> (checked by each step before it reads or changes anything; a connection that
 * lacks them blocks the step with {@link PostgresErrorCode#INSUFFICIENT_PRIVILEGES}, naming the role and what it lacks):
 * <ul>
 *   <li>{@link MigrateAccessInformationStep}, {@link MigrateDicomWebFilterStep}, {@link MigrateBackendStep} and
 *   {@link BackendReferencesStep}: the <em>owner</em> of every table and sequence in schema {@code public} (they alter,
 *   drop, create, lock and rewrite them), with {@code CREATE} on that schema and {@code TEMP} on the database; or a
 *   superuser. Tables they create belong to the role they log in as, so the owner is the role to use: in Kaapana the
 *   database's own role {@link ServiceDatabase#superuser()} ({@code POSTGRES_USER} of the image), which owns the tables
 *   and is a superuser as well. A superuser that is not the owner works, but leaves the new tables to itself.</li>
 *   <li>{@link RolePasswordStep}: a <em>superuser</em> — it reads the stored verifier in {@code pg_authid}, which only
 *   superusers may read, and sets a password with {@code ALTER ROLE}.</li>
 *   <li>{@link ReportExtensionDagsStep}: {@code SELECT} on the backend's tables.</li>
 * </ul>
 * {@link TemporaryServers} connect as {@link ServiceDatabase#superuser()}, which has all of these.
 *
 * <p>A data source whose server refuses the login (wrong user or password, no {@code pg_hba.conf} entry, no such
 * database), fails its TLS handshake or certificate check, or cannot be reached blocks each database step's check with
 * {@link PostgresErrorCode#LOGIN_REJECTED}, {@link PostgresErrorCode#TLS_FAILED} or
 * {@link PostgresErrorCode#SERVER_UNREACHABLE}, so a run stops on it before its first change.
 *
 * <pre>{@code
 * DatabaseConnections own = DatabaseConnections.of(Map.of(
 *         ServiceDatabase.ACCESS_INFORMATION, aiiDataSource,
 *         ServiceDatabase.DICOM_WEB_FILTER, dwfDataSource,
 *         ServiceDatabase.BACKEND, backendDataSource));
 * }</pre>
 */
@FunctionalInterface
public interface DatabaseConnections {

    /**
     * The data source of a database, for the run (or dry-run) the context belongs to. Implementations that
     * start servers register them with {@link MigrationContext#closeBeforeLeavingState(AutoCloseable)}.
     *
     * @param database the database
     * @param ctx      the context of the step that asks
     * @return a data source connecting with the privileges the asking step needs (see the type's documentation)
     * @throws dev.kaapanamigrate.core.MigrationException when the database cannot be reached
     */
    DataSource dataSource(ServiceDatabase database, MigrationContext ctx);

    /**
     * JDBI on the same connections as {@link #dataSource}: what the database steps use. This default creates a new
     * {@link Jdbi} on every call; the connections this library ships ({@link #of}, {@link TemporaryServers}) keep
     * theirs. The steps configure the handles they open themselves (no template engine, their session
     * settings), so a {@code Jdbi} an implementation returns may carry the caller's own configuration.
     *
     * @param database the database
     * @param ctx      the context of the step that asks
     * @return a {@link Jdbi} on the database's data source
     * @throws dev.kaapanamigrate.core.MigrationException when the database cannot be reached
     */
    default Jdbi jdbi(ServiceDatabase database, MigrationContext ctx) {
        return Jdbi.create(dataSource(database, ctx));
    }

    /**
     * The caller's own data sources, one per database, each with one {@link Jdbi}. Asking for a database that is
     * not in the map fails with a {@link ConfigurationException} naming it. While a runner drives the steps (a plan's
     * run, dry-run or verification, or a {@code StepRunner} call), the connection a step's transaction gives back is
     * kept open for the next transaction on the same database (a new connection costs 10–20 ms); the plan closes it
     * when the run ends or the platform moves, a {@code StepRunner} call when it returns. So a pool behind a data
     * source lends at most one connection per database for that long, and a step called directly keeps none.
     *
     * @param dataSources the data sources
     * @return connections that hand them out
     */
    static DatabaseConnections of(Map<ServiceDatabase, ? extends DataSource> dataSources) {
        Map<ServiceDatabase, ReusedConnections> copy = new EnumMap<>(ServiceDatabase.class);
        dataSources.forEach((db, ds) -> copy.put(Objects.requireNonNull(db, "database"),
                new ReusedConnections(Objects.requireNonNull(ds, "data source of " + db))));
        return new DatabaseConnections() {
            @Override
            public DataSource dataSource(ServiceDatabase database, MigrationContext ctx) {
                return known(copy, database).dataSource(ctx);
            }

            @Override
            public Jdbi jdbi(ServiceDatabase database, MigrationContext ctx) {
                return known(copy, database).jdbi(ctx);
            }
        };
    }

    private static <T> T known(Map<ServiceDatabase, T> configured, ServiceDatabase database) {
        T value = configured.get(Objects.requireNonNull(database, "database"));
        if (value == null) {
            throw new ConfigurationException(Problem.of(CoreErrorCode.CONFIGURATION_INVALID,
                    "no data source for the " + database.stableName() + " database",
                    "a data source for every database the plan migrates",
                    "add ServiceDatabase." + database.name() + " to the map given to DatabaseConnections.of"));
        }
        return value;
    }
}
