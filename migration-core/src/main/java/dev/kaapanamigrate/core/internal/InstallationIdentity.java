package dev.kaapanamigrate.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Which installation a journal belongs to: the real path of the installation's root folder and the device and inode
 * that folder had. A restore that replaces the folder, another installation sharing the state directory, or a
 * journal copied elsewhere gives another identity.
 *
 * @param path   the root's real path when recorded
 * @param device the root's device number
 * @param inode  the root's inode number
 */
public record InstallationIdentity(String path, long device, long inode) {

    /**
     * The identity of a folder as it is now.
     *
     * @param root the installation's root folder
     * @return the identity, or empty when the folder cannot be read (the state directory checks say why)
     */
    public static Optional<InstallationIdentity> of(Path root) {
        try {
            Path real = root.toRealPath();
            Map<String, Object> attributes = Files.readAttributes(real, "unix:dev,ino");
            return Optional.of(new InstallationIdentity(real.toString(), ((Number) attributes.get("dev")).longValue(),
                    ((Number) attributes.get("ino")).longValue()));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether two identities name the same folder (device and inode; the path may differ through links or mounts).
     *
     * @param other the other identity
     * @return {@code true} for the same folder
     */
    public boolean sameFolder(InstallationIdentity other) {
        return other != null && device == other.device && inode == other.inode;
    }

    /**
     * The identity for messages.
     *
     * @return for example {@code /srv/fast (device 2049, inode 131073)}
     */
    public String describe() {
        return path + " (device " + device + ", inode " + inode + ")";
    }
}
