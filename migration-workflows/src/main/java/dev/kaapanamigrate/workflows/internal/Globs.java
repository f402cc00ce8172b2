package dev.kaapanamigrate.workflows.internal;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Include and exclude globs ({@code java.nio} glob syntax) on paths relative to a scanned folder. A glob starting with
 * {@code **}{@code /} also matches at the top level, as in {@code .gitignore}: {@code **}{@code /*.py} matches
 * {@code a.py} too (plain {@code java.nio} globs would need a folder in between).
 */
public final class Globs {

    /** A name no real folder holds, to test whether an exclude glob covers a whole folder. */
    private static final String PROBE = "kaapana-migrate-probe";

    private final List<PathMatcher> includes;
    private final List<PathMatcher> excludes;

    /**
     * Compiles the globs.
     *
     * @param includes files to scan
     * @param excludes files and folders to leave out
     * @throws IllegalArgumentException when a glob is invalid
     */
    public Globs(List<String> includes, List<String> excludes) {
        this.includes = compile(includes);
        this.excludes = compile(excludes);
    }

    private static List<PathMatcher> compile(List<String> globs) {
        List<PathMatcher> out = new ArrayList<>();
        for (String g : globs) {
            out.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
            if (g.startsWith("**/")) {
                out.add(FileSystems.getDefault().getPathMatcher("glob:" + g.substring(3)));
            }
        }
        return out;
    }

    /**
     * Whether a file is scanned.
     *
     * @param rel the path relative to its scanned folder
     * @return whether an include matches and no exclude does
     */
    public boolean scans(Path rel) {
        return any(includes, rel) && !any(excludes, rel);
    }

    /**
     * Whether a whole folder is left out (an exclude glob matches anything inside it).
     *
     * @param relDir the folder relative to its scanned folder
     * @return whether to skip it
     */
    public boolean prunes(Path relDir) {
        return any(excludes, relDir) || any(excludes, relDir.resolve(PROBE));
    }

    private static boolean any(List<PathMatcher> matchers, Path p) {
        for (PathMatcher m : matchers) {
            if (m.matches(p)) {
                return true;
            }
        }
        return false;
    }
}
