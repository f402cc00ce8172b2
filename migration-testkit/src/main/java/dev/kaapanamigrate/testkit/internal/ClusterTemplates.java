package dev.kaapanamigrate.testkit.internal;

import dev.kaapanamigrate.pgserver.os.FileTrees;
import dev.kaapanamigrate.testkit.postgres.ClusterSpec;
import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.testkit.postgres.PostgresCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Creates data folders by copying a pristine, cleanly shut down cluster made once per spec, instead of
 * running initdb every time (about 4 s each). The copy keeps owner, modes and links ({@code cp -a}), so it is
 * the folder initdb would have made, but for its system identifier.
 */
public final class ClusterTemplates {

    private static final Duration COPY_TIMEOUT = Duration.ofMinutes(2);

    private ClusterTemplates() {
    }

    /**
     * Creates {@code target} (which must not exist) as a copy of the template for this spec.
     *
     * @param target   the new data folder
     * @param spec     the cluster spec
     * @param binaries the binaries
     */
    public static void create(Path target, ClusterSpec spec, PostgresBinaries binaries) {
        Path template = template(spec, binaries);
        try {
            FileTrees.copyPreservingOwners(template, target, COPY_TIMEOUT);
        } catch (IOException e) {
            throw new IllegalStateException("Copying the cluster template " + template + " to " + target + " failed: "
                    + e.getMessage(), e);
        }
    }

    private static synchronized Path template(ClusterSpec spec, PostgresBinaries binaries) {
        Path root = binaries.home().getParent().resolve("templates");
        Path template = root.resolve(key(spec, binaries));
        if (Files.isRegularFile(template.resolve("PG_VERSION"))) {
            return template;
        }
        try {
            Files.createDirectories(root);
            Path building = Files.createTempDirectory(root, "building-");
            try {
                Files.setPosixFilePermissions(building, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
                PostgresCluster.create(building.resolve("data"), spec, binaries);
                try {
                    Files.move(building.resolve("data"), template, StandardCopyOption.ATOMIC_MOVE);
                } catch (java.nio.file.FileSystemException e) {
                    // Another JVM made it first (ENOTEMPTY/EEXIST): use theirs if it is complete.
                    if (!Files.isRegularFile(template.resolve("PG_VERSION"))) {
                        throw e;
                    }
                }
            } finally {
                FileTrees.deleteRecursively(building);
            }
            return template;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a cluster template under " + root + ": " + e.getMessage(), e);
        }
    }

    private static String key(ClusterSpec spec, PostgresBinaries binaries) {
        String identity = binaries.libc() + "|" + binaries.version() + "|" + spec.superuser() + "|" + spec.password() + "|"
                + spec.database() + "|" + spec.locale().orElse(binaries.defaultLocale()) + "|" + spec.ownerUid() + ":"
                + spec.ownerGid();
        try {
            // A digest, so the password does not appear in the folder name.
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return spec.superuser() + "-" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
