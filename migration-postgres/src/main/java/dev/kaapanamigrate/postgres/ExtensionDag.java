package dev.kaapanamigrate.postgres;

import java.util.List;
import java.util.Objects;

/**
 * A DAG id the 0.4 installation used that no default software mapping of Kaapana 0.5.2 covers (after the two
 * DAG renames): 0.5 maps it to no project, so its users cannot start it until an operator maps it.
 *
 * @param dagId     the DAG id (its 0.5 id where it was renamed)
 * @param projects  the names of the projects its jobs ran in (from {@code job.conf_data.project_form}; the id as
 *                  text where the form has no name), and of the projects of its workflows without jobs where the
 *                  backend has {@code workflow.project_id}; sorted
 * @param jobs      rows in {@code job}
 * @param workflows rows in {@code workflow}
 * @param sites     the instance names of sites whose {@code allowed_dags} hold it; sorted
 * @param settingsUsers the users whose saved workflow settings hold it; sorted
 */
public record ExtensionDag(String dagId, List<String> projects, long jobs, long workflows, List<String> sites,
        List<String> settingsUsers) {

    /**
     * Copies the lists.
     *
     * @param dagId         the DAG id
     * @param projects      the projects
     * @param jobs          jobs
     * @param workflows     workflows
     * @param sites         sites
     * @param settingsUsers users with saved settings
     */
    public ExtensionDag {
        Objects.requireNonNull(dagId, "dagId");
        projects = List.copyOf(projects);
        sites = List.copyOf(sites);
        settingsUsers = List.copyOf(settingsUsers);
    }

    /**
     * One line for reports.
     *
     * @return for example {@code my-dag: projects admin, neuro; 12 jobs, 3 workflows; allowed on site-a; saved
     *         settings of kaapana}
     */
    public String describe() {
        StringBuilder s = new StringBuilder(dagId).append(": projects ")
                .append(projects.isEmpty() ? "(none known)" : String.join(", ", projects))
                .append("; ").append(jobs).append(" jobs, ").append(workflows).append(" workflows");
        if (!sites.isEmpty()) {
            s.append("; allowed on ").append(String.join(", ", sites));
        }
        if (!settingsUsers.isEmpty()) {
            s.append("; saved settings of ").append(String.join(", ", settingsUsers));
        }
        return s.toString();
    }
}
