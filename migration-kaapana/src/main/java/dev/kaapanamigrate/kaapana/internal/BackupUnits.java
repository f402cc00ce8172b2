package dev.kaapanamigrate.kaapana.internal;

import dev.kaapanamigrate.domain.DataFolderMove;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Which top-level names of FAST_DATA_DIR a backup covers, and what is never part of one. */
public final class BackupUnits {

    /** Top-level names starting with this are the migration's own (state directory, restore folders): never copied. */
    public static final String OWN_PREFIX = ".kaapana-migrate";
    /** The version marker. */
    public static final String VERSION = "version";
    /** The PACS database folder (not moved by the migration). */
    public static final String PACS_DATABASE = "postgres-dcm4che";

    private BackupUnits() {
    }

    /**
     * The database folders: the top-level 0.4 names of the five moved folders ({@code keycloak} as a whole), the PACS
     * database and the version marker.
     *
     * @return the names
     */
    public static List<String> databaseUnits() {
        List<String> out = new ArrayList<>();
        for (DataFolderMove m : DataFolderMove.values()) {
            String top = m.from().contains("/") ? m.from().substring(0, m.from().indexOf('/')) : m.from();
            if (!out.contains(top)) {
                out.add(top);
            }
        }
        out.add(PACS_DATABASE);
        out.add(VERSION);
        return List.copyOf(out);
    }

    /**
     * Every top-level name of FAST_DATA_DIR that is not excluded, in byte order.
     *
     * @param fast     FAST_DATA_DIR
     * @param excluded the exclusion
     * @return the names
     * @throws IOException when FAST_DATA_DIR cannot be listed
     */
    public static List<String> wholeTreeUnits(Path fast, Predicate<String> excluded) throws IOException {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(fast)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!excluded.test(name)) {
                    out.add(name);
                }
            }
        }
        out.sort(String::compareTo);
        return List.copyOf(out);
    }

    /**
     * What is never copied: top-level names starting with {@value #OWN_PREFIX}, and the state directory wherever it is
     * below FAST_DATA_DIR.
     *
     * @param fast           FAST_DATA_DIR
     * @param stateDirectory the state directory
     * @return a test on relative paths
     */
    public static Predicate<String> exclusion(Path fast, Path stateDirectory) {
        Path f = fast.toAbsolutePath().normalize();
        Path s = stateDirectory.toAbsolutePath().normalize();
        String state = s.startsWith(f) && !s.equals(f) ? f.relativize(s).toString() : null;
        return rel -> rel.startsWith(OWN_PREFIX) || (state != null && (rel.equals(state) || rel.startsWith(state + "/")));
    }

    /**
     * The 0.4 path of a moved folder when it has been moved already (absent under its 0.4 name, present under its 0.5
     * name).
     *
     * @param fast FAST_DATA_DIR
     * @return the 0.4 paths of the moved folders
     */
    public static List<String> movedFolders(Path fast) {
        List<String> out = new ArrayList<>();
        for (DataFolderMove m : DataFolderMove.values()) {
            if (!Durable.exists(fast.resolve(m.from())) && Durable.exists(fast.resolve(m.to()))) {
                out.add(m.from());
            }
        }
        return out;
    }
}
