package dev.kaapanamigrate.pgserver.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.kaapanamigrate.pgserver.DatabaseServerException;
import dev.kaapanamigrate.pgserver.PostgresBinaries;

/** Whether a folder is a data folder the binaries can open, before anything runs. Not API. */
public final class DataFolderCheck {

    private DataFolderCheck() {
    }

    /**
     * Refuses a folder without {@code PG_VERSION} or of another major version than the binaries.
     *
     * @param dir      the data folder
     * @param binaries the binaries
     * @throws DatabaseServerException with what was found and the fix
     */
    public static void check(Path dir, PostgresBinaries binaries) {
        Path version = dir.resolve("PG_VERSION");
        if (!Files.isDirectory(dir) || !Files.isRegularFile(version)) {
            throw new DatabaseServerException("No PostgreSQL data folder at " + dir + " (expected a directory with "
                    + "PG_VERSION). Create one with PostgresCluster.create or point to an existing folder.");
        }
        String major;
        try {
            major = Files.readString(version, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new DatabaseServerException("Cannot read " + version + ": " + e.getMessage(), e);
        }
        if (!major.equals(Integer.toString(binaries.majorVersion()))) {
            throw new DatabaseServerException("The data folder " + dir + " is PostgreSQL " + major + " but the "
                    + "binaries are " + binaries.version() + "; a server only opens folders of its own major version.");
        }
    }
}
