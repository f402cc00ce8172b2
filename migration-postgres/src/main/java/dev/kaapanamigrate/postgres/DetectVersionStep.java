package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.domain.DataFolderMove;
import dev.kaapanamigrate.core.ContextKey;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.postgres.internal.FolderFacts;
import dev.kaapanamigrate.postgres.internal.VersionFiles;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out which Kaapana version FAST_DATA_DIR belongs to (migration reference §12); read-only, changes
 * nothing.
 *
 * <ul>
 *   <li>The marker is the text file {@code FAST/version}; it must hold {@code major.minor.patch} with an
 *   optional {@code -suffix}. Without it, the version is taken from the platform chart archive
 *   {@code FAST/extensions/kaapana-platform-chart-<version>.tgz} (there a patch is optional); of several
 *   archives the highest version counts, and the check says which others were found.</li>
 *   <li>0.4.x: up to date, the version is put into {@link #DETECTED} for later steps.</li>
 *   <li>0.5.x: up to date with the detail "already 0.5.x, nothing to migrate"; the version is put into
 *   {@link #DETECTED} as well, and the other steps find their work done.</li>
 *   <li>Blocked (with the fix) when FAST_DATA_DIR is missing or no directory, empty (a fresh install, nothing
 *   to migrate), holds no marker, holds a version file without patch (such as {@code 0.5}, which upstream's
 *   migration runner writes) or with text that is no version, or the version is older than 0.4 or newer than
 *   0.5.x (for example 0.6.0, or {@code 1.0}, which is judged as the newer release it names, not as a
 *   version without patch); when {@code FAST/version} cannot be read (permission denied: run as root or make it
 *   readable); and when the marker says 0.5.x while data folders still have their 0.4 names.</li>
 * </ul>
 *
 * <pre>{@code
 * MigrationPlan plan = MigrationPlan.builder()
 *         .step(new DetectVersionStep(fastDataDir))
 *         .step(new RenameDataFoldersStep(fastDataDir))
 *         .step(new WriteVersionStep(fastDataDir))
 *         .build();
 * }</pre>
 */
public final class DetectVersionStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "kaapana.detect-version";

    /**
     * The default state directory (journal and lock) inside FAST_DATA_DIR. A run creates it before any step
     * checks, so it does not make an otherwise empty FAST_DATA_DIR an installation.
     */
    public static final String STATE_DIRECTORY = ".kaapana-migrate";

    /** The detected version (journaled). */
    public static final ContextKey<DetectedVersion> DETECTED = ContextKey.of("kaapana.detected-version", DetectedVersion.class);

    private static final Logger LOG = LoggerFactory.getLogger(DetectVersionStep.class);

    private final Path fastDataDir;

    /**
     * Creates the step.
     *
     * @param fastDataDir Kaapana's FAST_DATA_DIR
     */
    public DetectVersionStep(Path fastDataDir) {
        this.fastDataDir = Objects.requireNonNull(fastDataDir, "fastDataDir");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Detect the Kaapana version of " + fastDataDir + " (only 0.4.x is migrated to " + KaapanaVersion.TARGET + ")";
    }

    @Override
    public PlatformState requiredState() {
        return PlatformState.UNDEPLOYED;
    }

    /**
     * Detects the version of an installation; changes nothing.
     *
     * @param fastDataDir FAST_DATA_DIR
     * @return the version, or the problem that prevents detecting a migratable one
     * @throws PreconditionFailedException with the problem when no version can be detected
     */
    public static DetectedVersion detect(Path fastDataDir) {
        Outcome o = inspect(fastDataDir);
        if (o.problem() != null) {
            throw new PreconditionFailedException(o.problem());
        }
        return o.detected();
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        Outcome o = inspect(fastDataDir);
        if (o.problem() != null) {
            LOG.warn("Cannot migrate {}: {}", fastDataDir, o.problem().message());
            return new StepCheck.Blocked(o.problem());
        }
        DetectedVersion d = o.detected();
        ctx.put(DETECTED, d);
        String from = " (from " + d.source() + ")" + (d.note() == null ? "" : "; " + d.note());
        if (d.version().isSeries(0, 5)) {
            LOG.info("{} is Kaapana {}: already 0.5.x, nothing to migrate", fastDataDir, d.version());
            return StepCheck.upToDate("Kaapana " + d.version() + from + ": already 0.5.x, nothing to migrate");
        }
        LOG.info("{} is Kaapana {}{}", fastDataDir, d.version(), from);
        return StepCheck.upToDate("Kaapana " + d.version() + from + ": can be migrated to " + KaapanaVersion.TARGET);
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        Outcome o = inspect(fastDataDir);
        if (o.problem() != null) {
            throw new PreconditionFailedException(o.problem());
        }
        ctx.put(DETECTED, o.detected());
        return List.of();
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Outcome o = inspect(fastDataDir);
        Verification.Builder v = Verification.builder();
        v.fact("Kaapana version detected", "0.4.x or 0.5.x", o.problem() == null ? o.detected().version().format()
                : o.problem().found(), o.problem() == null);
        return v.build();
    }

    private record Outcome(DetectedVersion detected, Problem problem) {
    }

    private static Outcome blocked(String found, String expected, String fix) {
        return new Outcome(null, Problem.of(CoreErrorCode.PRECONDITION_FAILED, found + "; nothing was changed", expected, fix));
    }

    private static Outcome inspect(Path fast) {
        if (!Files.exists(fast)) {
            return blocked("FAST_DATA_DIR " + fast + " does not exist", "the Kaapana 0.4 FAST_DATA_DIR",
                    "point FAST_DATA_DIR at the folder that holds the Kaapana data (for example /home/kaapana)");
        }
        if (!Files.isDirectory(fast)) {
            return blocked("FAST_DATA_DIR " + fast + " is not a directory", "the Kaapana 0.4 FAST_DATA_DIR",
                    "point FAST_DATA_DIR at the folder that holds the Kaapana data");
        }
        if (FolderFacts.isEmptyBut(fast, STATE_DIRECTORY)) {
            return blocked("FAST_DATA_DIR " + fast + " is empty (a fresh install)", "a Kaapana 0.4.x installation",
                    "nothing to migrate: deploy Kaapana " + KaapanaVersion.TARGET + " directly, or point FAST_DATA_DIR at the "
                    + "installation to migrate");
        }
        Path file = fast.resolve(VersionFiles.VERSION_FILE);
        if (FolderFacts.present(file) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return blocked(file + " is not a regular file", "a text file holding the Kaapana version",
                    "replace it by a text file holding the installed version, for example 0.4.2");
        }
        java.util.Optional<String> marker;
        try {
            marker = VersionFiles.readMarker(fast);
        } catch (java.io.UncheckedIOException e) {
            return new Outcome(null, VersionFiles.cannotRead(fast, e));
        }
        if (marker.isPresent()) {
            var parsed = KaapanaVersion.tryParse(marker.get());
            if (parsed.isEmpty()) {
                return blocked(file + " holds '" + abbreviate(marker.get()) + "', which is no version",
                        "major.minor.patch with an optional -suffix, for example 0.4.2",
                        "write the installed version into " + file + " (for example 0.4.2), then run again");
            }
            if (!parsed.get().hasPatch() && !parsed.get().isSeries(0, 4) && !parsed.get().isSeries(0, 5)) {
                // 1.0 or 0.3: judged as the release it names (newer: never downgrade; older: upgrade first)
                return judge(fast, new DetectedVersion(parsed.get(), file.toString(), null));
            }
            if (!parsed.get().hasPatch()) {
                return blocked(file + " holds '" + marker.get() + "' without a patch number (upstream's migration runner writes "
                        + "<major>.<minor> after migrating, which it cannot read back)",
                        "a full version major.minor.patch, for example 0.4.2 or " + KaapanaVersion.TARGET,
                        "find out which release the data belongs to: if the folders already have their 0.5 names, write "
                        + KaapanaVersion.TARGET + " into " + file + "; if it is a 0.4 installation, write its full 0.4 version "
                        + "(for example 0.4.2); then run again");
            }
            return judge(fast, new DetectedVersion(parsed.get(), file.toString(), null));
        }
        List<VersionFiles.Chart> charts = VersionFiles.charts(fast);
        List<VersionFiles.Chart> valid = charts.stream().filter(c -> c.version() != null).toList();
        if (valid.isEmpty()) {
            String seen = charts.isEmpty() ? "" : " (chart archives with unreadable versions: "
                    + charts.stream().map(c -> c.file().getFileName().toString()).collect(Collectors.joining(", ")) + ")";
            return blocked("no version marker in " + fast + ": neither " + file + " nor a platform chart archive "
                    + fast.resolve(VersionFiles.EXTENSIONS).resolve("kaapana-platform-chart-<version>.tgz") + seen,
                    "a Kaapana 0.4.x installation with its version file or chart archive",
                    "check that FAST_DATA_DIR is the Kaapana data folder; if it is, write the installed version into "
                    + file + " (for example 0.4.2), then run again");
        }
        VersionFiles.Chart best = valid.get(0);
        String note = null;
        if (charts.size() > 1) {
            note = "several platform chart archives found (" + charts.stream().map(c -> c.file().getFileName().toString())
                    .collect(Collectors.joining(", ")) + "); the highest version " + best.version() + " counts";
            LOG.warn("{}", note);
        }
        return judge(fast, new DetectedVersion(best.version(), best.file().toString(), note));
    }

    private static Outcome judge(Path fast, DetectedVersion d) {
        KaapanaVersion v = d.version();
        if (v.isSeries(0, 5)) {
            List<String> old04 = new java.util.ArrayList<>();
            List<String> new05 = new java.util.ArrayList<>();
            for (DataFolderMove m : DataFolderMove.values()) {
                try {
                    // data still at the 0.4 name; a leftover beside moved data is the move step's finding, not a
                    // disagreement with the marker
                    if (FolderFacts.present(fast.resolve(m.from()))
                            && !FolderFacts.isRegularFile(fast.resolve(m.to()).resolve("PG_VERSION"))) {
                        old04.add(m.from());
                        new05.add(m.to());
                    }
                } catch (FolderFacts.AccessDenied e) {
                    // the moves and the preflight report an unreadable folder; the marker alone decides here
                }
            }
            if (!old04.isEmpty()) {
                return blocked("the version marker says Kaapana " + v + " (from " + d.source() + "), but " + old04.size()
                        + " PostgreSQL data folder(s) still have their 0.4 names in " + fast + " (" + String.join(", ", old04)
                        + ")", "a 0.5.x installation has its data folders at their 0.5 names (" + String.join(", ", new05)
                        + "), a 0.4.x installation a 0.4 marker",
                        "find out which release the data belongs to: if it is the 0.4 installation (the marker was written "
                        + "too early, for example by an interrupted upgrade), write its 0.4 version into "
                        + fast.resolve(VersionFiles.VERSION_FILE) + " (for example 0.4.2) and run again to migrate it; if "
                        + "the data is already at the 0.5 names, check the 0.4-named folders and move them out of "
                        + "FAST_DATA_DIR, then run again");
            }
            return new Outcome(d, null);
        }
        if (v.isSeries(0, 4)) {
            return new Outcome(d, null);
        }
        boolean newer = v.compareTo(KaapanaVersion.TARGET) > 0;
        return blocked("Kaapana " + v + " (from " + d.source() + ")" + (d.note() == null ? "" : "; " + d.note()),
                "Kaapana 0.4.x (to migrate) or 0.5.x (already migrated)",
                newer ? "this library migrates 0.4.x to " + KaapanaVersion.TARGET + " only; a newer installation must not be "
                        + "downgraded: use the tooling of that release"
                        : "upgrade the installation to Kaapana 0.4.x first (with upstream's tooling), then run again");
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 60 ? one.substring(0, 60) + "…" : one;
    }
}
