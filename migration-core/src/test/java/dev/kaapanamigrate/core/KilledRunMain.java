package dev.kaapanamigrate.core;

import java.nio.file.Path;

/**
 * Runs the file-copy plan in its own JVM for {@link ResumeAfterKillIT}: it pauses forever in the middle
 * of the copy step, where the test kills it with SIGKILL.
 */
public final class KilledRunMain {

    private KilledRunMain() {
    }

    static MigrationPlan plan(Path work, int pauseAfter) {
        return MigrationPlan.builder()
                .step(new TestSteps.CopyFilesStep(work.resolve("source"), work.resolve("target"), pauseAfter,
                        work.resolve("halfway")), "files.seed")
                .step(new TestSteps.SeedFilesStep(work.resolve("source"), 10))
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .stateDirectory(work.resolve("state"))
                .build();
    }

    /**
     * Entry point.
     *
     * @param args the work folder and the number of files after which to pause
     */
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        java.nio.file.Files.createDirectories(work.resolve("target"));
        plan(work, Integer.parseInt(args[1])).run();
    }
}
