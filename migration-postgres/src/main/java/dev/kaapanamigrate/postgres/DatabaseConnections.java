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

/**
 * Where the database steps get their connections from: either the caller's own data sources (for example
 * servers the caller runs with the database pods only, or a port-forward) or temporary servers the library
 * starts on the data folders while the platform is down. Both are first-class; a step never cares which.
 *
 * <p>A data source must connect as the database's superuser ({@link ServiceDatabase#superuser()}), because
 * the migration changes tables, constraints and sequences that role owns.
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
     * @return a data source connecting as the database's superuser
     * @throws dev.kaapanamigrate.core.MigrationException when the database cannot be reached
     */
    DataSource dataSource(ServiceDatabase database, MigrationContext ctx);

    /**
     * JDBI on the same connections as {@link #dataSource}: what the database steps use. This default creates a new
     * {@link Jdbi} on every call; the connections this library ships ({@link #of}, {@link TemporaryServers}) keep one
     * per data source. The steps configure the handles they open themselves (no template engine, their session
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
     * not in the map fails with a {@link ConfigurationException} naming it.
     *
     * @param dataSources the data sources
     * @return connections that hand them out
     */
    static DatabaseConnections of(Map<ServiceDatabase, ? extends DataSource> dataSources) {
        Map<ServiceDatabase, DataSource> copy = new EnumMap<>(ServiceDatabase.class);
        Map<ServiceDatabase, Jdbi> jdbis = new EnumMap<>(ServiceDatabase.class);
        dataSources.forEach((db, ds) -> {
            copy.put(Objects.requireNonNull(db, "database"), Objects.requireNonNull(ds, "data source of " + db));
            jdbis.put(db, Jdbi.create(ds));
        });
        return new DatabaseConnections() {
            @Override
            public DataSource dataSource(ServiceDatabase database, MigrationContext ctx) {
                return known(copy, database);
            }

            @Override
            public Jdbi jdbi(ServiceDatabase database, MigrationContext ctx) {
                return known(jdbis, database);
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
