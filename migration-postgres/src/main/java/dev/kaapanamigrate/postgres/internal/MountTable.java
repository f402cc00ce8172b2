package dev.kaapanamigrate.postgres.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The mounts of this JVM's mount namespace, from {@code /proc/self/mountinfo}. A {@code rename(2)} only
 * works within one mount: a data folder that is a mount point (also a bind mount of another folder of the
 * same file system, which has the same {@code st_dev}), lies in a mount other than FAST_DATA_DIR's, or
 * holds mount points cannot be moved safely. The table of the JVM's own namespace is the one its renames
 * see; mounts made only inside other namespaces (a pod's) do not affect them.
 */
public final class MountTable {

    /** Where the kernel describes the mounts of the reading process's mount namespace. */
    public static final Path SELF = Path.of("/proc/self/mountinfo");

    /**
     * One line of {@code mountinfo} (see {@code proc(5)}), with the octal escapes of paths decoded.
     *
     * @param id         mount id (field 1)
     * @param parentId   id of the parent mount (field 2)
     * @param device     {@code major:minor} of the file system (field 3)
     * @param root       the folder of the file system that is mounted (field 4; not {@code /} for a bind
     *                   mount of a subfolder)
     * @param mountPoint where it is mounted, relative to the process's root (field 5)
     * @param readOnly   whether the mount (field 6) or its file system (the super options) is read-only
     * @param fsType     file system type (first field after the {@code -} separator)
     * @param source     mount source, for example {@code /dev/sda1} or {@code tmpfs}
     */
    public record Mount(int id, int parentId, String device, String root, Path mountPoint, boolean readOnly, String fsType,
            String source) {

        /**
         * The mount for a message: type, source and, for a bind mount of a subfolder, which folder.
         *
         * @return for example {@code ext4 /dev/vda, bind mount of /srv/pg}
         */
        public String describe() {
            return fsType + " " + source + ("/".equals(root) ? "" : ", bind mount of " + root);
        }
    }

    private final List<Mount> mounts;

    private MountTable(List<Mount> mounts) {
        this.mounts = List.copyOf(mounts);
    }

    /**
     * Reads the mounts of this JVM's mount namespace.
     *
     * @return the table
     * @throws IOException when {@link #SELF} cannot be read or parsed
     */
    public static MountTable read() throws IOException {
        List<String> lines = Files.readAllLines(SELF, StandardCharsets.UTF_8);
        try {
            return parse(lines);
        } catch (IllegalArgumentException e) {
            throw new IOException("Cannot parse " + SELF + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses {@code mountinfo} lines.
     *
     * @param lines the lines; blank ones are skipped
     * @return the table, in the kernel's order (a later mount on the same point covers an earlier one)
     * @throws IllegalArgumentException for a line that is not in the {@code mountinfo} format
     */
    public static MountTable parse(List<String> lines) {
        List<Mount> mounts = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                mounts.add(parseLine(line));
            }
        }
        return new MountTable(mounts);
    }

    /**
     * Parses one {@code mountinfo} line: {@code id parent major:minor root mountpoint options [optional
     * fields...] - fstype source superoptions}. Paths escape space, tab, newline and backslash as
     * {@code \ooo}; the optional fields ({@code shared:N}, {@code master:N}, ...) vary in number, so the fields
     * after them are found through the {@code -} separator.
     *
     * @param line the line
     * @return the mount
     * @throws IllegalArgumentException when the line is malformed
     */
    public static Mount parseLine(String line) {
        // a field never holds a space (escaped as \040), but the source may be empty: keep empty fields
        String[] f = line.split(" ", -1);
        int separator = -1;
        for (int i = 6; i < f.length; i++) {
            if (f[i].equals("-")) {
                separator = i;
                break;
            }
        }
        if (f.length < 7 || separator < 0 || separator + 2 >= f.length) {
            throw new IllegalArgumentException("not a mountinfo line: " + line);
        }
        try {
            boolean readOnly = List.of(f[5].split(",")).contains("ro")
                    || separator + 3 < f.length && List.of(f[separator + 3].split(",")).contains("ro");
            return new Mount(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[2], unescape(f[3]), Path.of(unescape(f[4])),
                    readOnly, unescape(f[separator + 1]), unescape(f[separator + 2]));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a mountinfo line: " + line + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Decodes the kernel's octal escapes ({@code \040} = space, {@code \011} = tab, {@code \012} = newline,
     * {@code \134} = backslash).
     *
     * @param field a field as the kernel wrote it
     * @return the text
     */
    public static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }

    /**
     * All mounts, in the kernel's order.
     *
     * @return the mounts
     */
    public List<Mount> mounts() {
        return mounts;
    }

    /**
     * The mount whose mount point is exactly this path (the last one, which covers earlier mounts there).
     *
     * @param path an absolute path without symbolic links
     * @return the mount, or empty when the path is no mount point
     */
    public Optional<Mount> mountAt(Path path) {
        Mount found = null;
        for (Mount m : mounts) {
            if (m.mountPoint().equals(path)) {
                found = m;
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * The mounts whose mount points lie strictly inside a folder, in the kernel's order.
     *
     * @param folder an absolute path without symbolic links
     * @return the mounts, possibly none
     */
    public List<Mount> mountsBelow(Path folder) {
        return mounts.stream().filter(m -> m.mountPoint().startsWith(folder) && !m.mountPoint().equals(folder)).toList();
    }

    /**
     * The mount a path lies in: the one with the longest mount point that contains it (the last one of those).
     *
     * @param path an absolute path without symbolic links
     * @return the mount, or empty when no mount contains it (for example outside the process's root)
     */
    public Optional<Mount> containing(Path path) {
        Mount found = null;
        for (Mount m : mounts) {
            if (path.startsWith(m.mountPoint())
                    && (found == null || m.mountPoint().getNameCount() >= found.mountPoint().getNameCount())) {
                found = m;
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * The reasons a data folder cannot be moved by one {@code rename(2)} within FAST_DATA_DIR's mount: the
     * folder is a mount point (rename fails with {@code EBUSY}, also for a bind mount on the same file system),
     * a folder between FAST_DATA_DIR and it is one ({@code EXDEV}; {@code mv} would fall back to copying), or
     * mount points lie inside it (the rename would carry them to paths no mount configuration knows).
     *
     * @param fast   FAST_DATA_DIR, real path
     * @param folder the data folder inside it, real path
     * @param label  how the folder is named in the messages, for example {@code "source "}, or {@code ""}
     * @return the findings, none when the folder lies plainly in FAST_DATA_DIR's mount
     */
    public List<Finding> refusals(Path fast, Path folder, String label) {
        List<Finding> findings = new ArrayList<>();
        String fastDevice = containing(fast).map(Mount::device).orElse("");
        for (Path p = folder.getParent(); p != null && p.startsWith(fast) && !p.equals(fast); p = p.getParent()) {
            Path parent = p;
            mountAt(parent).ifPresent(m -> findings.add(new Finding("the folder " + parent + " that holds " + label + folder
                    + " is a mount point (" + m.describe() + ")", parent + " in the mount of FAST_DATA_DIR, so that "
                    + folder.getFileName() + " can be renamed out of it (rename(2) does not cross mounts)", "unmount " + parent
                    + " (and drop it from /etc/fstab or its mount unit), put its content into a plain folder " + parent
                    + " on the file system of FAST_DATA_DIR, then run again")));
        }
        mountAt(folder).ifPresent(m -> findings.add(new Finding(label + folder + " is a mount point "
                + (m.device().equals(fastDevice) ? "on the same file system as FAST_DATA_DIR" : "of another file system than "
                + "FAST_DATA_DIR") + " (" + m.describe() + ")", "a plain folder in the mount of FAST_DATA_DIR, so that the "
                + "move is one rename (a mount point cannot be renamed)", "unmount " + folder + " (and drop it from /etc/fstab "
                + "or its mount unit), put its content into a plain folder " + folder + " on the file system of "
                + "FAST_DATA_DIR, then run again")));
        List<Mount> below = mountsBelow(folder);
        if (!below.isEmpty()) {
            List<String> points = below.stream().map(m -> m.mountPoint() + ": " + m.describe()).toList();
            findings.add(new Finding(label + folder + " holds mount points (" + String.join("; ", points) + ")",
                    "a data folder without mounts inside it (a rename would carry them to paths their mount configuration "
                    + "does not know)", "unmount " + below.stream().map(m -> m.mountPoint().toString()).distinct()
                    .reduce((a, b) -> a + ", " + b).orElseThrow() + " (and drop them from /etc/fstab or their mount units), "
                    + "put their content into plain folders at those paths, then run again"));
        }
        return findings;
    }
}
