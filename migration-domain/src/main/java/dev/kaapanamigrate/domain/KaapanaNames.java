package dev.kaapanamigrate.domain;

import java.util.List;

/**
 * The names Kaapana 0.4 and 0.5 give to the things the migration checks (reference §2, §9, §10): a project's bucket,
 * index and namespace, the global buckets, the admin index and index template, the per-project policy and role names,
 * and the folders below FAST_DATA_DIR and SLOW_DATA_DIR that do not move. Names do not change from 0.4 to 0.5 except
 * where a method says so (policies and role mappings are keyed by the project's id: integer in 0.4, UUID in 0.5).
 *
 * <pre>{@code
 * String bucket = KaapanaNames.bucketOf("admin");                        // project-admin
 * String policy05 = KaapanaNames.accessName("admin_project", uuid);     // admin_project_<uuid>
 * }</pre>
 */
public final class KaapanaNames {

    /** The admin project's name. */
    public static final String ADMIN_PROJECT = "admin";
    /** The index every series is stored in besides its project's, and the default index of 0.4 and 0.5. */
    public static final String ADMIN_INDEX = "project_admin";
    /** The bootstrap index meta-init creates. */
    public static final String INIT_INDEX = "project_init";
    /** The name of the index template for project indices. */
    public static final String INDEX_TEMPLATE = "project_";
    /** The pattern of project indices, as the template and the Dashboards index pattern give it. */
    public static final String INDEX_PATTERN = "project_*";
    /** Buckets every installation has besides the project buckets. */
    public static final List<String> GLOBAL_BUCKETS = List.of("cache", "template-analysis-scripts");
    /** The token claim key of MinIO policies. */
    public static final String MINIO_CLAIM_KEY = "policy";
    /** The token claim key of OpenSearch roles. */
    public static final String OPENSEARCH_CLAIM_KEY = "opensearch";
    /** Where MinIO keeps its data, relative to SLOW_DATA_DIR. */
    public static final String MINIO_DATA = "minio";
    /** Where OpenSearch keeps its index data, relative to FAST_DATA_DIR. */
    public static final String OPENSEARCH_DATA = "os/data";
    /** The PACS folders below FAST_DATA_DIR that stay where they are. */
    public static final List<String> PACS_FAST_FOLDERS = List.of("postgres-dcm4che", "ldap", "slapd.d");
    /** The PACS folders below SLOW_DATA_DIR that stay where they are. */
    public static final List<String> PACS_SLOW_FOLDERS = List.of("dcm4che/dicom_data", "dcm4che/server_data");
    /** Folders below FAST_DATA_DIR that 0.5 no longer uses (safe to archive). */
    public static final List<String> ORPHANED_FOLDERS = List.of("alembic", "os/security-backup");

    private KaapanaNames() {
    }

    /**
     * The bucket of a project.
     *
     * @param projectName the project's name
     * @return {@code project-<name>}
     */
    public static String bucketOf(String projectName) {
        return "project-" + projectName;
    }

    /**
     * The index of a project.
     *
     * @param projectName the project's name
     * @return {@code project_<name>}
     */
    public static String indexOf(String projectName) {
        return "project_" + projectName;
    }

    /**
     * The Kubernetes namespace of a project.
     *
     * @param projectName the project's name
     * @return {@code project-<name>}
     */
    public static String namespaceOf(String projectName) {
        return "project-" + projectName;
    }

    /**
     * The name of a project's MinIO policy or OpenSearch backend role: the right's claim value and the project's id,
     * its integer id in 0.4 and its UUID in 0.5.
     *
     * @param claimValue the right's claim value, for example {@code admin_project}
     * @param projectId  the project's 0.4 integer id or 0.5 UUID
     * @return for example {@code admin_project_1} or {@code admin_project_<uuid>}
     */
    public static String accessName(String claimValue, Object projectId) {
        return claimValue + "_" + projectId;
    }

    /**
     * The name of a project's OpenSearch role (the same in 0.4 and 0.5).
     *
     * @param claimValue  the right's claim value, for example {@code admin_project}
     * @param projectName the project's name
     * @return for example {@code admin_project_admin}
     */
    public static String roleOf(String claimValue, String projectName) {
        return claimValue + "_" + projectName;
    }
}
