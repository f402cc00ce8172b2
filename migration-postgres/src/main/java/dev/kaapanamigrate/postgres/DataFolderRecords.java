package dev.kaapanamigrate.postgres;

import java.util.List;
import java.util.Optional;

/**
 * The records of all data folders taken before they moved, in the order of {@link DataFolderMove}.
 *
 * @param folders one record per move that has been recorded
 */
public record DataFolderRecords(List<DataFolderRecord> folders) {

    /**
     * Copies the list.
     *
     * @param folders one record per move
     */
    public DataFolderRecords {
        folders = List.copyOf(folders);
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
