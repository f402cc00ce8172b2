package dev.kaapanamigrate.testkit;

/**
 * The five PostgreSQL databases of a Kaapana installation, with their 0.4 data folders (relative to
 * FAST_DATA_DIR), their 0.5 folder names, and the connection facts of Kaapana's charts (reference §2, §3).
 * The passwords are the charts' public defaults.
 */
public enum KaapanaDatabase {
    /** access-information (AII). */
    ACCESS_INFORMATION("postgres-access-information-point", "access-information-interface-postgres-data",
            "kaapanauser", "Kaapana2020", "kaapanauser"),
    /** dicom-web-filter (DWF), formerly the dicom project mapping. */
    DICOM_WEB_FILTER("dicom-project-mapping-postgres", "dicom-web-filter-postgres-data",
            "kaapanauser", "Kaapana2020", "kaapanauser"),
    /** Airflow's database (moves only). */
    AIRFLOW("postgres-airflow", "airflow-postgres-data", "root", "root", "airflow"),
    /** kaapana-backend. */
    BACKEND("postgres-backend", "kaapana-backend-postgres-data", "kaapanauser", "kaapanapassword", "kaapanauser"),
    /** Keycloak's database (moves only). */
    KEYCLOAK("keycloak/db-files", "keycloak-postgres-data", "keycloak", "keycloak", "keycloak");

    private final String folder04;
    private final String folder05;
    private final String superuser;
    private final String password;
    private final String database;

    KaapanaDatabase(String folder04, String folder05, String superuser, String password, String database) {
        this.folder04 = folder04;
        this.folder05 = folder05;
        this.superuser = superuser;
        this.password = password;
        this.database = database;
    }

    /**
     * The data folder in 0.4, relative to FAST_DATA_DIR.
     *
     * @return for example {@code postgres-backend}
     */
    public String folder04() {
        return folder04;
    }

    /**
     * The data folder in 0.5, relative to FAST_DATA_DIR.
     *
     * @return for example {@code kaapana-backend-postgres-data}
     */
    public String folder05() {
        return folder05;
    }

    /**
     * The database's own superuser (the image's POSTGRES_USER; there is no {@code postgres} role).
     *
     * @return the user
     */
    public String superuser() {
        return superuser;
    }

    /**
     * The chart's default password of the superuser.
     *
     * @return the password
     */
    public String password() {
        return password;
    }

    /**
     * The database name.
     *
     * @return the database
     */
    public String database() {
        return database;
    }
}
