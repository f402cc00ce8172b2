package dev.kaapanamigrate.pgserver.os;

import static dev.kaapanamigrate.pgserver.os.OsTestSupport.POSTGRES_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class PrivateDirectoryTest {

    @Test
    void isA0700DirectoryOfItsOwnerWithRoomForASocketAndIsDeletedWithItsContents() throws Exception {
        Path path;
        try (PrivateDirectory dir = PrivateDirectory.create(Posix.uid(), Posix.gid())) {
            path = dir.path();
            assertThat(path).isDirectory().isEmptyDirectory();
            assertThat(Posix.mode(path)).isEqualTo(0700);
            assertThat(Posix.ownerUid(path)).isEqualTo(Posix.uid());
            assertThat(dir.resolve(".s.PGSQL.5432").toString().length()).as("a Unix socket path fits")
                    .isLessThan(108);
            Files.createDirectories(dir.resolve("sub/deeper"));
            Files.writeString(dir.resolve("sub/deeper/pwfile"), "secret");
        }
        assertThat(path).doesNotExist();
    }

    @Test
    void belongsToTheUserItIsForWhoCanWorkInIt() throws Exception {
        assumeTrue(Posix.isRoot(), "only root may create a directory for another user");
        try (PrivateDirectory dir = PrivateDirectory.create(POSTGRES_ID, POSTGRES_ID)) {
            assertThat(Posix.ownerUid(dir.path())).isEqualTo(POSTGRES_ID);
            assertThat(Posix.ownerGid(dir.path())).isEqualTo(POSTGRES_ID);
            assertThat(Posix.mode(dir.path())).isEqualTo(0700);

            Path log = dir.resolve("touch.log");
            int rc = ExternalCommands.run(ExternalCommands.asUser(List.of("touch", "made-by-70"), POSTGRES_ID,
                    POSTGRES_ID), dir.path(), log, Duration.ofSeconds(30));

            assertThat(rc).as(ExternalCommands.tail(log, 5)).isZero();
            assertThat(Posix.ownerUid(dir.resolve("made-by-70"))).isEqualTo(POSTGRES_ID);
        }
    }
}
