package dev.kaapanamigrate.workflows.internal;

import dev.kaapanamigrate.workflows.FileIssue;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Walks the scanned folders lazily (one folder listing per level, nothing else collected), in name order, without
 * following symbolic links: a link is reported, never followed, so nothing outside the folders is read or rewritten. Explicit file paths
 * are visited as given.
 */
public final class Walker {

    /** What the walk finds. */
    public interface Visitor {
        /**
         * A file to scan.
         *
         * @param root  its scanned folder
         * @param file  the file
         * @param rel   its path relative to {@code root}, with {@code /}
         * @param attrs its attributes (not following links)
         * @throws IOException to stop the walk
         */
        void file(Path root, Path file, String rel, BasicFileAttributes attrs) throws IOException;

        /**
         * Something that cannot be scanned.
         *
         * @param issue what and why
         */
        void issue(FileIssue issue);

        /** A file that the globs leave out. */
        void ignored();
    }

    /**
     * What to walk, resolved.
     *
     * @param root   the folder (or, for a single file, its parent)
     * @param single the file when a single file was given, else {@code null}
     */
    public record Target(Path root, Path single) {
    }

    private final List<Target> targets;
    private final List<FileIssue> targetIssues;
    private final Globs globs;

    private Walker(List<Target> targets, List<FileIssue> targetIssues, Globs globs) {
        this.targets = targets;
        this.targetIssues = targetIssues;
        this.globs = globs;
    }

    /**
     * Resolves the folders and files to scan: each to its real path; a folder inside another is walked once; a file
     * inside a walked folder too.
     *
     * @param roots the folders (or files) to walk
     * @param paths further folders or files
     * @param globs the include and exclude globs
     * @return the walker
     */
    public static Walker of(List<Path> roots, List<Path> paths, Globs globs) {
        List<Path> dirs = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<FileIssue> issues = new ArrayList<>();
        List<Path> all = new ArrayList<>(roots);
        all.addAll(paths);
        for (Path p : all) {
            Path abs = p.toAbsolutePath().normalize();
            if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
                issues.add(new FileIssue(abs.toString(), "", FileIssue.Kind.UNREADABLE,
                        "does not exist; check the path (for Kaapana: FAST_DATA_DIR/workflows)", 0));
                continue;
            }
            Path real;
            try {
                real = abs.toRealPath();
            } catch (IOException e) {
                issues.add(new FileIssue(abs.toString(), "", FileIssue.Kind.UNREADABLE, "cannot be resolved: "
                        + SourceReader.describe(e), 0));
                continue;
            }
            (Files.isDirectory(real) ? dirs : files).add(real);
        }
        List<Target> targets = new ArrayList<>();
        for (Path d : dirs) {
            if (dirs.stream().noneMatch(o -> !o.equals(d) && d.startsWith(o)) && targets.stream().noneMatch(t -> t.root().equals(d))) {
                targets.add(new Target(d, null));
            }
        }
        for (Path f : files) {
            if (dirs.stream().noneMatch(f::startsWith) && targets.stream().noneMatch(t -> f.equals(t.single()))) {
                targets.add(new Target(f.getParent(), f));
            }
        }
        return new Walker(List.copyOf(targets), List.copyOf(issues), globs);
    }

    /**
     * The resolved targets.
     *
     * @return the targets
     */
    public List<Target> targets() {
        return targets;
    }

    /**
     * Walks everything once.
     *
     * @param visitor receives files, issues and ignored files
     * @throws IOException when the visitor stops the walk
     */
    public void walk(Visitor visitor) throws IOException {
        targetIssues.forEach(visitor::issue);
        for (Target t : targets) {
            if (t.single() != null) {
                BasicFileAttributes attrs = Files.readAttributes(t.single(), BasicFileAttributes.class);
                String rel = t.single().getFileName().toString();
                if (FileWrites.isOurs(rel)) {
                    visitor.ignored(); // a backup is never scanned, so never rewritten
                } else if (attrs.isRegularFile()) {
                    visitor.file(t.root(), t.single(), rel, attrs);
                } else {
                    visitor.issue(special(t.root(), t.single(), rel));
                }
                continue;
            }
            new TreeWalk(t.root(), visitor).directory(t.root());
        }
    }

    /**
     * Walks one folder depth first, entries in name order (so reports come out the same on every run), holding one
     * folder listing per level and nothing else.
     */
    private final class TreeWalk {
        private final Path root;
        private final Visitor visitor;

        TreeWalk(Path root, Visitor visitor) {
            this.root = root;
            this.visitor = visitor;
        }

        void directory(Path dir) throws IOException {
            List<Path> entries = new ArrayList<>();
            try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir)) {
                for (Path p : listing) {
                    entries.add(p);
                }
            } catch (IOException | DirectoryIteratorException e) {
                failed(dir, e instanceof DirectoryIteratorException d ? d.getCause() : (IOException) e);
                return;
            }
            entries.sort(Comparator.comparing(p -> p.getFileName().toString()));
            for (Path p : entries) {
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    failed(p, e);
                    continue;
                }
                if (attrs.isDirectory()) {
                    if (!globs.prunes(root.relativize(p))) {
                        directory(p);
                    }
                } else {
                    file(p, attrs);
                }
            }
        }

        private void file(Path file, BasicFileAttributes attrs) throws IOException {
            Path relPath = root.relativize(file);
            String rel = slashes(relPath);
            if (attrs.isSymbolicLink()) {
                link(file, relPath, rel);
            } else if (attrs.isRegularFile()) {
                if (globs.scans(relPath) && !FileWrites.isOurs(file.getFileName().toString())) {
                    visitor.file(root, file, rel, attrs);
                } else {
                    visitor.ignored();
                }
            } else if (globs.scans(relPath)) {
                visitor.issue(special(root, file, rel));
            } else {
                visitor.ignored();
            }
        }

        private void link(Path file, Path relPath, String rel) {
            String target;
            try {
                target = Files.readSymbolicLink(file).toString();
            } catch (IOException | UnsupportedOperationException e) {
                target = "?";
            }
            if (Files.isDirectory(file)) {
                if (!globs.prunes(relPath)) {
                    visitor.issue(new FileIssue(root.toString(), rel, FileIssue.Kind.SYMLINK, "a symbolic link to the folder "
                            + target + ": not followed, nothing in it was scanned; scan that folder as a root of its own "
                            + "if it holds workflow code", 0));
                }
            } else if (!globs.scans(relPath)) {
                visitor.ignored();
            } else if (!Files.exists(file)) {
                visitor.issue(new FileIssue(root.toString(), rel, FileIssue.Kind.UNREADABLE, "a dangling symbolic link to "
                        + target + ": cannot be read; remove it or restore its target", 0));
            } else {
                visitor.issue(new FileIssue(root.toString(), rel, FileIssue.Kind.SYMLINK, "a symbolic link to " + target
                        + ": not followed, so it is neither scanned nor rewritten here; scan its target (or the target's "
                        + "folder) instead", 0));
            }
        }

        private void failed(Path file, IOException exc) {
            visitor.issue(new FileIssue(root.toString(), slashes(root.relativize(file)), FileIssue.Kind.UNREADABLE,
                    "cannot be read: " + SourceReader.describe(exc) + "; make it readable for the migration's user, or "
                    + "exclude it", 0));
        }
    }

    /** A FIFO, socket or device: never opened, as reading a FIFO without a writer blocks forever. */
    private static FileIssue special(Path root, Path file, String rel) {
        String what = "a special file (not a regular file)";
        try {
            Object mode = Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (mode instanceof Integer m) {
                what = switch (m & 0170000) {
                    case 0010000 -> "a FIFO (named pipe)";
                    case 0140000 -> "a socket";
                    case 0020000 -> "a character device";
                    case 0060000 -> "a block device";
                    default -> what;
                };
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // keep the generic description
        }
        return new FileIssue(root.toString(), rel, FileIssue.Kind.UNREADABLE, what + ": not opened (reading it could "
                + "block or never end); remove it or exclude it", 0);
    }

    static String slashes(Path rel) {
        String s = rel.toString();
        return rel.getFileSystem().getSeparator().equals("/") ? s : s.replace(rel.getFileSystem().getSeparator(), "/");
    }
}
