package dev.kaapanamigrate.domain;

import java.util.Objects;
import java.util.UUID;

/**
 * One project as the access-information migration keyed it: its 0.4 integer id, the UUID it has in 0.5
 * (generated once, in the access-information database, and used for the same project in every other
 * database), and the names of its resources. Plain data: it is journaled and read by the object-store,
 * index and consistency steps, which never open a database themselves.
 *
 * @param oldId               the 0.4 {@code projects.id} (0.5 {@code projects.int_id})
 * @param id                  the 0.5 {@code projects.id}
 * @param name                the project name
 * @param s3Bucket            the project's bucket, for example {@code project-admin}
 * @param opensearchIndex     the project's index, for example {@code project_admin}
 * @param kubernetesNamespace the project's namespace, for example {@code project-admin}
 */
public record Project(int oldId, UUID id, String name, String s3Bucket, String opensearchIndex,
        String kubernetesNamespace) {

    /**
     * Checks the required fields.
     *
     * @param oldId               the 0.4 id
     * @param id                  the 0.5 id
     * @param name                the name
     * @param s3Bucket            the bucket (may be {@code null} when the row has none)
     * @param opensearchIndex     the index (may be {@code null})
     * @param kubernetesNamespace the namespace (may be {@code null})
     */
    public Project {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
    }
}
