package dev.kaapanamigrate.kaapana.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** The uid and gid this JVM runs as, read from {@code /proc/self}. */
public final class Posixish {

    private static final Path SELF = Path.of("/proc/self");

    private Posixish() {
    }

    /**
     * The effective uid.
     *
     * @return the uid
     */
    public static int uid() {
        return attribute(SELF, "unix:uid");
    }

    /**
     * The effective gid.
     *
     * @return the gid
     */
    public static int gid() {
        return attribute(SELF, "unix:gid");
    }

    /**
     * Whether this JVM runs as root.
     *
     * @return {@code true} for uid 0
     */
    public static boolean isRoot() {
        return uid() == 0;
    }

    /**
     * An integer attribute of a path, not following links.
     *
     * @param p    the path
     * @param name e.g. {@code unix:dev}
     * @return the value
     */
    public static int attribute(Path p, String name) {
        try {
            return ((Number) Files.getAttribute(p, name, LinkOption.NOFOLLOW_LINKS)).intValue();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + name + " of " + p + ": " + e.getMessage(), e);
        }
    }

    /**
     * The device of a path (or of its nearest existing ancestor), not following a final link.
     *
     * @param p the path
     * @return the device number
     */
    public static long device(Path p) {
        Path at = p.toAbsolutePath().normalize();
        while (at != null && !Durable.exists(at)) {
            at = at.getParent();
        }
        try {
            return ((Number) Files.getAttribute(at, "unix:dev", LinkOption.NOFOLLOW_LINKS)).longValue();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the device of " + at + ": " + e.getMessage(), e);
        }
    }
}
