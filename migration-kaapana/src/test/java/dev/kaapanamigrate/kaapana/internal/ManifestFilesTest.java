package dev.kaapanamigrate.kaapana.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestFilesTest {

    @TempDir
    Path tmp;

    private final Manifest manifest = new Manifest(Manifest.FORMAT, Instant.parse("2025-01-02T03:04:05.123456789Z"),
            "/home/kaapana", "DATABASE_FOLDERS", List.of("postgres-backend", "version"), List.of(
            new ManifestEntry("postgres-backend", ManifestEntry.Kind.DIRECTORY, 0, null, 0700, 70, 70,
                    Instant.parse("2024-03-01T10:15:30.123456789Z"), null, false),
            new ManifestEntry("postgres-backend/PG_VERSION", ManifestEntry.Kind.FILE, 3, "a".repeat(64), 0600, 70, 70,
                    Instant.parse("2024-03-01T10:15:30Z"), null, false),
            new ManifestEntry("postgres-backend/we\\ird\nname", ManifestEntry.Kind.FILE, 0, "b".repeat(64), 04755, 70,
                    70, Instant.parse("2024-03-01T10:15:30Z"), null, true),
            new ManifestEntry("postgres-backend/link", ManifestEntry.Kind.SYMLINK, 0, null, 0777, 70, 70,
                    Instant.parse("2024-03-01T10:15:30Z"), "pg_wal", false),
            new ManifestEntry("postgres-backend/second", ManifestEntry.Kind.HARDLINK, 0, null, 0600, 70, 70,
                    Instant.parse("2024-03-01T10:15:30Z"), "postgres-backend/PG_VERSION", false)));

    @Test
    void aManifestRoundTripsWithItsDigestAndSums() throws Exception {
        Path backup = tmp.resolve("kaapana-backup");
        String sha = ManifestFiles.write(backup, manifest);

        ManifestFiles.Read read = ManifestFiles.read(backup);
        assertThat(read.manifest()).isEqualTo(manifest);
        assertThat(read.sha256()).isEqualTo(sha);
        assertThat(Files.readString(tmp.resolve("kaapana-backup.manifest.json.sha256")))
                .isEqualTo(sha + "  kaapana-backup.manifest.json\n");
        assertThat(Files.readAllLines(tmp.resolve("kaapana-backup.sha256sums"))).containsExactly(
                "a".repeat(64) + "  kaapana-backup/postgres-backend/PG_VERSION",
                "\\" + "b".repeat(64) + "  kaapana-backup/postgres-backend/we\\\\ird\\nname");
        assertThat(Files.readString(tmp.resolve("kaapana-backup.manifest.json"))).contains("\"mode\":\"4755\"",
                "\"sparse\":true");
    }

    @Test
    void aManifestWithoutItsDigestOrChangedOrLeavingTheBackupIsRefused() throws Exception {
        Path backup = tmp.resolve("kaapana-backup");
        assertThatThrownBy(() -> ManifestFiles.read(backup)).hasMessageContaining("does not exist");
        ManifestFiles.write(backup, manifest);
        Files.delete(tmp.resolve("kaapana-backup.manifest.json.sha256"));
        assertThatThrownBy(() -> ManifestFiles.read(backup)).hasMessageContaining("the manifest was never completed");

        Manifest escaping = new Manifest(Manifest.FORMAT, Instant.EPOCH, "/f", "WHOLE_TREE", List.of("a"), List.of(
                new ManifestEntry("a/../../etc/passwd", ManifestEntry.Kind.FILE, 1, "c".repeat(64), 0644, 0, 0,
                        Instant.EPOCH, null, false)));
        ManifestFiles.write(backup, escaping);
        assertThatThrownBy(() -> ManifestFiles.read(backup)).isInstanceOf(ManifestFiles.InvalidManifestException.class)
                .hasMessageContaining("leaves the backup");
    }
}
