package dev.kaapanamigrate.opensearch;

import dev.kaapanamigrate.core.ContextKey;
import java.util.List;
import java.util.Objects;

/**
 * What {@link CheckSecurityStep} found once 0.5 ran, per project and claim value: the role {@code <claim>_<name>} and
 * whether it exists mapped to the backend role {@code <claim>_<uuid>}. Shared as {@link #KEY} for the consistency check
 * (so it need not read the security API again). Plain data.
 *
 * @param endpoint the node, as messages name it
 * @param roles    one entry per project and claim value, in project order
 */
public record ProjectRoles(String endpoint, List<Role> roles) {

    /** The context key. */
    public static final ContextKey<ProjectRoles> KEY = ContextKey.of("opensearch.project-roles", ProjectRoles.class);

    /**
     * One project's role.
     *
     * @param project     the project's name
     * @param projectId   the project's UUID
     * @param role        the role, for example {@code admin_project_admin}
     * @param backendRole the backend role it must be mapped to, for example {@code admin_project_<uuid>}
     * @param exists      whether the role exists
     * @param mapped      whether it is mapped to the backend role
     */
    public record Role(String project, String projectId, String role, String backendRole, boolean exists,
                       boolean mapped) {
    }

    /**
     * Copies the list.
     *
     * @param endpoint the endpoint
     * @param roles    the roles
     */
    public ProjectRoles {
        Objects.requireNonNull(endpoint, "endpoint");
        roles = List.copyOf(Objects.requireNonNull(roles, "roles"));
    }
}
