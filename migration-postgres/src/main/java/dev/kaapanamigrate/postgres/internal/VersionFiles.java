package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.core.CrashPoints;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.postgres.KaapanaVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and writes Kaapana's version marker in FAST_DATA_DIR (migration reference §12). */
public final class VersionFiles {

    /** The marker file, relative to FAST_DATA_DIR. */
    public static final String VERSION_FILE = "version";
    /** The folder of the chart archives, relative to FAST_DATA_DIR. */
    public static final String EXTENSIONS = "extensions";

    private static final Pattern CHART = Pattern.compile("kaapana-platform-chart-(.+)\\.tgz");

    private VersionFiles() {
    }

    /**
     * One platform chart archive.
     *
     * @param file    the archive
     * @param version its version, or {@code null} when the name holds no valid version
     * @param raw     the text between the prefix and {@code .tgz}
     */
    public record Chart(Path file, KaapanaVersion version, String raw) {
    }

    /**
     * The content of the version file.
     *
     * @param fast FAST_DATA_DIR
     * @return the content without surrounding white space, or empty when there is no such file
     */
    public static Optional<String> readMarker(Path fast) {
        Path f = fast.resolve(VERSION_FILE);
        if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(f, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw FolderFacts.failure("read", f, e);
        }
    }

    /**
     * The problem of a version file that cannot be read: permission denied (with uid, owner and mode, and the fix to
     * run as root or make it readable), or another I/O error with its message. Never a stack trace.
     *
     * @param fast    FAST_DATA_DIR
     * @param failure what {@link #readMarker(Path)} threw
     * @return the problem; nothing was changed
     */
    public static Problem cannotRead(Path fast, UncheckedIOException failure) {
        Path f = fast.resolve(VERSION_FILE);
        if (failure instanceof FolderFacts.AccessDenied) {
            String whose = "";
            try {
                FolderFacts.Stat st = FolderFacts.readStat(f, LinkOption.NOFOLLOW_LINKS);
                whose = ", owner uid " + st.uid() + ", mode 0" + st.octalMode();
            } catch (IOException | RuntimeException e) {
                // the folder itself denies: the message says permission denied all the same
            }
            return Problem.of(CoreErrorCode.PRECONDITION_FAILED, "the version file " + f + " cannot be read as uid "
                    + FolderFacts.currentUid() + " (permission denied" + whose + "); nothing was changed",
                    "a version file the migration can read (it says which Kaapana release the data belongs to)",
                    "run the migration as root (or as the owner of " + f + "), or make the file readable (chmod a+r "
                    + f + "), then run again");
        }
        IOException cause = failure.getCause();
        return Problem.of(CoreErrorCode.PRECONDITION_FAILED, "the version file " + f + " cannot be read ("
                + (cause == null ? failure.getMessage() : cause.getClass().getSimpleName() + ": " + cause.getMessage())
                + "); nothing was changed", "a readable text file holding the Kaapana version",
                "check the file and its file system (for example the kernel log for I/O errors), then run again");
    }

    /**
     * The platform chart archives in {@code FAST/extensions}, highest valid version first, invalid names last.
     *
     * @param fast FAST_DATA_DIR
     * @return the archives, possibly none
     */
    public static List<Chart> charts(Path fast) {
        Path ext = fast.resolve(EXTENSIONS);
        List<Chart> found = new ArrayList<>();
        if (!Files.isDirectory(ext)) {
            return found;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(ext)) {
            for (Path f : files) {
                Matcher m = CHART.matcher(f.getFileName().toString());
                if (m.matches() && Files.isRegularFile(f)) {
                    found.add(new Chart(f, KaapanaVersion.tryParse(m.group(1)).orElse(null), m.group(1)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + ext + ": " + e.getMessage(), e);
        }
        found.sort(Comparator.comparing(Chart::version, Comparator.nullsLast(Comparator.<KaapanaVersion>reverseOrder()))
                .thenComparing(c -> c.file().getFileName().toString()));
        return found;
    }

    /**
     * Replaces the version file atomically: writes a temporary file in FAST_DATA_DIR, flushes it, renames it
     * over the file and flushes the directory. A crash leaves either the old or the new content, never a mix.
     * The permissions of an existing file are kept.
     *
     * @param fast    FAST_DATA_DIR
     * @param content the new content (a line feed is appended)
     */
    public static void writeMarker(Path fast, String content) {
        Path target = fast.resolve(VERSION_FILE);
        Path tmp = fast.resolve("." + VERSION_FILE + ".kaapana-migrate.tmp");
        try {
            Files.deleteIfExists(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap((content + "\n").getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS);
                Files.setPosixFilePermissions(tmp, perms);
            }
            CrashPoints.reach("kaapana.write-version:temporary-file-written");
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the temporary file is replaced by the next run
            }
            throw new UncheckedIOException("Writing " + target + " failed: " + e.getMessage()
                    + "; the old content is unchanged, run again", e);
        }
        FolderFacts.fsyncDirectory(fast);
    }
}
