package dev.kaapanamigrate.postgres;

import java.util.Objects;

/**
 * The Kaapana version an installation was found to have, and where it was read from; shared through
 * {@link DetectVersionStep#DETECTED}.
 *
 * <pre>{@code
 * DetectedVersion v = ctx.require(DetectVersionStep.DETECTED);
 * if (v.version().isSeries(0, 4)) { ... }
 * }</pre>
 *
 * @param version the version
 * @param source  where it was read from: the version file or the chart archive, as a path
 * @param note    a remark for the operator (for example the other chart archives found), or {@code null}
 */
public record DetectedVersion(KaapanaVersion version, String source, String note) {

    /**
     * Validates the components.
     *
     * @param version the version
     * @param source  where it was read from
     * @param note    a remark, or {@code null}
     */
    public DetectedVersion {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(source, "source");
    }
}
