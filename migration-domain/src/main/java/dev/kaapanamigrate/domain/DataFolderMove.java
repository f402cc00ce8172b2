package dev.kaapanamigrate.domain;

/**
 * The five PostgreSQL data folder moves of Kaapana 0.4.x → 0.5.x, relative to FAST_DATA_DIR
 * (migration reference §2). Each is a rename on the same file system; keycloak's folder is nested in 0.4,
 * and its then-empty parent {@code keycloak} is removed afterwards.
 *
 * <pre>{@code
 * Path from = fastDataDir.resolve(DataFolderMove.BACKEND.from());   // postgres-backend
 * Path to = fastDataDir.resolve(DataFolderMove.BACKEND.to());       // kaapana-backend-postgres-data
 * }</pre>
 */
public enum DataFolderMove {
    /** access-information (AII) database. */
    ACCESS_INFORMATION("postgres-access-information-point", "access-information-interface-postgres-data"),
    /** dicom-web-filter (DWF) database, formerly the dicom project mapping. */
    DICOM_WEB_FILTER("dicom-project-mapping-postgres", "dicom-web-filter-postgres-data"),
    /** Airflow's database. */
    AIRFLOW("postgres-airflow", "airflow-postgres-data"),
    /** kaapana-backend database. */
    BACKEND("postgres-backend", "kaapana-backend-postgres-data"),
    /** Keycloak's database; nested in the 0.4 folder {@code keycloak}. */
    KEYCLOAK("keycloak/db-files", "keycloak-postgres-data");

    /** The 0.4 folder that holds keycloak's data folder and is removed once it is empty. */
    public static final String KEYCLOAK_PARENT = "keycloak";

    private final String from;
    private final String to;

    DataFolderMove(String from, String to) {
        this.from = from;
        this.to = to;
    }

    /**
     * The 0.4 folder, relative to FAST_DATA_DIR.
     *
     * @return for example {@code postgres-backend} or {@code keycloak/db-files}
     */
    public String from() {
        return from;
    }

    /**
     * The 0.5 folder, relative to FAST_DATA_DIR.
     *
     * @return for example {@code kaapana-backend-postgres-data}
     */
    public String to() {
        return to;
    }
}
