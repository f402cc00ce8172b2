package dev.kaapanamigrate.pgserver.os;

import static dev.kaapanamigrate.pgserver.os.OsTestSupport.POSTGRES_ID;
import static dev.kaapanamigrate.pgserver.os.OsTestSupport.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {

    @Test
    void deleteRecursivelyRemovesATreeButNeverFollowsALink(@TempDir Path tmp) throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "keep");
        Path tree = tree(tmp.resolve("tree"));
        Files.createSymbolicLink(tree.resolve("a/link-to-outside"), outside);
        Path readOnly = Files.writeString(tree.resolve("a/b/read-only"), "x");
        Posix.chmod(readOnly, 0400);

        FileTrees.deleteRecursively(tree);

        assertThat(tree).doesNotExist();
        assertThat(outside.resolve("keep.txt")).hasContent("keep");
    }

    @Test
    void deleteRecursivelyTakesAFileALinkAMissingPathOrNull(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        Path target = Files.createDirectories(tmp.resolve("target"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);
        Path dangling = Files.createSymbolicLink(tmp.resolve("dangling"), tmp.resolve("nowhere"));

        FileTrees.deleteRecursively(file);
        FileTrees.deleteRecursively(link);
        FileTrees.deleteRecursively(dangling);
        FileTrees.deleteRecursively(tmp.resolve("missing"));
        FileTrees.deleteRecursively(null);

        assertThat(file).doesNotExist();
        assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.exists(dangling, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(target).as("a link's target").isDirectory();
    }

    @Test
    void deleteQuietlySaysWhetherNothingIsLeft(@TempDir Path tmp) throws Exception {
        Path tree = tree(tmp.resolve("tree"));

        assertThat(FileTrees.deleteQuietly(tree)).isTrue();
        assertThat(tree).doesNotExist();
        assertThat(FileTrees.deleteQuietly(tree)).as("already gone").isTrue();
    }

    @Test
    void copyPreservingOwnersKeepsOwnersModesTimesAndLinks(@TempDir Path tmp) throws Exception {
        Path from = tree(tmp.resolve("from"));
        Path secret = from.resolve("a/b/secret");
        Files.writeString(secret, "pw");
        Posix.chmod(secret, 0600);
        Posix.chmod(from.resolve("a"), 0700);
        Files.createSymbolicLink(from.resolve("a/link"), Path.of("b/secret"));
        Instant old = Instant.parse("2020-01-02T03:04:05Z");
        Files.setLastModifiedTime(secret, FileTime.from(old));
        int owner = Posix.isRoot() ? POSTGRES_ID : Posix.uid();
        int group = Posix.isRoot() ? POSTGRES_ID : Posix.gid();
        if (Posix.isRoot()) {
            Posix.chownTree(from, owner, group);
        }
        Path to = tmp.resolve("to");

        FileTrees.copyPreservingOwners(from, to, Duration.ofMinutes(1));

        Path copied = to.resolve("a/b/secret");
        assertThat(copied).hasContent("pw");
        assertThat(Posix.mode(copied)).isEqualTo(0600);
        assertThat(Posix.mode(to.resolve("a"))).isEqualTo(0700);
        assertThat(Posix.ownerUid(copied)).isEqualTo(owner);
        assertThat(Posix.ownerGid(to.resolve("a"))).isEqualTo(group);
        assertThat(Files.getLastModifiedTime(copied).toInstant()).isEqualTo(old);
        assertThat(Files.readSymbolicLink(to.resolve("a/link"))).isEqualTo(Path.of("b/secret"));
        assertThat(sh("diff", "-r", "--no-dereference", from.toString(), to.toString())).isEmpty();
    }

    @Test
    void copyPreservingOwnersRefusesAnExistingTargetWithCpsMessage(@TempDir Path tmp) throws Exception {
        Path from = tree(tmp.resolve("from"));
        Path file = Files.writeString(tmp.resolve("a-file"), "x");

        assertThatThrownBy(() -> FileTrees.copyPreservingOwners(from, file, Duration.ofMinutes(1)))
                .isInstanceOf(IOException.class).hasMessageContaining("cp -a").hasMessageContaining("exited with");
        assertThat(file).hasContent("x");
        assertThatThrownBy(() -> FileTrees.copyPreservingOwners(tmp.resolve("missing"), tmp.resolve("to"),
                Duration.ofMinutes(1))).isInstanceOf(IOException.class).hasMessageContaining("missing");
    }

    private static Path tree(Path root) throws IOException {
        Files.createDirectories(root.resolve("a/b"));
        Files.createDirectories(root.resolve("c"));
        Files.writeString(root.resolve("top.txt"), "top");
        Files.writeString(root.resolve("a/b/deep.txt"), "deep");
        return root;
    }
}
