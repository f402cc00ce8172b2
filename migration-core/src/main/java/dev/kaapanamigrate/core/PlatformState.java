package dev.kaapanamigrate.core;

/**
 * The states a platform passes through during a migration, in order. Each step declares the state it
 * needs; a plan runs the steps of each state together and asks its {@link PlatformControl} to move the
 * platform forward between them. A plan never moves the platform backwards.
 */
public enum PlatformState {
    /** The old version (Kaapana 0.4.x) runs: take baselines through its live services. */
    SOURCE_RUNNING("the old version is running"),
    /** Nothing runs: back up, move folders, migrate databases offline. */
    UNDEPLOYED("the platform is undeployed"),
    /** The new version (Kaapana 0.5.x) runs: migrate and verify through its live services. */
    TARGET_RUNNING("the new version is running");

    private final String description;

    PlatformState(String description) {
        this.description = description;
    }

    /**
     * A short phrase for messages.
     *
     * @return for example {@code "the platform is undeployed"}
     */
    public String description() {
        return description;
    }
}
