package dev.kaapanamigrate.pgserver.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import dev.kaapanamigrate.pgserver.os.Posix;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Extracts a {@code .txz} (tar + xz) archive, keeping symlinks and executable bits, and making everything
 * readable (and directories and executables searchable/runnable) by other users. Not API.
 */
public final class TxzExtractor {

    private TxzExtractor() {
    }

    /**
     * Extracts into an existing, empty directory.
     *
     * @param archive the archive bytes
     * @param target  the directory to extract into
     * @return the number of entries written
     * @throws IOException on a read/write error or an entry that would leave {@code target}
     */
    public static int extract(InputStream archive, Path target) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        List<Path> directories = new ArrayList<>();
        int count = 0;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZCompressorInputStream(new BufferedInputStream(archive, 1 << 16)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = root.resolve(entry.getName()).normalize();
                if (!out.startsWith(root)) {
                    throw new IOException("Archive entry '" + entry.getName() + "' points outside " + root);
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                    directories.add(out);
                } else if (entry.isSymbolicLink()) {
                    Path link = Path.of(entry.getLinkName());
                    if (link.isAbsolute() || !out.getParent().resolve(link).normalize().startsWith(root)) {
                        throw new IOException("Archive symlink '" + entry.getName() + "' -> '" + entry.getLinkName()
                                + "' points outside " + root);
                    }
                    Files.createDirectories(out.getParent());
                    Files.deleteIfExists(out);
                    Files.createSymbolicLink(out, link);
                } else if (entry.isLink()) {
                    Path source = root.resolve(entry.getLinkName()).normalize();
                    if (!source.startsWith(root)) {
                        throw new IOException("Archive hard link '" + entry.getName() + "' -> '"
                                + entry.getLinkName() + "' points outside " + root);
                    }
                    Files.createDirectories(out.getParent());
                    Files.copy(source, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                } else if (entry.isFile()) {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    Posix.chmod(out, fileMode(entry.getMode()));
                } else {
                    continue; // devices, fifos: not expected, not needed
                }
                count++;
            }
        }
        // directories last, and all of them (also those created implicitly): 0755
        try (var walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Posix.chmod(p, 0755);
                }
            }
        }
        return count;
    }

    /** Keeps the owner's bits, grants read to all, and execute to all when the owner may execute. */
    static int fileMode(int tarMode) {
        int mode = (tarMode & 0700) | 0644;
        if ((tarMode & 0100) != 0) {
            mode |= 0111;
        }
        return mode & 0755;
    }
}
