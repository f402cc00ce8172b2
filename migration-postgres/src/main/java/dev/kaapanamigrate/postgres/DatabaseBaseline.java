package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.core.ContextKey;
import dev.kaapanamigrate.domain.ServiceDatabase;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What a database migration step recorded before it changed anything: per table the rows and an order-independent
 * digest of its business columns, taken from queries that already apply the step's documented rewrites, journaled by
 * {@link MigrateAccessInformationStep}, {@link MigrateDicomWebFilterStep} and {@link MigrateBackendStep}. A read-only
 * view for tools and tests (the digest itself is the steps' own: compare with it by running the step's
 * {@code verify}, never by recomputing it):
 *
 * <pre>{@code
 * DatabaseBaseline backend = JournaledValues.read(stateDirectory).get(DatabaseBaseline.key(ServiceDatabase.BACKEND))
 *         .orElseThrow();
 * long jobsBefore = backend.tables().get("job").rows();
 * }</pre>
 *
 * <p>Read it from {@link dev.kaapanamigrate.core.JournaledValues}; inside a migration context the steps read the same
 * journaled value as their own type.
 *
 * @param tables per table: rows and digest, sorted by table
 * @param runId  the run that recorded it
 */
public record DatabaseBaseline(Map<String, TableContent> tables, UUID runId) {

    /**
     * One table's content before the migration.
     *
     * @param rows   the rows
     * @param digest the digest (decimal text; meaningful only to the step that took it)
     */
    public record TableContent(long rows, String digest) {
    }

    /**
     * Sorts and copies the map.
     *
     * @param tables the tables
     * @param runId  the run
     */
    public DatabaseBaseline {
        tables = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(tables, "tables")));
    }

    /**
     * The key under which a database's migration step journals its baseline.
     *
     * @param database the database
     * @return the key, for example {@code postgres.baseline-backend.v2}
     */
    public static ContextKey<DatabaseBaseline> key(ServiceDatabase database) {
        return ContextKey.of("postgres.baseline-" + Objects.requireNonNull(database, "database").stableName() + ".v2",
                DatabaseBaseline.class);
    }
}
