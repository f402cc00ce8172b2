package dev.kaapanamigrate.kaapana;

/** What {@link BackupStep} copies of FAST_DATA_DIR. The state directory ({@code .kaapana-migrate}) never. */
public enum BackupScope {
    /**
     * The database folders: the five 0.4 PostgreSQL data folders the migration moves and changes
     * ({@code postgres-access-information-point}, {@code dicom-project-mapping-postgres}, {@code postgres-airflow},
     * {@code postgres-backend}, and {@code keycloak} with {@code db-files} in it), the PACS database
     * {@code postgres-dcm4che} (not changed by the migration, but a restore must give a consistent set of databases),
     * and the {@code version} marker when there is one. The default.
     */
    DATABASE_FOLDERS,
    /** Every top-level entry of FAST_DATA_DIR except the migration's own state and restore folders. */
    WHOLE_TREE
}
