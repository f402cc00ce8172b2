package dev.kaapanamigrate.kaapana;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link KaapanaBackup#restore} did: which top-level folders it put back, proven how, and where everything it
 * replaced went (nothing is deleted).
 *
 * @param backup         the backup folder restored from
 * @param fastDataDir    FAST_DATA_DIR
 * @param restored       the top-level names put back
 * @param files          files restored and proven byte-identical to the manifest
 * @param bytes          bytes restored and proven
 * @param asideDirectory the folder in FAST_DATA_DIR that received what was replaced
 * @param movedAside     every move aside, in order
 * @param stateDirectory where the migration's state directory (journal and lock) was moved, or {@code null} when there
 *                       was none
 * @param notRestored    entries of the backup that could not be restored (special files), with their type
 * @param finishedAt     when the restore ended
 * @param duration       how long it took
 */
public record RestoreResult(Path backup, Path fastDataDir, List<String> restored, long files, long bytes,
                            Path asideDirectory, List<MovedAside> movedAside, Path stateDirectory,
                            List<String> notRestored, Instant finishedAt, Duration duration) {

    /**
     * Validates and copies the components.
     *
     * @param backup         the backup
     * @param fastDataDir    FAST_DATA_DIR
     * @param restored       the names put back
     * @param files          files proven
     * @param bytes          bytes proven
     * @param asideDirectory where replaced things went
     * @param movedAside     the moves aside
     * @param stateDirectory where the state directory went, or {@code null}
     * @param notRestored    entries not restored
     * @param finishedAt     when it ended
     * @param duration       how long it took
     */
    public RestoreResult {
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(fastDataDir, "fastDataDir");
        restored = List.copyOf(restored);
        movedAside = List.copyOf(movedAside);
        notRestored = List.copyOf(notRestored);
    }

    /**
     * One thing moved aside (a rename on the same file system).
     *
     * @param from where it was
     * @param to   where it is now
     */
    public record MovedAside(Path from, Path to) {
    }

    /**
     * Where the state directory went.
     *
     * @return its new place, or empty when there was none
     */
    public Optional<Path> stateDirectoryMovedTo() {
        return Optional.ofNullable(stateDirectory);
    }

    /**
     * A few lines for an operator.
     *
     * @return the summary
     */
    public String summary() {
        StringBuilder s = new StringBuilder("Restored ").append(restored).append(" in ").append(fastDataDir)
                .append(" from ").append(backup).append(": ").append(files).append(" files, ").append(bytes)
                .append(" bytes, proven byte-identical to the backup's manifest.\n");
        if (!movedAside.isEmpty()) {
            s.append("Moved aside (nothing deleted) into ").append(asideDirectory).append(":\n");
            movedAside.forEach(m -> s.append("  ").append(m.from()).append(" -> ").append(m.to()).append('\n'));
        }
        if (stateDirectory != null) {
            s.append("The migration's journal and lock are now in ").append(stateDirectory)
                    .append(": a new run starts fresh.\n");
        }
        if (!notRestored.isEmpty()) {
            s.append("Not restored (special files a backup only lists): ").append(notRestored).append('\n');
        }
        return s.toString();
    }
}
