package dev.kaapanamigrate.kaapana;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link KaapanaBackup#verify()} found: whether the backup is byte-identical to its manifest.
 *
 * @param directory   the backup folder
 * @param passed      whether nothing differs
 * @param entries     manifest entries checked
 * @param files       files digested
 * @param bytes       bytes digested
 * @param differences the first differences (at most 100), e.g. {@code "postgres-backend/base/1/1259: content: ..."}
 * @param count       how many differences there are in all
 */
public record BackupVerification(Path directory, boolean passed, long entries, long files, long bytes,
                                 List<String> differences, long count) {

    /**
     * Copies the list.
     *
     * @param directory   the backup
     * @param passed      whether it passed
     * @param entries     entries checked
     * @param files       files digested
     * @param bytes       bytes digested
     * @param differences the first differences
     * @param count       all differences
     */
    public BackupVerification {
        differences = List.copyOf(differences);
    }
}
