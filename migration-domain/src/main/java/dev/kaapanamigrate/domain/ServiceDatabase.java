package dev.kaapanamigrate.domain;

import java.util.Objects;

/**
 * The three Kaapana databases this library migrates itself (reference §3, §5–§7): their data folder, the
 * database's own superuser and database name (Kaapana's images have no {@code postgres} role), and the
 * alembic revision 0.5.2 expects. Airflow and Keycloak migrate their own databases at start; only their
 * folders move.
 *
 * <pre>{@code
 * DataSource aii = connections.dataSource(ServiceDatabase.ACCESS_INFORMATION, ctx);
 * }</pre>
 */
public enum ServiceDatabase {
    /** access-information-interface (AII): projects, rights, roles, user–project–role mappings. */
    ACCESS_INFORMATION(DataFolderMove.ACCESS_INFORMATION, "kaapanauser", "kaapanauser", "6e751c62ecfa"),
    /** dicom-web-filter (DWF): which series belongs to which project. */
    DICOM_WEB_FILTER(DataFolderMove.DICOM_WEB_FILTER, "kaapanauser", "kaapanauser", "6defb625827a"),
    /** kaapana-backend: sites, datasets, workflows, jobs, settings. */
    BACKEND(DataFolderMove.BACKEND, "kaapanauser", "kaapanauser", "e689ab05516a");

    private final DataFolderMove folder;
    private final String superuser;
    private final String database;
    private final String targetRevision;

    ServiceDatabase(DataFolderMove folder, String superuser, String database, String targetRevision) {
        this.folder = folder;
        this.superuser = superuser;
        this.database = database;
        this.targetRevision = targetRevision;
    }

    /**
     * The data folder move of this database; {@code folder().to()} is where it lives in 0.5.
     *
     * @return the move
     */
    public DataFolderMove folder() {
        return folder;
    }

    /**
     * The database's own superuser (the image's {@code POSTGRES_USER}).
     *
     * @return for example {@code kaapanauser}
     */
    public String superuser() {
        return superuser;
    }

    /**
     * The database name.
     *
     * @return for example {@code kaapanauser}
     */
    public String database() {
        return database;
    }

    /**
     * The alembic head revision of the 0.5.2 service, written to {@code alembic_version} by the migration.
     *
     * @return for example {@code 6e751c62ecfa}
     */
    public String targetRevision() {
        return targetRevision;
    }

    /**
     * A stable, lower-case name for reports and journal entries.
     *
     * @return {@code access-information}, {@code dicom-web-filter} or {@code backend}
     */
    public String stableName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    @Override
    public String toString() {
        return Objects.requireNonNull(stableName());
    }
}
