package dev.kaapanamigrate.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mountinfo parser on real lines (escapes, optional fields, the separator) and the refusals built on it. */
class MountTableTest {

    private static final String ROOT = "26 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard";
    private static final String PROC = "21 26 0:20 / /proc rw,relatime - proc proc rw";

    @Test
    void parsesTheFieldsAroundAVaryingNumberOfOptionalFields() {
        MountTable.Mount none = MountTable.parseLine(ROOT);
        MountTable.Mount one = MountTable.parseLine("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue");
        MountTable.Mount two = MountTable.parseLine(
                "412 29 0:52 / /run/user/1000 rw,nosuid,nodev,relatime shared:237 master:12 - tmpfs tmpfs rw,size=803164k,mode=700");

        assertThat(none).isEqualTo(new MountTable.Mount(26, 1, "254:0", "/", Path.of("/"), false, "ext4", "/dev/vda"));
        assertThat(one).isEqualTo(new MountTable.Mount(36, 35, "98:0", "/mnt1", Path.of("/mnt2"), false, "ext3", "/dev/root"));
        assertThat(two.mountPoint()).isEqualTo(Path.of("/run/user/1000"));
        assertThat(two.fsType()).isEqualTo("tmpfs");
        assertThat(two.source()).isEqualTo("tmpfs");
    }

    @Test
    void decodesTheOctalEscapesOfPaths() {
        MountTable.Mount m = MountTable.parseLine(
                "41 26 254:0 /tmp/a\\134b /tmp/with\\040space/and\\011tab\\012nl rw,relatime - ext4 /dev/vda rw");

        assertThat(m.root()).isEqualTo("/tmp/a\\b");
        assertThat(m.mountPoint()).isEqualTo(Path.of("/tmp/with space/and\ttab\nnl"));
        assertThat(MountTable.unescape("no\\escape\\04")).as("a backslash without three octal digits stays").isEqualTo("no\\escape\\04");
        assertThat(MountTable.unescape("\\0401")).isEqualTo(" 1");
    }

    @Test
    void aReadOnlyMountOrFileSystemIsReadOnly() {
        assertThat(MountTable.parseLine("41 26 254:0 /tmp/a /tmp/b ro,relatime - ext4 /dev/vda rw,discard").readOnly()).isTrue();
        assertThat(MountTable.parseLine("42 26 7:0 / /snap/core rw,nodev shared:5 - squashfs /dev/loop0 ro").readOnly()).isTrue();
        assertThat(MountTable.parseLine("43 26 0:50 / /mnt rw,nosuid - tmpfs tmpfs rw,size=1024k,mode=755,root=x").readOnly())
                .as("an option that only starts with ro").isFalse();
    }

    @Test
    void keepsAnEmptySourceAndAHyphenInsideAField() {
        MountTable.Mount m = MountTable.parseLine("50 26 0:45 / /mnt/a-b rw shared:3 - tmpfs  rw,size=1024k");

        assertThat(m.mountPoint()).isEqualTo(Path.of("/mnt/a-b"));
        assertThat(m.fsType()).isEqualTo("tmpfs");
        assertThat(m.source()).isEmpty();
    }

    @Test
    void rejectsLinesWithoutTheSeparatorOrFields() {
        assertThatThrownBy(() -> MountTable.parseLine("26 1 254:0 / / rw,relatime ext4 /dev/vda rw"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a mountinfo line");
        assertThatThrownBy(() -> MountTable.parseLine("x 1 254:0 / / rw - ext4 /dev/vda rw"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MountTable.parseLine("26 1 254:0 / / rw -"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void findsMountPointsMountsBelowAndTheContainingMountWhereTheLastMountCovers() {
        MountTable t = MountTable.parse(List.of(ROOT, PROC, "",
                "60 26 0:50 / /srv/fast/pg rw - tmpfs tmpfs rw",
                "61 60 254:0 /srv/elsewhere /srv/fast/pg rw - ext4 /dev/vda rw",
                "62 26 254:0 /srv/wal /srv/fast/pg2/pg_wal rw - ext4 /dev/vda rw"));

        assertThat(t.mountAt(Path.of("/srv/fast/pg"))).get().extracting(MountTable.Mount::id).isEqualTo(61);
        assertThat(t.mountAt(Path.of("/srv/fast"))).isEmpty();
        assertThat(t.mountsBelow(Path.of("/srv/fast/pg2"))).extracting(MountTable.Mount::id).containsExactly(62);
        assertThat(t.mountsBelow(Path.of("/srv/fast/pg"))).isEmpty();
        assertThat(t.mountsBelow(Path.of("/srv/fast/pg2x"))).as("by path element, not by text prefix").isEmpty();
        assertThat(t.containing(Path.of("/srv/fast/pg/base"))).get().extracting(MountTable.Mount::id).isEqualTo(61);
        assertThat(t.containing(Path.of("/srv/fast"))).get().extracting(MountTable.Mount::id).isEqualTo(26);
    }

    @Test
    void refusesABindMountOnTheSameFileSystemAMountedParentAndMountsInside() {
        Path fast = Path.of("/srv/fast");
        MountTable t = MountTable.parse(List.of(ROOT,
                "60 26 254:0 /srv/elsewhere/pg /srv/fast/postgres-backend rw - ext4 /dev/vda rw",
                "61 26 0:50 / /srv/fast/postgres-airflow rw - tmpfs tmpfs rw",
                "62 26 254:0 /srv/fast/keycloak /srv/fast/keycloak rw - ext4 /dev/vda rw",
                "63 26 254:0 /srv/wal /srv/fast/postgres-backend-x/pg_wal rw - ext4 /dev/vda rw"));

        List<Finding> bind = t.refusals(fast, fast.resolve("postgres-backend"), "source ");
        List<Finding> tmpfs = t.refusals(fast, fast.resolve("postgres-airflow"), "");
        List<Finding> parent = t.refusals(fast, fast.resolve("keycloak/db-files"), "source ");
        List<Finding> inside = t.refusals(fast, fast.resolve("postgres-backend-x"), "target ");

        assertThat(bind).singleElement().satisfies(f -> {
            assertThat(f.found()).isEqualTo("source /srv/fast/postgres-backend is a mount point on the same file system as "
                    + "FAST_DATA_DIR (ext4 /dev/vda, bind mount of /srv/elsewhere/pg)");
            assertThat(f.expected()).contains("a plain folder in the mount of FAST_DATA_DIR", "a mount point cannot be renamed");
            assertThat(f.fix()).startsWith("unmount /srv/fast/postgres-backend (and drop it from /etc/fstab");
        });
        assertThat(tmpfs).singleElement().extracting(Finding::found).isEqualTo(
                "/srv/fast/postgres-airflow is a mount point of another file system than FAST_DATA_DIR (tmpfs tmpfs)");
        assertThat(parent).singleElement().satisfies(f -> {
            assertThat(f.found()).isEqualTo("the folder /srv/fast/keycloak that holds source /srv/fast/keycloak/db-files is a "
                    + "mount point (ext4 /dev/vda, bind mount of /srv/fast/keycloak)");
            assertThat(f.expected()).contains("rename(2) does not cross mounts");
        });
        assertThat(inside).singleElement().satisfies(f -> {
            assertThat(f.found()).isEqualTo("target /srv/fast/postgres-backend-x holds mount points "
                    + "(/srv/fast/postgres-backend-x/pg_wal: ext4 /dev/vda, bind mount of /srv/wal)");
            assertThat(f.fix()).startsWith("unmount /srv/fast/postgres-backend-x/pg_wal (and drop them");
        });
        assertThat(t.refusals(fast, fast.resolve("postgres-dicom"), "source ")).isEmpty();
    }

    @Test
    void readsTheTableOfThisJvm() throws Exception {
        MountTable t = MountTable.read();

        assertThat(t.containing(Path.of("/proc/self"))).get().extracting(MountTable.Mount::fsType).isEqualTo("proc");
        assertThat(t.mountAt(Path.of("/"))).isPresent();
    }
}
