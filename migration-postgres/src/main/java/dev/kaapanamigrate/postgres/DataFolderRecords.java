package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.DataFolderMove;
import java.util.List;
import java.util.Optional;

/**
 * The records of all data folders taken before they moved, in the order of {@link DataFolderMove}.
 *
 * @param folders one record per move that has been recorded
 * @param runId   the run that recorded them, or {@code null} when unknown
 */
public record DataFolderRecords(List<DataFolderRecord> folders, java.util.UUID runId) {

    /**
     * Copies the list.
     *
     * @param folders one record per move
     * @param runId   the run that recorded them, or {@code null}
     */
    public DataFolderRecords {
        folders = List.copyOf(folders);
    }

    /**
     * Records without the run that took them.
     *
     * @param folders one record per move
     */
    public DataFolderRecords(List<DataFolderRecord> folders) {
        this(folders, null);
    }

    /**
     * The record of one move.
     *
     * @param move the move
     * @return its record, or empty when not recorded
     */
    public Optional<DataFolderRecord> of(DataFolderMove move) {
        return folders.stream().filter(f -> f.move().equals(move.name())).findFirst();
    }
}
