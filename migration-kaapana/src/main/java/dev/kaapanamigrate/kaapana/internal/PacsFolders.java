package dev.kaapanamigrate.kaapana.internal;

import dev.kaapanamigrate.core.CrashPoints;
import dev.kaapanamigrate.core.RecordFile;
import dev.kaapanamigrate.domain.KaapanaNames;
import dev.kaapanamigrate.kaapana.PacsInventory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Walks the PACS's five folders (reference §2) into one listing, in the order a merge compares them. */
public final class PacsFolders {

    /** The prefix of FAST_DATA_DIR's folders in the listing. */
    public static final String FAST = "FAST/";
    /** The prefix of SLOW_DATA_DIR's folders in the listing. */
    public static final String SLOW = "SLOW/";

    private PacsFolders() {
    }

    /**
     * The folders by their listing name, in listing order.
     *
     * @param fast FAST_DATA_DIR
     * @param slow SLOW_DATA_DIR
     * @return name to folder
     */
    public static TreeMap<String, Path> folders(Path fast, Path slow) {
        TreeMap<String, Path> out = new TreeMap<>(FolderListing::comparePaths);
        KaapanaNames.PACS_FAST_FOLDERS.forEach(f -> out.put(FAST + f, fast.resolve(f)));
        KaapanaNames.PACS_SLOW_FOLDERS.forEach(f -> out.put(SLOW + f, slow.resolve(f)));
        return out;
    }

    /**
     * Whether a listing name is one of the database folders (written by the running PACS).
     *
     * @param path a path of the listing
     * @return {@code true} for {@code FAST/postgres-dcm4che}, {@code FAST/ldap}, {@code FAST/slapd.d} and below
     */
    public static boolean isDatabase(String path) {
        return KaapanaNames.PACS_FAST_FOLDERS.stream().anyMatch(f -> path.equals(FAST + f)
                || path.startsWith(FAST + f + "/"));
    }

    /**
     * Walks every folder into a listing file.
     *
     * @param fast    FAST_DATA_DIR
     * @param slow    SLOW_DATA_DIR
     * @param file    the listing
     * @param digests whether to digest file contents
     * @return per folder what was found
     * @throws IOException when a folder cannot be walked
     */
    public static List<PacsInventory.Folder> walk(Path fast, Path slow, Path file, boolean digests) throws IOException {
        List<PacsInventory.Folder> out = new ArrayList<>();
        try (RecordFile.Writer<FolderListing.Entry> w = FolderListing.writer(file)) {
            for (var e : folders(fast, slow).entrySet()) {
                FolderListing.Counts c = FolderListing.walk(e.getValue(), e.getKey(), w, digests, rel -> false);
                out.add(c == null ? new PacsInventory.Folder(e.getKey(), false, 0, 0)
                        : new PacsInventory.Folder(e.getKey(), true, c.files(), c.bytes()));
                CrashPoints.reach("kaapana.pacs-folders:walked", e.getKey());
            }
            w.finish();
        }
        return out;
    }
}
