package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.core.MigrationEvent;
import dev.kaapanamigrate.core.MigrationListener;
import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs the folder-move plan in its own JVM for {@link RenameDataFoldersIT}: after the second folder it
 * writes a marker file and blocks forever, where the test kills it with SIGKILL.
 */
public final class KilledMoveMain {

    private KilledMoveMain() {
    }

    static MigrationPlan plan(Path fast, Path state) {
        return MigrationPlan.builder().step(new RenameDataFoldersStep(fast))
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .stateDirectory(state).build();
    }

    /**
     * Entry point.
     *
     * @param args FAST_DATA_DIR, the state directory, the marker file
     */
    public static void main(String[] args) {
        Path marker = Path.of(args[2]);
        plan(Path.of(args[0]), Path.of(args[1])).toBuilder().listener(new MigrationListener() {
            @Override
            public void stepProgress(MigrationEvent.StepProgress e) {
                if (e.done() == 2) {
                    try {
                        Files.writeString(marker, e.done() + "/" + e.total());
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }).build().run();
    }
}
