package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.StepCheck;
import java.nio.file.Path;

/**
 * Runs the checks of the move step and the preflight (or of the version steps) on a FAST_DATA_DIR and prints one line per step, so that a
 * test can run them as another uid (see UnreadableFoldersIT).
 */
public final class InspectFoldersMain {

    private InspectFoldersMain() {
    }

    /**
     * Entry point.
     *
     * @param args FAST_DATA_DIR, then optionally {@code detect} to run the version steps' checks instead
     */
    public static void main(String[] args) {
        Path fast = Path.of(args[0]);
        if (args.length > 1 && args[1].equals("detect")) {
            print("detect", new DetectVersionStep(fast).check(MigrationContext.standalone()));
            print("write", new WriteVersionStep(fast).check(MigrationContext.standalone()));
            return;
        }
        print("rename", new RenameDataFoldersStep(fast).check(MigrationContext.standalone()));
        print("preflight", new PreflightStep(fast, null).check(MigrationContext.standalone()));
    }

    private static void print(String step, StepCheck check) {
        String text = check instanceof StepCheck.Blocked b ? "BLOCKED [" + b.problem().code().code() + "] " + b.problem().message() : check.toString();
        System.out.println(step + ": " + text.replace('\n', ' '));
    }
}
