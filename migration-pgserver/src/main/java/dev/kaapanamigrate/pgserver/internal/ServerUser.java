package dev.kaapanamigrate.pgserver.internal;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import dev.kaapanamigrate.pgserver.DatabaseServerException;
import dev.kaapanamigrate.pgserver.os.ExternalCommands;
import dev.kaapanamigrate.pgserver.os.Posix;
import dev.kaapanamigrate.pgserver.os.PrivateDirectory;

/**
 * The user a server and its tools run as: PostgreSQL runs only as its data folder's owner and never as root, so a
 * root JVM switches to the owner ({@code setpriv}) and any other JVM must be the owner. Not API.
 *
 * @param uid the user
 * @param gid its group
 */
public record ServerUser(int uid, int gid) {

    /**
     * The user a server on a folder runs as.
     *
     * @param dir the data folder
     * @return the folder's owner
     * @throws DatabaseServerException if root owns the folder, or this JVM is neither root nor the owner
     */
    public static ServerUser forFolder(Path dir) {
        int ownerUid = Posix.ownerUid(dir);
        if (Posix.isRoot()) {
            if (ownerUid == 0) {
                throw new DatabaseServerException("The data folder " + dir + " is owned by root; PostgreSQL "
                        + "refuses to run as root. Expected the owner of a Kaapana PostgreSQL folder (uid 70): "
                        + "chown -R 70:70 " + dir + ".");
            }
            return new ServerUser(ownerUid, Posix.ownerGid(dir));
        }
        int self = Posix.uid();
        if (ownerUid != self) {
            throw new DatabaseServerException("The data folder " + dir + " is owned by uid " + ownerUid
                    + " but this JVM runs as uid " + self + "; PostgreSQL only runs as the folder's owner. "
                    + "Run the JVM as uid " + ownerUid + " or as root.");
        }
        return new ServerUser(self, Posix.gid());
    }

    /**
     * The user to stop a server left running on a folder as: the owner when this JVM is root, else this JVM's
     * user (the only one that can have started it).
     *
     * @param dir the data folder
     * @return the user
     */
    public static ServerUser toStop(Path dir) {
        return Posix.isRoot() ? new ServerUser(Posix.ownerUid(dir), Posix.ownerGid(dir))
                : new ServerUser(Posix.uid(), Posix.gid());
    }

    /**
     * The command line that runs a command as this user.
     *
     * @param command the command
     * @return it, prefixed with {@code setpriv} when this JVM runs as another user
     */
    public List<String> command(List<String> command) {
        return ExternalCommands.asUser(command, uid, gid);
    }

    /**
     * Refuses a path this user cannot reach.
     *
     * @param path the path
     * @param what what it is, for the message
     * @throws DatabaseServerException naming the directory on the way that blocks it
     */
    public void requireReachable(Path path, String what) {
        Posix.unreachable(path, uid, gid, what).ifPresent(why -> {
            throw new DatabaseServerException(why);
        });
    }

    /**
     * A new 0700 directory owned by this user, for a server's socket, logs and temporary hba file.
     *
     * @return the directory
     * @throws DatabaseServerException if it cannot be created
     */
    public PrivateDirectory privateDirectory() {
        try {
            return PrivateDirectory.create(uid, gid);
        } catch (UncheckedIOException e) {
            throw new DatabaseServerException(e.getMessage(), e);
        }
    }
}
