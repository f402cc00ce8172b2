package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.MigrationEvent;
import dev.kaapanamigrate.core.MigrationListener;
import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs a plan with {@link BackupStep} in its own JVM for {@link BackupResumeAfterKillIT}: at the first progress event
 * of the copy (one file done, the others in flight or not started) it marks the moment and waits forever, where the
 * test kills it with SIGKILL.
 */
public final class KilledBackupMain {

    private KilledBackupMain() {
    }

    static MigrationPlan plan(Path fast, Path target, Path state, MigrationListener listener) {
        MigrationPlan.Builder b = MigrationPlan.builder()
                .step(new BackupStep(fast, BackupOptions.to(target).withThreads(2)))
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .stateDirectory(state)
                .installationRoot(fast);
        return (listener == null ? b : b.listener(listener)).build();
    }

    /**
     * Entry point.
     *
     * @param args FAST_DATA_DIR, the backup target, the state directory, the file to create when the copy is under way
     */
    public static void main(String[] args) throws Exception {
        Path halfway = Path.of(args[3]);
        plan(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), new MigrationListener() {
            @Override
            public void stepProgress(MigrationEvent.StepProgress event) {
                if ("bytes copied".equals(event.unit())) {
                    try {
                        Files.writeString(halfway, event.item());
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }).run();
    }
}
