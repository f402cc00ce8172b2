package dev.kaapanamigrate.testkit.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * What 0.5.2's first start does to OpenSearch (reference §8, §9), for a simulated deploy: securityadmin resets the
 * security index to the image's defaults (no marker file in a 0.4 logs folder), then the init-projects job re-submits
 * every project: it ensures the project's index and writes its role {@code <claim>_<name>} with a mapping to the
 * backend role {@code <claim>_<uuid>}. Immutable; {@link #omitting(Action...)} leaves actions out for negative tests.
 *
 * <pre>{@code
 * platform.onDeploy(p -> new OpenSearchStartup().omitting(OpenSearchStartup.Action.SECURITY_RESET)
 *         .run(security, client, OpenSearchStartup.projects(p.dataSource(KaapanaDatabase.ACCESS_INFORMATION))));
 * }</pre>
 */
public final class OpenSearchStartup {

    /** One start-up action. */
    public enum Action {
        /** securityadmin re-initialises the security index: every project role and mapping of 0.4 vanishes. */
        SECURITY_RESET,
        /** init-projects writes each project's role and its mapping to the project's UUID backend role. */
        PROJECT_ROLES,
        /** init-projects creates a missing project index (empty; the template gives its settings). */
        PROJECT_INDICES
    }

    /**
     * A project as 0.5's access-information service lists it.
     *
     * @param name  the name
     * @param id    the UUID
     * @param index the index
     */
    public record Project(String name, UUID id, String index) {
        /**
         * Validates.
         *
         * @param name  name
         * @param id    UUID
         * @param index index
         */
        public Project {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(id, "id");
            index = index == null ? "project_" + name : index;
        }
    }

    private final Set<Action> actions;
    private final List<String> claimValues;

    /** Every action, claim value {@code admin_project}. */
    public OpenSearchStartup() {
        this(EnumSet.allOf(Action.class), List.of("admin_project"));
    }

    private OpenSearchStartup(Set<Action> actions, List<String> claimValues) {
        this.actions = actions.isEmpty() ? EnumSet.noneOf(Action.class) : EnumSet.copyOf(actions);
        this.claimValues = List.copyOf(claimValues);
    }

    /**
     * This start-up without some actions.
     *
     * @param left the actions to leave out
     * @return a new start-up
     */
    public OpenSearchStartup omitting(Action... left) {
        Set<Action> rest = EnumSet.copyOf(actions);
        for (Action a : left) {
            rest.remove(a);
        }
        return new OpenSearchStartup(rest, claimValues);
    }

    /**
     * This start-up with other claim values.
     *
     * @param values the claim values of the opensearch rights
     * @return a new start-up
     */
    public OpenSearchStartup withClaimValues(List<String> values) {
        return new OpenSearchStartup(actions, values);
    }

    /**
     * The actions it performs.
     *
     * @return the actions
     */
    public Set<Action> actions() {
        return EnumSet.copyOf(actions.isEmpty() ? EnumSet.noneOf(Action.class) : actions);
    }

    /**
     * Performs the actions.
     *
     * @param security the security stand-in
     * @param node     a client of the node (for the indices)
     * @param projects the projects of 0.5's access-information database
     */
    public void run(SecurityStandIn security, OpenSearchClient node, List<Project> projects) {
        if (actions.contains(Action.SECURITY_RESET)) {
            security.resetToDefaults();
        }
        for (Project p : projects) {
            if (actions.contains(Action.PROJECT_INDICES)) {
                try {
                    if (!node.indices().exists(e -> e.index(p.index())).value()) {
                        node.indices().create(c -> c.index(p.index()));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("creating index " + p.index() + " failed: " + e.getMessage(), e);
                }
            }
            if (actions.contains(Action.PROJECT_ROLES)) {
                for (String claim : claimValues) {
                    security.putProjectRole(claim, p.name(), p.index(), claim + "_" + p.id());
                }
            }
        }
    }

    /**
     * Reads the projects from a 0.5 access-information database, as init-projects gets them from the service.
     *
     * @param accessInformation the database (0.5.2 schema)
     * @return the projects
     */
    public static List<Project> projects(DataSource accessInformation) {
        try (Connection c = accessInformation.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name, id, opensearch_index FROM projects ORDER BY int_id")) {
            List<Project> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Project(rs.getString(1), (UUID) rs.getObject(2), rs.getString(3)));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("reading the projects of the 0.5 access-information database failed "
                    + "(was it migrated?): " + e.getMessage(), e);
        }
    }
}
