package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.core.ErrorCode;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.pgserver.DatabaseServerException;
import dev.kaapanamigrate.pgserver.PgServerErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
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

    /**
     * Removes the copy of one database (also a partial one, left by a copy that failed), and the scratch directory once
     * it holds no other copy; copies other rehearsal servers run on are kept. Quiet and idempotent.
     *
     * @param database the database
     */
    public synchronized void remove(ServiceDatabase database) {
        if (root == null) {
            return;
        }
        FolderCopy.deleteQuietly(root.resolve(database.folder().to()));
        try (Stream<Path> left = Files.list(root)) {
            if (left.findAny().isEmpty()) {
                FolderCopy.deleteQuietly(root);
                root = null;
            }
        } catch (IOException e) {
            LOG.warn("Cannot list the dry-run's scratch directory {}: {}", root, e.getMessage());
        }
    }

    /**
     * A failure to start a rehearsal server, said of the real folder: whatever the server found on the copy (which
     * keeps the folder's owners and modes) holds for the folder itself, and a fix that named the copy (which is removed)
     * would send the operator to the wrong place.
     *
     * @param failure what the launcher threw
     * @param copy    the copy it ran on
     * @param real    the real data folder
     * @return the exception to throw: coded as the failure, naming only the real folder
     */
    public static RuntimeException onRealFolder(RuntimeException failure, Path copy, Path real) {
        String said = failure instanceof MigrationException m
                ? m.problem().map(Problem::message).orElse(m.getMessage()) : String.valueOf(failure.getMessage());
        String found = said.replace(copy.toString(), real.toString());
        ErrorCode code = failure instanceof MigrationException m ? m.code() : PgServerErrorCode.DATABASE_SERVER;
        DatabaseServerException translated = new DatabaseServerException(Problem.of(code, "the dry-run's temporary "
                + "server did not start on its scratch copy of " + real + ": " + found + "; nothing was changed (the copy "
                + "was removed)", "a data folder a temporary PostgreSQL server starts on (the copy keeps the folder's "
                + "owners and modes, so the same holds for " + real + ")", "correct " + real + " as said above, then run "
                + "the dry-run again"));
        translated.addSuppressed(failure);
        return translated;
    }

    /** Removes every copy (quietly: a copy that cannot be removed is logged). Idempotent. */
    public synchronized void removeAll() {
        if (root != null) {
            FolderCopy.deleteQuietly(root);
            root = null;
        }
    }
}
