package dev.kaapanamigrate.testkit.internal;

import dev.kaapanamigrate.pgserver.os.Posix;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code initdb} looks its own uid up in {@code /etc/passwd} and refuses to run when it is missing
 * ("could not look up effective user ID 70"). Kaapana's Alpine image has {@code postgres:x:70:70}; a Debian
 * host usually has no uid 70. When root, we run initdb in a private mount namespace where a copy of
 * {@code /etc/passwd} with an extra entry is bind-mounted over the real one (the host file is never changed).
 * Not API.
 */
public final class PasswdOverlay {

    private static final Path PASSWD = Path.of("/etc/passwd");

    private PasswdOverlay() {
    }

    /**
     * @param uid a uid
     * @return whether {@code /etc/passwd} has an entry for it
     */
    public static boolean hasEntry(int uid) {
        try {
            for (String line : Files.readAllLines(PASSWD, StandardCharsets.UTF_8)) {
                String[] f = line.split(":", -1);
                if (f.length > 2 && f[2].equals(Integer.toString(uid))) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Writes a copy of {@code /etc/passwd} plus an entry for {@code uid}.
     *
     * @param file where to write (must be readable by {@code uid}: it is made 0644)
     * @param uid  the uid
     * @param gid  its group
     * @throws IOException if it fails
     */
    public static void write(Path file, int uid, int gid) throws IOException {
        String existing = Files.exists(PASSWD) ? Files.readString(PASSWD, StandardCharsets.UTF_8) : "";
        if (!existing.isEmpty() && !existing.endsWith("\n")) {
            existing += "\n";
        }
        String name = nameFree(existing, "postgres") ? "postgres" : "pg" + uid;
        Files.writeString(file, existing + name + ":x:" + uid + ":" + gid + ":PostgreSQL:/var/lib/postgresql:"
                + "/sbin/nologin\n", StandardCharsets.UTF_8);
        Posix.chmod(file, 0644);
    }

    private static boolean nameFree(String passwd, String name) {
        return passwd.lines().noneMatch(l -> l.startsWith(name + ":"));
    }

    /**
     * Wraps a command so it sees {@code overlay} as {@code /etc/passwd}; needs root (CAP_SYS_ADMIN).
     *
     * @param command the command (typically already wrapped by {@link dev.kaapanamigrate.pgserver.os.ExternalCommands#asUser})
     * @param overlay the passwd copy
     * @return the wrapped command
     */
    public static List<String> wrap(List<String> command, Path overlay) {
        List<String> full = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--",
                "sh", "-c", "mount --bind \"$0\" /etc/passwd && exec \"$@\"", overlay.toString()));
        full.addAll(command);
        return full;
    }
}
