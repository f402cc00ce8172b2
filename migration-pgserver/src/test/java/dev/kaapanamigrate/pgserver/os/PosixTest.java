package dev.kaapanamigrate.pgserver.os;

import static dev.kaapanamigrate.pgserver.os.OsTestSupport.POSTGRES_ID;
import static dev.kaapanamigrate.pgserver.os.OsTestSupport.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PosixTest {

    @Test
    void theJvmsIdentityIsWhatIdSays() throws Exception {
        assertThat(Posix.uid()).isEqualTo(Integer.parseInt(sh("id", "-u")));
        assertThat(Posix.gid()).isEqualTo(Integer.parseInt(sh("id", "-g")));
        assertThat(Posix.isRoot()).isEqualTo(Posix.uid() == 0);
    }

    @Test
    void ownerGroupAndModeAreWhatStatSaysAndChmodSetsTheBits(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("f"), "x");

        Posix.chmod(file, 0640);

        assertThat(sh("stat", "-c", "%a %u %g", file.toString()))
                .isEqualTo(Integer.toOctalString(Posix.mode(file)) + " " + Posix.ownerUid(file) + " "
                        + Posix.ownerGid(file));
        assertThat(Posix.mode(file)).isEqualTo(0640);
        assertThat(Posix.ownerUid(file)).isEqualTo(Posix.uid());
        sh("chmod", "4755", file.toString());
        assertThat(Posix.mode(file)).as("setuid is part of the mode").isEqualTo(04755);
        Posix.chmod(file, 0700);
        assertThat(sh("stat", "-c", "%a", file.toString())).as("chmod clears setuid").isEqualTo("700");
    }

    @Test
    void aMissingPathCannotBeRead(@TempDir Path tmp) {
        assertThatThrownBy(() -> Posix.mode(tmp.resolve("missing"))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("missing");
    }

    @Test
    void chownTreeChangesEveryEntryAndLinksThemselvesNotTheirTargets(@TempDir Path tmp) throws Exception {
        assumeTrue(Posix.isRoot(), "only root may give files away");
        Path outside = Files.writeString(tmp.resolve("outside"), "stays root's");
        Path tree = Files.createDirectories(tmp.resolve("tree/sub"));
        Files.writeString(tree.resolve("file"), "x");
        Files.createSymbolicLink(tree.resolve("link"), outside);

        Posix.chownTree(tmp.resolve("tree"), POSTGRES_ID, POSTGRES_ID);

        for (String p : new String[] {"tree", "tree/sub", "tree/sub/file", "tree/sub/link"}) {
            assertThat(sh("stat", "-c", "%u:%g", tmp.resolve(p).toString())).as(p).isEqualTo("70:70");
        }
        assertThat(Posix.ownerUid(outside)).as("the link's target").isZero();
    }

    @Test
    void unreachableNamesTheDirectoryThatBlocksAUserAndTheFix(@TempDir Path tmp) throws Exception {
        Path closed = Files.createDirectories(tmp.resolve("closed/inner"));
        Posix.chmod(tmp, 0755);
        Posix.chmod(tmp.resolve("closed"), 0700);
        int stranger = Posix.uid() == 12345 ? 12346 : 12345;

        assertThat(Posix.unreachable(closed.resolve("folder"), stranger, stranger, "data folder")).hasValueSatisfying(
                why -> assertThat(why).contains("The data folder " + closed.resolve("folder"))
                        .contains("cannot be reached by uid " + stranger)
                        .contains(tmp.resolve("closed") + " (owner " + Posix.uid() + ", group " + Posix.gid()
                                + ", mode 0700)")
                        .contains("chmod o+x"));
        assertThat(Posix.unreachable(closed.resolve("folder"), Posix.uid(), Posix.gid(), "data folder"))
                .as("the owner may search it").isEmpty();
        assertThat(Posix.unreachable(closed.resolve("folder"), 0, 0, "data folder")).as("root").isEmpty();

        Posix.chmod(tmp.resolve("closed"), 0711);
        assertThat(Posix.unreachable(closed.resolve("folder"), stranger, stranger, "data folder")).isEmpty();
        assertThat(Posix.unreachable(tmp.resolve("not/there/yet"), stranger, stranger, "folder"))
                .as("a directory that does not exist yet is for its creator to decide").isEmpty();
    }
}
