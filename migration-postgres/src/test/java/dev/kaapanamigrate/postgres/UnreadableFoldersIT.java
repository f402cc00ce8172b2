package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.DataFolderMove;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.postgres.internal.FolderFacts;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks run by an unprivileged uid (65534, through {@code setpriv}) on uid-70 {@code 0700} data folders:
 * both steps say they cannot read the folders instead of calling them missing or foreign, and change nothing.
 */
class UnreadableFoldersIT {

    private static final int NOBODY = 65534;

    @TempDir
    Path root;

    @Test
    void anUnprivilegedRunSaysItCannotReadTheFoldersAndChangesNothing() throws Exception {
        Assumptions.assumeTrue(FolderFacts.currentUid() == 0, "only root can run a check as another uid");
        Assumptions.assumeTrue(new File("/usr/bin/setpriv").canExecute(), "setpriv (util-linux) is not installed");
        Path fast = Folders.fast04(root);
        String before = Folders.digest(fast);

        String out = runAsNobody(fast.toString());

        List<String> lines = out.lines().filter(l -> l.startsWith("rename: ") || l.startsWith("preflight: ")).toList();
        assertThat(lines).as(out).hasSize(2);
        Path real = fast.toRealPath();
        for (String line : lines) {
            assertThat(line).startsWith(line.startsWith("rename") ? "rename: BLOCKED" : "preflight: BLOCKED");
            for (DataFolderMove m : DataFolderMove.values()) {
                assertThat(line).contains("cannot read " + real.resolve(m.from()) + " as uid " + NOBODY
                        + " (owner uid 70, mode 0700)");
            }
            assertThat(line).contains("run the migration as root (or as the folders' owner)")
                    .doesNotContain("no PG_VERSION", "neither " + real, "is not empty", "uid unknown");
        }
        assertThat(lines.get(0)).contains("nothing was moved");
        assertThat(lines.get(1)).contains("FAST_DATA_DIR " + real + " is not writable", "nothing was changed");
        assertThat(Folders.digest(fast)).isEqualTo(before);
    }

    @Test
    void anUnreadableVersionFileIsSaidToBePermissionDeniedWithTheFixAndNothingChanges() throws Exception {
        Assumptions.assumeTrue(FolderFacts.currentUid() == 0, "only root can run a check as another uid");
        Assumptions.assumeTrue(new File("/usr/bin/setpriv").canExecute(), "setpriv (util-linux) is not installed");
        Folders.open(root);
        Path fast = Files.createDirectories(root.resolve("fast"));
        Folders.open(fast);
        Files.createDirectories(fast.resolve("os/data"));
        Path version = fast.resolve("version");
        Files.writeString(version, "0.4.2\n");
        Files.setPosixFilePermissions(version, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String before = Folders.digest(fast);

        String out = runAsNobody(fast.toString(), "detect");

        List<String> lines = out.lines().filter(l -> l.startsWith("detect: ") || l.startsWith("write: ")).toList();
        assertThat(lines).as(out).hasSize(2);
        for (String line : lines) {
            assertThat(line).as(out).contains("BLOCKED [PRECONDITION_FAILED]", "the version file " + version
                    + " cannot be read as uid " + NOBODY + " (permission denied, owner uid 0, mode 0600)",
                    "nothing was changed", "run the migration as root (or as the owner of " + version
                    + "), or make the file readable (chmod a+r " + version + ")")
                    .doesNotContain("Exception", "Cannot read " + version + ": " + version);
        }
        assertThat(out).doesNotContain("\tat ");
        assertThat(Folders.digest(fast)).isEqualTo(before);
    }

    /** Runs {@link InspectFoldersMain} with the arguments as uid 65534 and returns its output. */
    private String runAsNobody(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid", Integer.toString(NOBODY), "--regid",
                Integer.toString(NOBODY), "--clear-groups", "--", ProcessHandle.current().info().command().orElse("java"),
                "-Xmx96m", "-XX:-UsePerfData", "-cp", readableClasspath(), InspectFoldersMain.class.getName()));
        command.addAll(List.of(args));
        Path log = root.resolve("child.log");

        Process child = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();

        assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
        String out = Files.readString(log);
        assertThat(child.exitValue()).as(out).isZero();
        return out;
    }

    /**
     * The test class path as the unprivileged uid can read it: jars from root's 0700 home are hard-linked (same
     * file system, no copy, else copied) into the 0755 test folder; class folders are copied, since the checkout
     * itself may lie in a 0700 home.
     */
    private String readableClasspath() throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path jars = Files.createDirectory(root.resolve("classpath"));
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : classpath.split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isRegularFile(p)) {
                Path link = jars.resolve((n++) + "-" + p.getFileName());
                try {
                    Files.createLink(link, p);
                } catch (java.io.IOException | UnsupportedOperationException e) {
                    Files.copy(p, link); // another file system than the test folder
                }
                entries.add(link.toString());
            } else if (Files.isDirectory(p)) {
                // target/classes of a checkout under a 0700 home is unreadable too: copy it (small)
                Path copy = jars.resolve((n++) + "-classes");
                try (var tree = Files.walk(p)) {
                    for (Path from : (Iterable<Path>) tree::iterator) {
                        Path to = copy.resolve(p.relativize(from).toString());
                        if (Files.isDirectory(from)) {
                            Files.createDirectories(to);
                        } else {
                            Files.copy(from, to);
                        }
                    }
                }
                entries.add(copy.toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
