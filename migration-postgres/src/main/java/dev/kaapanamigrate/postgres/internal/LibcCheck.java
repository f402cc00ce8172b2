package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.pgserver.DatabaseServerException;
import dev.kaapanamigrate.pgserver.Libc;
import dev.kaapanamigrate.pgserver.PostgresServer;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether binaries of one C library may serve a folder made by another: glibc-built binaries on a musl
 * {@code en_US.utf8} folder (or the reverse) silently sort text differently and corrupt index lookups. Read right after
 * a server starts, before any statement compares text: a database with a libc collation other than {@code C} /
 * {@code POSIX} refuses the mismatch, unless the caller accepts it.
 *
 * @param folderLibc the C library of the PostgreSQL that made the folders
 * @param accept     whether the caller accepts a mismatch (it is then logged)
 */
public record LibcCheck(Libc folderLibc, boolean accept) {

    private static final Logger LOG = LoggerFactory.getLogger(LibcCheck.class);

    /**
     * Checks a server that just started.
     *
     * @param database the database, for messages
     * @param server   the server
     * @param jdbi     a connection to one of its databases
     * @throws PreconditionFailedException when the libc differs and a database uses a libc collation (the caller stops
     *                                     the server)
     * @throws DatabaseServerException     when the collations cannot be read
     */
    public void check(ServiceDatabase database, PostgresServer server, Jdbi jdbi) {
        Libc runs = server.binaries().libc();
        if (runs == folderLibc) {
            return;
        }
        List<String> affected;
        try (Handle h = jdbi.open()) {
            affected = h.createQuery("SELECT datname, datlocprovider, datcollate, datctype FROM pg_database ORDER BY datname")
                    .map((rs, ctx) -> "c".equals(rs.getString(2))
                            && !(libcIndependent(rs.getString(3)) && libcIndependent(rs.getString(4)))
                            ? rs.getString(1) + " (" + rs.getString(3) + ")" : null)
                    .filter(java.util.Objects::nonNull).list();
        } catch (JdbiException e) {
            throw new DatabaseServerException("Cannot read the collations of the " + database + " database on "
                    + server.dataDir() + ": " + e.getMessage(), e);
        }
        if (affected.isEmpty()) {
            return;
        }
        if (accept) {
            LOG.warn("Running {}-built PostgreSQL on the {}-made folder {} although databases {} use libc collations "
                    + "(accepted by the caller)", name(runs), name(folderLibc), server.dataDir(), affected);
            return;
        }
        throw new PreconditionFailedException(Problem.of(CoreErrorCode.PRECONDITION_FAILED,
                "the data folder " + server.dataDir() + " was made by " + name(folderLibc) + "-built PostgreSQL and its "
                        + "databases " + String.join(", ", affected) + " sort text with the C library, but the binaries "
                        + "at hand are " + name(runs) + "-built (" + server.binaries().home() + "); the server was stopped "
                        + "before any text was compared",
                "binaries built against the folder's C library: a server of the other libc sees text indexes in the "
                        + "wrong order (missed lookups, accepted duplicate keys)",
                (folderLibc == Libc.MUSL ? "install the musl loader (Debian/Ubuntu: apt-get install musl) so the "
                        + "embedded musl binaries run, or configure a binary directory with musl-built PostgreSQL"
                        : "configure a binary directory with glibc-built PostgreSQL")
                        + "; or, if you know the data is safe (for example you will REINDEX), call acceptLibcMismatch()"));
    }

    private static boolean libcIndependent(String locale) {
        return locale == null || locale.equals("C") || locale.equals("POSIX");
    }

    private static String name(Libc libc) {
        return libc == Libc.MUSL ? "musl" : "glibc";
    }
}
