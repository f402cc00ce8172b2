package dev.kaapanamigrate.postgres;

import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kaapana release version: {@code major.minor}, an optional {@code .patch} and an optional {@code -suffix},
 * as found in {@code FAST_DATA_DIR/version} or in the name of the platform chart archive (migration reference
 * §12). A version without patch (for example {@code 0.5}, which upstream's migration runner writes) can be
 * parsed, but {@link #hasPatch()} is false and it is not a valid content of the version file.
 *
 * <p>Order: by major, minor, patch (a missing patch sorts before {@code .0}), then a version with a suffix
 * sorts before the same version without one (a pre-release), suffixes compared as text.
 *
 * <pre>{@code
 * KaapanaVersion v = KaapanaVersion.parse("0.4.2");
 * v.isSeries(0, 4);                                     // true
 * v.compareTo(KaapanaVersion.TARGET) < 0;               // true
 * KaapanaVersion.TARGET.format();                       // "0.5.2"
 * }</pre>
 *
 * @param major  the major number, at least 0
 * @param minor  the minor number, at least 0
 * @param patch  the patch number, at least 0, or {@code null} when the version has none
 * @param suffix the text after the first {@code -}, or {@code null}; never empty
 */
public record KaapanaVersion(int major, int minor, Integer patch, String suffix) implements Comparable<KaapanaVersion> {

    /** The release this library migrates to. */
    public static final KaapanaVersion TARGET = new KaapanaVersion(0, 5, 2, null);

    private static final Pattern FORM = Pattern.compile("(\\d{1,9})\\.(\\d{1,9})(?:\\.(\\d{1,9}))?(?:-(.+))?");

    private static final Comparator<KaapanaVersion> ORDER = Comparator.comparingInt(KaapanaVersion::major)
            .thenComparingInt(KaapanaVersion::minor)
            .thenComparingInt(v -> v.patch() == null ? -1 : v.patch())
            .thenComparing(KaapanaVersion::suffix, Comparator.nullsLast(Comparator.naturalOrder()));

    /**
     * Validates the components.
     *
     * @param major  the major number, at least 0
     * @param minor  the minor number, at least 0
     * @param patch  the patch number, at least 0, or {@code null}
     * @param suffix the suffix, or {@code null}; never empty or blank
     */
    public KaapanaVersion {
        if (major < 0 || minor < 0 || (patch != null && patch < 0)) {
            throw new IllegalArgumentException("version numbers must not be negative: " + major + "." + minor + "." + patch);
        }
        if (suffix != null && suffix.isBlank()) {
            throw new IllegalArgumentException("a version suffix must not be empty");
        }
    }

    /**
     * Parses {@code major.minor[.patch][-suffix]}; surrounding white space is ignored.
     *
     * @param text the text, for example {@code 0.4.2}, {@code 0.5} or {@code 0.5.2-rc1}
     * @return the version
     * @throws IllegalArgumentException when the text has another form
     */
    public static KaapanaVersion parse(String text) {
        return tryParse(text).orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not a Kaapana version; "
                + "expected major.minor.patch with an optional -suffix, for example 0.4.2"));
    }

    /**
     * Parses {@code major.minor[.patch][-suffix]} without throwing.
     *
     * @param text the text, or {@code null}
     * @return the version, or empty when the text has another form
     */
    public static Optional<KaapanaVersion> tryParse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        String suffix = m.group(4);
        if (suffix != null && suffix.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new KaapanaVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? null : Integer.valueOf(m.group(3)), suffix));
    }

    /**
     * Whether the version has a patch number, as every version written to the version file must.
     *
     * @return {@code true} for {@code 0.4.2}, {@code false} for {@code 0.5}
     */
    public boolean hasPatch() {
        return patch != null;
    }

    /**
     * Whether the version belongs to a release series.
     *
     * @param seriesMajor the major number
     * @param seriesMinor the minor number
     * @return {@code true} when major and minor are equal, for example {@code 0.4.2} in series 0.4
     */
    public boolean isSeries(int seriesMajor, int seriesMinor) {
        return major == seriesMajor && minor == seriesMinor;
    }

    /**
     * The version as text, in the form it was parsed from.
     *
     * @return for example {@code 0.5.2}, {@code 0.5} or {@code 0.5.2-rc1}
     */
    public String format() {
        return major + "." + minor + (patch == null ? "" : "." + patch) + (suffix == null ? "" : "-" + suffix);
    }

    /**
     * The release series as text.
     *
     * @return for example {@code 0.4.x}
     */
    public String series() {
        return major + "." + minor + ".x";
    }

    @Override
    public int compareTo(KaapanaVersion other) {
        return ORDER.compare(this, Objects.requireNonNull(other, "other"));
    }

    @Override
    public String toString() {
        return format();
    }
}
