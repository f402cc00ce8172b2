package dev.kaapanamigrate.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A denied path is told apart from a missing one, and reported with uid, owner and mode. */
class FolderFactsTest {

    @TempDir
    Path dir;

    @Test
    void aDenialBecomesAccessDeniedAndAnythingElseAPlainFailure() {
        Path folder = dir.resolve("postgres-backend");

        UncheckedIOException denied = FolderFacts.failure("list", folder,
                new AccessDeniedException(folder.resolve("PG_VERSION").toString()));
        UncheckedIOException missing = FolderFacts.failure("list", folder, new NoSuchFileException(folder.toString()));
        UncheckedIOException other = FolderFacts.failure("list", folder, new IOException("Input/output error"));

        assertThat(denied).isInstanceOf(FolderFacts.AccessDenied.class);
        assertThat(((FolderFacts.AccessDenied) denied).path()).as("the path the kernel denied")
                .isEqualTo(folder.resolve("PG_VERSION"));
        assertThat(missing).isNotInstanceOf(FolderFacts.AccessDenied.class);
        assertThat(other).isNotInstanceOf(FolderFacts.AccessDenied.class).hasMessageContaining("Input/output error");
    }

    @Test
    void theFindingSaysWhichFolderAsWhichUidWhoseAndWhatToDo() {
        Finding f = FolderFacts.cannotRead(Path.of("/srv/fast/postgres-backend"), 65534,
                Optional.of(new FolderFacts.Stat(1, 2, 70, 70, 0700)));

        assertThat(f.found()).isEqualTo("cannot read /srv/fast/postgres-backend as uid 65534 (owner uid 70, mode 0700)");
        assertThat(f.expected()).contains("cannot be told apart from a missing or foreign one");
        assertThat(f.fix()).isEqualTo("run the migration as root (or as the folders' owner)");
        assertThat(FolderFacts.cannotRead(Path.of("/x"), -1, Optional.empty()).found()).isEqualTo("cannot read /x as uid unknown");
    }

    @Test
    void anUnreachableDeniedPathIsReportedThroughTheFolderThatHoldsIt() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("db-files"));
        // as the kernel reports a denied lstat of PG_VERSION in a 0700 folder: the file itself cannot be looked at
        FolderFacts.AccessDenied denied = new FolderFacts.AccessDenied(folder.resolve("gone/PG_VERSION"), "look at",
                new AccessDeniedException(folder.resolve("gone/PG_VERSION").toString()));

        Finding f = FolderFacts.cannotRead(denied);

        int mode = ((Number) Files.getAttribute(folder, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue() & 07777;
        assertThat(f.found()).isEqualTo("cannot read " + folder + " as uid " + FolderFacts.currentUid() + " (owner uid "
                + Files.getAttribute(folder, "unix:uid") + ", mode 0" + Integer.toOctalString(mode) + ")");
    }

    @Test
    void theCurrentUidIsTheOwnerOfThisProcess() throws Exception {
        assertThat(FolderFacts.currentUid()).isEqualTo(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    }

    @Test
    void missingPathsAndPathsThroughAFileAreAbsentNotErrors() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");

        assertThat(FolderFacts.present(dir.resolve("missing"))).isFalse();
        assertThat(FolderFacts.present(file.resolve("below"))).isFalse();
        assertThat(FolderFacts.isRegularFile(file)).isTrue();
        assertThat(FolderFacts.isDirectory(file)).isFalse();
        assertThat(FolderFacts.readText(file)).isEqualTo("x");
    }
}
