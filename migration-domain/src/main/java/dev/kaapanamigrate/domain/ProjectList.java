package dev.kaapanamigrate.domain;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import dev.kaapanamigrate.core.ContextKey;

/**
 * Every project with its old id and new UUID, and which one is the admin project: what the access-information
 * migration puts into the context ({@link #KEY}) for the later steps, and what the object-store, index and consistency
 * steps read (they never open a database themselves). A caller who migrated the access-information database outside
 * the plan gives it with {@code MigrationPlan.Builder.contextValue(ProjectList.KEY, list)}.
 *
 * <pre>{@code
 * ProjectList projects = ctx.require(ProjectList.KEY);
 * UUID admin = projects.admin().id();
 * }</pre>
 *
 * @param projects    the projects, ordered by old id
 * @param adminOldId  the old id of the admin project
 */
public record ProjectList(List<Project> projects, int adminOldId) {

    /** The context key under which the access-information migration shares the list. */
    public static final ContextKey<ProjectList> KEY = ContextKey.of("kaapana.projects", ProjectList.class);

    /**
     * Copies the list and checks that the admin project is in it.
     *
     * @param projects   the projects
     * @param adminOldId the old id of the admin project
     */
    public ProjectList {
        projects = List.copyOf(Objects.requireNonNull(projects, "projects"));
        int admin = adminOldId;
        if (projects.stream().noneMatch(p -> p.oldId() == admin)) {
            throw new IllegalArgumentException("the admin project (old id " + adminOldId + ") is not in the list");
        }
    }

    /**
     * The admin project.
     *
     * @return the project whose old id is {@link #adminOldId()}
     */
    public Project admin() {
        return byOldId(adminOldId).orElseThrow();
    }

    /**
     * Whether a project is the admin project.
     *
     * @param project a project of this list
     * @return {@code true} for the admin project
     */
    public boolean isAdmin(Project project) {
        return project.oldId() == adminOldId;
    }

    /**
     * A project by its name.
     *
     * @param name the project name
     * @return the project, or empty
     */
    public Optional<Project> byName(String name) {
        return projects.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /**
     * A project by its 0.4 integer id.
     *
     * @param oldId the 0.4 id
     * @return the project, or empty
     */
    public Optional<Project> byOldId(int oldId) {
        return projects.stream().filter(p -> p.oldId() == oldId).findFirst();
    }

    /**
     * A project by its 0.5 UUID.
     *
     * @param id the UUID
     * @return the project, or empty
     */
    public Optional<Project> byId(UUID id) {
        return projects.stream().filter(p -> p.id().equals(id)).findFirst();
    }
}
