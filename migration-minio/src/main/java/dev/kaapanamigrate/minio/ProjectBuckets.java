package dev.kaapanamigrate.minio;

import java.util.List;
import java.util.Objects;

/**
 * What {@link CheckPoliciesStep} found once 0.5 ran, per project: its bucket and, per policy claim value, its
 * UUID-named policy and whether that grants the bucket. Shared as {@link MinioKeys#PROJECT_BUCKETS} for the consistency
 * check (so it need not list buckets and policies again). Plain data.
 *
 * @param endpoint the store, as messages name it
 * @param projects one entry per project, in project order
 */
public record ProjectBuckets(String endpoint, List<Project> projects) {

    /**
     * One project's bucket and policies.
     *
     * @param project      the project's name
     * @param projectId    the project's UUID
     * @param bucket       its bucket
     * @param bucketExists whether the bucket exists
     * @param policies     the UUID-named policies it needs, for example {@code admin_project_<uuid>}
     * @param missing      those of them that are missing or do not grant the bucket
     */
    public record Project(String project, String projectId, String bucket, boolean bucketExists, List<String> policies,
                          List<String> missing) {

        /**
         * Copies the lists.
         *
         * @param project      the project
         * @param projectId    its UUID
         * @param bucket       its bucket
         * @param bucketExists whether it exists
         * @param policies     the needed policies
         * @param missing      the missing ones
         */
        public Project {
            policies = List.copyOf(policies);
            missing = List.copyOf(missing);
        }
    }

    /**
     * Copies the list.
     *
     * @param endpoint the endpoint
     * @param projects the projects
     */
    public ProjectBuckets {
        Objects.requireNonNull(endpoint, "endpoint");
        projects = List.copyOf(Objects.requireNonNull(projects, "projects"));
    }
}
