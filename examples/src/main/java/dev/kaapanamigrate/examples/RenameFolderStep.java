package dev.kaapanamigrate.examples;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * An example step: renames a folder with one atomic {@code rename(2)}. It converges from every state
 * (not yet moved, already moved) and refuses, changing nothing, the state it cannot resolve (both present).
 */
public final class RenameFolderStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "example.rename-folder";

    private final Path from;
    private final Path to;

    /**
     * Creates the step.
     *
     * @param from the folder's old path
     * @param to   the folder's new path, in the same parent file system
     */
    public RenameFolderStep(Path from, Path to) {
        this.from = from;
        this.to = to;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Rename " + from.getFileName() + " to " + to.getFileName();
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        boolean source = Files.isDirectory(from);
        boolean target = Files.isDirectory(to);
        if (source && target) {
            return StepCheck.blocked(CoreErrorCode.PRECONDITION_FAILED, "both " + from + " and " + to + " exist",
                    "only one of them", "compare the two folders and move the one that is not needed aside");
        }
        if (!source && !target) {
            return StepCheck.blocked(CoreErrorCode.PRECONDITION_FAILED, "neither " + from + " nor " + to + " exists",
                    "the folder " + from, "point the example at the right folder");
        }
        return target ? StepCheck.upToDate(to.getFileName() + " is in place")
                : StepCheck.pending(List.of(Change.of(Change.Kind.MOVE, from.getParent().toString(),
                from.getFileName().toString(), to.getFileName().toString(), 1)));
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.of(Change.of(Change.Kind.MOVE, from.getParent().toString(), from.getFileName().toString(),
                to.getFileName().toString(), 1));
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        return Verification.builder()
                .expect(to.getFileName() + " exists", true, Files.isDirectory(to))
                .expect(from.getFileName() + " is gone", false, Files.exists(from))
                .build();
    }
}
