package dev.kaapanamigrate.kaapana.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A user account as {@code getent passwd} (or {@code /etc/passwd} without it) lists it.
 *
 * @param name its name
 * @param uid  its uid
 * @param gid  its primary group
 * @param home its home directory
 */
public record UserAccount(String name, int uid, int gid, String home) {

    /**
     * Looks a user up.
     *
     * @param name the user's name
     * @return the account, or empty when unknown
     */
    public static Optional<UserAccount> lookup(String name) {
        Optional<Path> getent = CommandRunner.find("getent", "/usr/bin:/bin:/usr/sbin:/sbin");
        if (getent.isPresent()) {
            try {
                CommandRunner.Result r = CommandRunner.run(List.of(getent.get().toString(), "passwd", name), Map.of(),
                        Path.of("/"), Duration.ofSeconds(30), false, Clock.systemUTC());
                if (r.succeeded()) {
                    return parse(r.stdout().strip(), name);
                }
                return Optional.empty();
            } catch (IOException e) {
                // fall back to the file
            }
        }
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.UTF_8)) {
                Optional<UserAccount> a = parse(line, name);
                if (a.isPresent()) {
                    return a;
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<UserAccount> parse(String line, String name) {
        String[] f = line.split(":", -1);
        if (f.length < 7 || !f[0].equals(name)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new UserAccount(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[5]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
