package dev.kaapanamigrate.kaapana;

/**
 * What state a Kaapana installation is in after {@link KaapanaMigration#run()}, judged from what every step of the run
 * reported: which version its data is in, and whether a platform may start on it.
 */
public enum InstallationState {
    /** Nothing in the installation was changed: its data is the 0.4 data it was, 0.4 may be deployed again. */
    AS_BEFORE("nothing in the installation was changed: 0.4 may be deployed again as it was"),
    /**
     * The run changed the data and stopped before the version marker: neither 0.4 nor 0.5 may start on it; finish by
     * running again, or undo by restoring the backup.
     */
    PARTLY_MIGRATED("partly migrated: the data was changed and the version marker not written; keep the platform "
            + "undeployed, neither 0.4 nor 0.5 may start on it"),
    /** The failed run's changes were undone from the verified backup, proven byte-identical: 0.4's data as before. */
    RESTORED("restored: the run's changes were undone from the verified backup, proven byte-identical to its manifest"),
    /** Every database migrated and {@code FAST/version} written; 0.5 has not been deployed on it yet. */
    MIGRATED_NOT_DEPLOYED("migrated, not deployed: the data is 0.5.2's and FAST/version says so; 0.5.2 may be deployed"),
    /** 0.5 was deployed on the migrated data (and has written to it), but the run did not prove every guarantee. */
    DEPLOYED_NOT_PROVEN("0.5 deployed on the migrated data, which it has written to, but the run did not prove every "
            + "guarantee"),
    /** 0.5 runs on the migrated data and every step of the run is done. */
    MIGRATED("migrated: every step done");

    private final String description;

    InstallationState(String description) {
        this.description = description;
    }

    /**
     * One sentence for an operator.
     *
     * @return the description
     */
    public String description() {
        return description;
    }
}
