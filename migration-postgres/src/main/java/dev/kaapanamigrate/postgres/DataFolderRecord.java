package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.DataFolderMove;

/**
 * What a data folder was before it moved: its identity on disk (device and inode: the same inode after the
 * move proves a rename, not a copy), owner, mode, and how many regular files and bytes it held. Plain data,
 * journaled through {@link RenameDataFoldersStep#FOLDERS_BEFORE}.
 *
 * @param move         the {@link DataFolderMove} constant's name
 * @param path         the folder recorded, relative to FAST_DATA_DIR
 * @param device       the folder's {@code unix:dev}
 * @param inode        the folder's {@code unix:ino}
 * @param uid          the folder's owner uid
 * @param gid          the folder's group gid
 * @param mode         the folder's permission bits, octal (for example {@code 700})
 * @param files        regular files in the folder tree
 * @param bytes        total size of those files
 * @param alreadyMoved {@code true} when the folder was already at its 0.5 name when first recorded (for
 *                     example moved by an earlier, interrupted upstream script)
 */
public record DataFolderRecord(String move, String path, long device, long inode, int uid, int gid, String mode,
                               long files, long bytes, boolean alreadyMoved) {
}
