package dev.kaapanamigrate.testkit;

import java.nio.file.Path;

/**
 * A generated Kaapana 0.4.x installation: its folders and the manifest of what it holds. The PostgreSQL
 * data folders are at rest (no server runs on them) after generation; objects and documents live in the
 * object store and search node the installation was generated into.
 *
 * @param root        the folder holding everything
 * @param fastDataDir FAST_DATA_DIR
 * @param slowDataDir SLOW_DATA_DIR
 * @param manifest    what was generated, read back from the backends
 * @param model       the model the data was generated from
 */
public record GeneratedInstallation(Path root, Path fastDataDir, Path slowDataDir, Manifest manifest,
                                    InstallationModel model) {

    /**
     * A database's 0.4 data folder.
     *
     * @param database the database
     * @return the folder under FAST_DATA_DIR
     */
    public Path folder04(KaapanaDatabase database) {
        return fastDataDir.resolve(database.folder04());
    }

    /**
     * A database's 0.5 data folder (where a migration moves it).
     *
     * @param database the database
     * @return the folder under FAST_DATA_DIR
     */
    public Path folder05(KaapanaDatabase database) {
        return fastDataDir.resolve(database.folder05());
    }
}
