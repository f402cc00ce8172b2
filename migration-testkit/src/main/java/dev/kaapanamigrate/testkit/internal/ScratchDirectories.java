package dev.kaapanamigrate.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** New directories under {@code java.io.tmpdir} for the embedded backends' data. */
final class ScratchDirectories {

    private ScratchDirectories() {
    }

    /**
     * Creates a new directory under {@code java.io.tmpdir}.
     *
     * @param prefix the name prefix
     * @return the new directory
     * @throws UncheckedIOException with the fix if it cannot be created
     */
    static Path create(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory with prefix " + prefix
                    + " under " + System.getProperty("java.io.tmpdir") + ": " + e.getMessage()
                    + ". Fix: make java.io.tmpdir writable or point it elsewhere.", e);
        }
    }
}
