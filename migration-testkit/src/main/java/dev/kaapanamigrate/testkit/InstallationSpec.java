package dev.kaapanamigrate.testkit;

/**
 * What to generate: a seed and how many of each thing. The same spec always generates the same
 * installation. Start from a preset and vary it:
 *
 * <pre>{@code
 * InstallationSpec spec = InstallationSpec.of(InstallationSize.SMALL).withSeed(7).withJobs(500);
 * }</pre>
 *
 * @param seed      the seed all data derives from
 * @param projects  projects, the admin project (id 1) included; at least 1
 * @param users     users besides the default user {@code kaapana}
 * @param series    DICOM series (the phantom CT of every install included); at least 1
 * @param datasets  datasets, {@code phantom} included; at least 2
 * @param workflows workflows; at least 1
 * @param jobs      jobs; at least 1
 */
public record InstallationSpec(long seed, int projects, int users, int series, int datasets, int workflows, int jobs) {

    /**
     * Validates the counts.
     *
     * @param seed      the seed
     * @param projects  projects
     * @param users     users
     * @param series    series
     * @param datasets  datasets
     * @param workflows workflows
     * @param jobs      jobs
     */
    public InstallationSpec {
        require(projects >= 1, "projects", projects, 1);
        require(users >= 0, "users", users, 0);
        require(series >= 1, "series", series, 1);
        require(datasets >= 2, "datasets", datasets, 2);
        require(workflows >= 1, "workflows", workflows, 1);
        require(jobs >= 1, "jobs", jobs, 1);
        require(projects <= 10_000, "projects", projects, 1);
    }

    private static void require(boolean ok, String name, int value, int min) {
        if (!ok) {
            throw new IllegalArgumentException("InstallationSpec." + name + " is " + value + "; expected at least " + min
                    + (name.equals("projects") ? " and at most 10000" : ""));
        }
    }

    /**
     * The preset for a size, with seed 42.
     *
     * @param size the size
     * @return the spec
     */
    public static InstallationSpec of(InstallationSize size) {
        return size.spec();
    }

    /**
     * This spec with another seed.
     *
     * @param newSeed the seed
     * @return a new spec
     */
    public InstallationSpec withSeed(long newSeed) {
        return new InstallationSpec(newSeed, projects, users, series, datasets, workflows, jobs);
    }

    /**
     * This spec with another number of series.
     *
     * @param n the number of series
     * @return a new spec
     */
    public InstallationSpec withSeries(int n) {
        return new InstallationSpec(seed, projects, users, n, datasets, workflows, jobs);
    }

    /**
     * This spec with another number of jobs.
     *
     * @param n the number of jobs
     * @return a new spec
     */
    public InstallationSpec withJobs(int n) {
        return new InstallationSpec(seed, projects, users, series, datasets, workflows, n);
    }

    /**
     * This spec with another number of projects.
     *
     * @param n the number of projects, admin included
     * @return a new spec
     */
    public InstallationSpec withProjects(int n) {
        return new InstallationSpec(seed, n, users, series, datasets, workflows, jobs);
    }
}
