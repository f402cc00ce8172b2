package dev.kaapanamigrate.testkit;

/** Presets for generated installations. */
public enum InstallationSize {
    /** A few of everything: unit and integration tests (seconds). */
    SMALL(new InstallationSpec(42, 4, 3, 60, 6, 12, 40)),
    /** Ten thousand series and jobs: broader integration tests. */
    MEDIUM(new InstallationSpec(42, 12, 20, 10_000, 40, 500, 10_000)),
    /** About a million rows: one million jobs and dataset memberships, for benchmarks. */
    LARGE(new InstallationSpec(42, 30, 100, 750_000, 200, 20_000, 1_000_000));

    private final InstallationSpec spec;

    InstallationSize(InstallationSpec spec) {
        this.spec = spec;
    }

    /**
     * The preset's spec.
     *
     * @return the spec
     */
    public InstallationSpec spec() {
        return spec;
    }
}
