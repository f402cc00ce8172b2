package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ServiceDatabase;
import java.util.List;
import java.util.Objects;

/**
 * What {@link RolePasswordStep} does. Immutable; start from {@link #defaults()}.
 *
 * <pre>{@code
 * RolePasswordOptions options = RolePasswordOptions.defaults().withReset(true);
 * }</pre>
 *
 * @param reset     set the role's password to the one Kaapana 0.5 uses when it differs (with a verifier computed
 *                  client-side); off by default, so a different password blocks the plan with the two fixes
 * @param databases the databases whose role is checked
 */
public record RolePasswordOptions(boolean reset, List<ServiceDatabase> databases) {

    /**
     * Copies the lists and checks them.
     *
     * @param reset     reset a different password
     * @param databases the databases, at least one
     */
    public RolePasswordOptions {
        databases = List.copyOf(Objects.requireNonNull(databases, "databases"));
        if (databases.isEmpty()) {
            throw new IllegalArgumentException("at least one database");
        }
        if (databases.contains(ServiceDatabase.BACKEND)) {
            // 0.4 and 0.5 both use the chart's kaapanapassword there; nothing to align (reference §3).
            throw new IllegalArgumentException("the backend's password is the same in 0.4 and 0.5; only the "
                    + "access-information and dicom-web-filter databases have 0.5's fixed password");
        }
    }

    /**
     * Check the access-information and dicom-web-filter databases, report a different password (no reset).
     *
     * @return the defaults
     */
    public static RolePasswordOptions defaults() {
        return new RolePasswordOptions(false, List.of(ServiceDatabase.ACCESS_INFORMATION, ServiceDatabase.DICOM_WEB_FILTER));
    }

    /**
     * Sets whether a different password is reset.
     *
     * @param on whether
     * @return changed options
     */
    public RolePasswordOptions withReset(boolean on) {
        return new RolePasswordOptions(on, databases);
    }

    /**
     * Sets the databases.
     *
     * @param which the databases
     * @return changed options
     */
    public RolePasswordOptions withDatabases(List<ServiceDatabase> which) {
        return new RolePasswordOptions(reset, which);
    }
}
