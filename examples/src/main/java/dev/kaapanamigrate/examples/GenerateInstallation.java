package dev.kaapanamigrate.examples;

import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.InstallationGenerator;
import dev.kaapanamigrate.testkit.InstallationSize;
import dev.kaapanamigrate.testkit.InstallationSpec;
import dev.kaapanamigrate.testkit.backends.ObjectStore;
import dev.kaapanamigrate.testkit.backends.SearchNode;
import dev.kaapanamigrate.testkit.backends.TestBackends;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/**
 * Generates a Kaapana 0.4.2 installation on embedded backends and prints how long it took and how much
 * disk it uses. Usage: {@code GenerateInstallation SMALL|MEDIUM|LARGE [folder]}.
 */
public final class GenerateInstallation {

    private GenerateInstallation() {
    }

    /**
     * Entry point.
     *
     * @param args the size and optionally the folder (a new temporary folder otherwise)
     * @throws IOException when the folder cannot be written
     */
    public static void main(String[] args) throws IOException {
        InstallationSize size = InstallationSize.valueOf(args.length > 0 ? args[0].toUpperCase() : "SMALL");
        Path folder = args.length > 1 ? Files.createDirectories(Path.of(args[1]))
                : Files.createTempDirectory("kaapana-generated-");
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        InstallationSpec spec = InstallationSpec.of(size);
        long start = System.nanoTime();
        Files.createDirectories(folder.resolve("s3-store"));
        try (ObjectStore s3 = TestBackends.startEmbeddedObjectStore(folder.resolve("s3-store"),
                TestBackends.DEFAULT_ACCESS_KEY, TestBackends.DEFAULT_SECRET_KEY);
             SearchNode search = TestBackends.startEmbeddedSearchNode()) {
            long backends = System.nanoTime();
            GeneratedInstallation install = InstallationGenerator.generate(spec, folder.resolve("installation"), s3, search);
            long done = System.nanoTime();
            System.out.printf("Generated %s (%s) in %.1f s (+%.1f s to start the embedded backends)%n", size, spec,
                    (done - backends) / 1e9, (backends - start) / 1e9);
            System.out.printf("  FAST_DATA_DIR %s: %.1f MiB%n", install.fastDataDir(), mib(install.fastDataDir()));
            System.out.printf("  object store %s: %.1f MiB, %d objects%n", folder.resolve("s3-store"),
                    mib(folder.resolve("s3-store")), install.manifest().buckets().values().stream()
                            .mapToLong(c -> c.count()).sum());
            search.dataDirectory().ifPresent(d -> System.out.printf("  search node %s: %.1f MiB, %d documents%n", d, mib(d),
                    install.manifest().indices().values().stream().mapToLong(c -> c.count()).sum()));
            install.manifest().databases().forEach((db, content) -> System.out.printf("  %-20s %s%n", db,
                    content.tables().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().count()).toList()));
            System.out.println("Manifest: " + install.root().resolve("manifest.json"));
        }
    }

    private static double mib(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum() / 1048576.0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
