package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.domain.ServiceDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scratch copies of data folders a dry-run rehearses on (even a read-only server writes to its folder): one
 * scratch directory for all of them, created on the first copy, removed as a whole.
 */
public final class RehearsalCopies {

    private static final Logger LOG = LoggerFactory.getLogger(RehearsalCopies.class);

    private final Path parent;
    private Path root;

    /**
     * Creates the copies' manager; nothing is created before the first copy.
     *
     * @param parent where the scratch directory goes, or {@code null} for {@code java.io.tmpdir}
     */
    public RehearsalCopies(Path parent) {
        this.parent = parent;
    }

    /**
     * A copy of a database's folder (owners preserved), made on the first call and reused afterwards.
     *
     * @param database the database
     * @param folder   its data folder
     * @return the copy
     */
    public synchronized Path copyOf(ServiceDatabase database, Path folder) {
        if (root == null) {
            root = FolderCopy.createScratch(parent);
        }
        Path copy = root.resolve(database.folder().to());
        if (!Files.exists(copy)) {
            FolderCopy.copyPreservingOwners(folder, copy);
            LOG.info("Dry-run: rehearsing the {} database on a copy of {} in {}", database, folder, copy);
        }
        return copy;
    }

    /** Removes every copy (quietly: a copy that cannot be removed is logged). Idempotent. */
    public synchronized void removeAll() {
        if (root != null) {
            FolderCopy.deleteQuietly(root);
            root = null;
        }
    }
}
