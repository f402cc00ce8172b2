package dev.kaapanamigrate.postgres;

import java.util.Objects;
import java.util.Optional;

/**
 * The decisions the database migrations cannot take alone (reference §14, questions 1 and 2). Immutable: every
 * {@code with…} method returns a new value, so a configured instance can be shared.
 *
 * <pre>{@code
 * DatabaseMigrationOptions options = DatabaseMigrationOptions.defaults()
 *         .withAdminProjectName("administration")
 *         .withUnknownProjectMappings(DatabaseMigrationOptions.UnknownProjectMappings.REMAP_TO_ADMIN);
 * }</pre>
 *
 * @param adminProjectName       the name of the project that becomes the 0.5 admin project, or {@code null} for
 *                               the 0.4 rule: the project with id 1, which must be named {@code admin}
 * @param unknownProjectMappings what to do with dicom-web-filter mappings to project ids that the
 *                               access-information database does not know
 */
public record DatabaseMigrationOptions(String adminProjectName, UnknownProjectMappings unknownProjectMappings) {

    /** The name 0.4 gives the admin project (old id 1). */
    public static final String DEFAULT_ADMIN_PROJECT = "admin";

    /**
     * What to do with dicom-web-filter {@code data_projects} rows whose {@code project_id} is not a project of the
     * access-information database (upstream's migration fails on them and the service crash-loops).
     */
    public enum UnknownProjectMappings {
        /** Refuse: the step is blocked and lists the unknown ids with their row counts. The default. */
        BLOCK,
        /**
         * Map each such row to the admin project. A row whose series is already mapped to the admin project (or
         * to it by another remapped row) would break {@code UNIQUE(project_id, series_instance_uid)}: it is
         * dropped instead. Every remapped and every dropped row is reported as a change.
         */
        REMAP_TO_ADMIN,
        /** Delete each such row; every deleted row is reported as a change. */
        DROP
    }

    /**
     * Validates the components.
     *
     * @param adminProjectName       the admin project's name, or {@code null} for the 0.4 rule (id 1 named
     *                               {@code admin})
     * @param unknownProjectMappings the policy for mappings to unknown projects
     */
    public DatabaseMigrationOptions {
        Objects.requireNonNull(unknownProjectMappings, "unknownProjectMappings");
        if (adminProjectName != null && adminProjectName.isBlank()) {
            throw new IllegalArgumentException("adminProjectName must not be blank; use null for the default (id 1 named admin)");
        }
    }

    /**
     * The defaults: admin project = id 1 named {@code admin}; mappings to unknown projects block.
     *
     * @return the defaults
     */
    public static DatabaseMigrationOptions defaults() {
        return new DatabaseMigrationOptions(null, UnknownProjectMappings.BLOCK);
    }

    /**
     * These options with the admin project named explicitly: the project of that name becomes the 0.5 admin
     * project, whatever its old id; datasets and workflows are assigned to it.
     *
     * @param name the project name
     * @return new options
     */
    public DatabaseMigrationOptions withAdminProjectName(String name) {
        return new DatabaseMigrationOptions(Objects.requireNonNull(name, "name"), unknownProjectMappings);
    }

    /**
     * These options with another policy for mappings to unknown projects.
     *
     * @param policy the policy
     * @return new options
     */
    public DatabaseMigrationOptions withUnknownProjectMappings(UnknownProjectMappings policy) {
        return new DatabaseMigrationOptions(adminProjectName, policy);
    }

    /**
     * The explicitly named admin project.
     *
     * @return the name, or empty for the 0.4 rule
     */
    public Optional<String> explicitAdminProject() {
        return Optional.ofNullable(adminProjectName);
    }
}
