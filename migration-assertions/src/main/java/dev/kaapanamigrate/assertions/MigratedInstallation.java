package dev.kaapanamigrate.assertions;

import dev.kaapanamigrate.minio.MinioStore;
import dev.kaapanamigrate.opensearch.OpenSearchOptions;
import dev.kaapanamigrate.postgres.DatabaseConnections;
import dev.kaapanamigrate.postgres.DatabaseMigrationOptions;
import java.util.Objects;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * How a migrated installation is reached for {@link InstallationAssert}: its three service databases (the caller's
 * connections once 0.5 runs, or temporary servers while it is undeployed), optionally its object store and its search
 * index. Immutable; a part left out is not compared (and the assertion says so).
 *
 * @param databases         the access-information, dicom-web-filter and backend databases
 * @param databaseOptions   the options the migration ran with (admin project, unknown mappings), as its steps compare
 *                          under them; default {@link DatabaseMigrationOptions#defaults()}
 * @param objectStore       the MinIO store, or {@code null}
 * @param searchIndex       the OpenSearch client, or {@code null}
 * @param searchOptions     how the indices are listed
 */
public record MigratedInstallation(DatabaseConnections databases, DatabaseMigrationOptions databaseOptions,
                                   MinioStore objectStore, OpenSearchClient searchIndex, OpenSearchOptions searchOptions) {

    /**
     * Validates.
     *
     * @param databases       the databases
     * @param databaseOptions the options
     * @param objectStore     the store or {@code null}
     * @param searchIndex     the client or {@code null}
     * @param searchOptions   the listing options
     */
    public MigratedInstallation {
        Objects.requireNonNull(databases, "databases");
        Objects.requireNonNull(databaseOptions, "databaseOptions");
        Objects.requireNonNull(searchOptions, "searchOptions");
    }

    /**
     * An installation reached through its databases only.
     *
     * @param databases the connections
     * @return the installation
     */
    public static MigratedInstallation of(DatabaseConnections databases) {
        return new MigratedInstallation(databases, DatabaseMigrationOptions.defaults(), null, null,
                OpenSearchOptions.defaults());
    }

    /**
     * Also compares the objects.
     *
     * @param store the MinIO store (the caller's client)
     * @return a new value
     */
    public MigratedInstallation withObjectStore(MinioStore store) {
        return new MigratedInstallation(databases, databaseOptions, Objects.requireNonNull(store, "store"), searchIndex,
                searchOptions);
    }

    /**
     * Also compares the documents.
     *
     * @param client the OpenSearch client (the caller's)
     * @return a new value
     */
    public MigratedInstallation withSearchIndex(OpenSearchClient client) {
        return new MigratedInstallation(databases, databaseOptions, objectStore, Objects.requireNonNull(client, "client"),
                searchOptions);
    }

    /**
     * The options the database migrations ran with.
     *
     * @param options the options
     * @return a new value
     */
    public MigratedInstallation withDatabaseOptions(DatabaseMigrationOptions options) {
        return new MigratedInstallation(databases, Objects.requireNonNull(options, "options"), objectStore, searchIndex,
                searchOptions);
    }
}
