package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.core.Change;
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
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the full target version {@code 0.5.2} ({@link KaapanaVersion#TARGET}) to {@code FAST/version}, so
 * that the 0.5 deployment finds nothing left to migrate and a later 0.5→0.6 migration can read it (upstream's
 * runner writes only {@code 0.5}, which it cannot parse again; migration reference §12).
 *
 * <p>It must be the last thing a plan does: the marker says the data is 0.5. It declares no dependencies so
 * that it fits any plan; the Kaapana plan adds it after every other step. The write is atomic: a temporary
 * file in FAST_DATA_DIR is written and flushed, renamed over {@code version}, and the directory is flushed;
 * after a crash the file holds either the old or the new content. It refuses to replace a version newer than
 * 0.5.x, or a marker that is not a regular file; a later full 0.5.x version (such as {@code 0.5.3}, same data
 * layout) is kept and counts as up to date.
 *
 * <pre>{@code
 * MigrationPlan.builder()
 *         .step(new DetectVersionStep(fast))
 *         .step(new RenameDataFoldersStep(fast))
 *         .step(new WriteVersionStep(fast))   // last
 *         .build();
 * }</pre>
 */
public final class WriteVersionStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "kaapana.write-version";

    private static final Logger LOG = LoggerFactory.getLogger(WriteVersionStep.class);

    private final Path fastDataDir;

    /**
     * Creates the step.
     *
     * @param fastDataDir Kaapana's FAST_DATA_DIR
     */
    public WriteVersionStep(Path fastDataDir) {
        this.fastDataDir = Objects.requireNonNull(fastDataDir, "fastDataDir");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Write the version " + KaapanaVersion.TARGET + " to " + fastDataDir.resolve(VersionFiles.VERSION_FILE);
    }

    @Override
    public PlatformState requiredState() {
        return PlatformState.UNDEPLOYED;
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        Path file = fastDataDir.resolve(VersionFiles.VERSION_FILE);
        Optional<Problem> problem = problem(file);
        if (problem.isPresent()) {
            return new StepCheck.Blocked(problem.get());
        }
        Optional<String> now = VersionFiles.readMarker(fastDataDir);
        if (done(now)) {
            return StepCheck.upToDate(file + " holds " + now.get()
                    + (now.get().equals(KaapanaVersion.TARGET.format()) ? "" : " (a later 0.5.x release; kept)"));
        }
        return StepCheck.pending(List.of(change(file, now)));
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        Path file = fastDataDir.resolve(VersionFiles.VERSION_FILE);
        Optional<Problem> problem = problem(file);
        if (problem.isPresent()) {
            throw new PreconditionFailedException(problem.get());
        }
        Optional<String> now = VersionFiles.readMarker(fastDataDir);
        if (done(now)) {
            return List.of();
        }
        VersionFiles.writeMarker(fastDataDir, KaapanaVersion.TARGET.format());
        LOG.info("Wrote {} to {} (was {})", KaapanaVersion.TARGET, file, now.orElse("absent"));
        return List.of(change(file, now));
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Path file = fastDataDir.resolve(VersionFiles.VERSION_FILE);
        String actual;
        try {
            actual = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                    ? VersionFiles.readMarker(fastDataDir).orElse("absent") : "absent or not a regular file";
        } catch (RuntimeException e) {
            actual = e.getMessage();
        }
        return Verification.builder().fact(file + " content", KaapanaVersion.TARGET.format() + " (or a later 0.5.x)", actual,
                done(Optional.of(actual))).build();
    }

    /** The file already holds the target, or a later full 0.5.x version (0.5.3 has the same data layout). */
    private static boolean done(Optional<String> now) {
        if (now.isEmpty()) {
            return false;
        }
        if (now.get().equals(KaapanaVersion.TARGET.format())) {
            return true;
        }
        Optional<KaapanaVersion> v = KaapanaVersion.tryParse(now.get());
        return v.isPresent() && v.get().hasPatch() && v.get().suffix() == null && v.get().isSeries(0, 5)
                && v.get().compareTo(KaapanaVersion.TARGET) > 0;
    }

    private static Change change(Path file, Optional<String> now) {
        return now.isPresent()
                ? Change.of(Change.Kind.UPDATE, file.toString(), now.get(), KaapanaVersion.TARGET.format(), 1)
                : Change.of(Change.Kind.CREATE, file.toString(), null, KaapanaVersion.TARGET.format(), 1);
    }

    private Optional<Problem> problem(Path file) {
        if (!Files.isDirectory(fastDataDir)) {
            return Optional.of(Problem.of(CoreErrorCode.PRECONDITION_FAILED, "FAST_DATA_DIR " + fastDataDir
                    + " is missing or not a directory; nothing was changed", "the Kaapana FAST_DATA_DIR",
                    "point FAST_DATA_DIR at the folder that holds the Kaapana data"));
        }
        if (FolderFacts.present(file) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(Problem.of(CoreErrorCode.PRECONDITION_FAILED, file + " is not a regular file; nothing was changed",
                    "a text file holding the Kaapana version, or none", "remove or replace " + file + ", then run again"));
        }
        Optional<KaapanaVersion> v;
        try {
            v = VersionFiles.readMarker(fastDataDir).flatMap(KaapanaVersion::tryParse);
        } catch (java.io.UncheckedIOException e) {
            return Optional.of(VersionFiles.cannotRead(fastDataDir, e));
        }
        if (v.isPresent() && v.get().compareTo(KaapanaVersion.TARGET) > 0 && !v.get().isSeries(0, 5)) {
            return Optional.of(Problem.of(CoreErrorCode.PRECONDITION_FAILED, file + " holds " + v.get()
                    + ", newer than " + KaapanaVersion.TARGET + "; nothing was changed",
                    "a 0.4.x or 0.5.x installation", "do not downgrade the marker: this installation needs no 0.4→0.5 migration"));
        }
        return Optional.empty();
    }
}
