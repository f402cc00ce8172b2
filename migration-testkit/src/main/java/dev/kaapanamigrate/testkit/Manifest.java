package dev.kaapanamigrate.testkit;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a generated installation holds, read back from the backends after generation: counts and
 * order-independent digests per table, bucket and index, so tests can assert that nothing was lost and two
 * generations with the same spec are identical. Written as {@code manifest.json} beside the data folders.
 *
 * @param formatVersion   the manifest format version
 * @param kaapanaVersion  the Kaapana version the installation imitates
 * @param spec            what was generated
 * @param postgresLibc    the libc of the PostgreSQL binaries that created the data folders ({@code MUSL} or {@code GLIBC})
 * @param postgresLocale  the locale the folders were initialised with
 * @param projects        the projects
 * @param datasets        the dataset names
 * @param databases       per database: its folder and its tables
 * @param buckets         per bucket: objects and digest
 * @param indices         per index: documents and the digest of their ids
 * @param indexContents   per index: documents and the digest of (id, canonical hash of the source) as computed from
 *                        the documents sent (format 2; empty in a format 1 manifest); see {@code SourceHash}
 */
public record Manifest(int formatVersion, String kaapanaVersion, InstallationSpec spec, String postgresLibc,
                       String postgresLocale, List<InstallationModel.Project> projects, List<String> datasets,
                       Map<KaapanaDatabase, DatabaseContent> databases, Map<String, Content> buckets,
                       Map<String, Content> indices, Map<String, Content> indexContents) {

    /** The format version this testkit writes (2 added {@code indexContents}). */
    public static final int FORMAT_VERSION = 2;

    /**
     * Copies the collections.
     *
     * @param formatVersion  the format version
     * @param kaapanaVersion the Kaapana version
     * @param spec           the spec
     * @param postgresLibc   the libc
     * @param postgresLocale the locale
     * @param projects       the projects
     * @param datasets       the datasets
     * @param databases      the databases
     * @param buckets        the buckets
     * @param indices        the indices
     * @param indexContents  the indices' content digests ({@code null} in a format 1 manifest)
     */
    public Manifest {
        projects = List.copyOf(projects);
        datasets = List.copyOf(datasets);
        // Sorted, unmodifiable copies: whoever iterates sees the same order every time.
        databases = Collections.unmodifiableMap(new EnumMap<>(databases.isEmpty()
                ? new EnumMap<KaapanaDatabase, DatabaseContent>(KaapanaDatabase.class) : databases));
        buckets = Collections.unmodifiableSortedMap(new TreeMap<>(buckets));
        indices = Collections.unmodifiableSortedMap(new TreeMap<>(indices));
        indexContents = Collections.unmodifiableSortedMap(new TreeMap<>(indexContents == null ? Map.of() : indexContents));
    }

    /**
     * How many items and their digest.
     *
     * @param count  items (rows, objects, documents)
     * @param digest an order-independent digest of their content
     */
    public record Content(long count, String digest) {
    }

    /**
     * One database of the installation.
     *
     * @param folder the data folder, relative to FAST_DATA_DIR
     * @param tables per table: rows and digest
     */
    public record DatabaseContent(String folder, Map<String, Content> tables) {
        /**
         * Copies the map.
         *
         * @param folder the folder
         * @param tables the tables
         */
        public DatabaseContent {
            tables = Collections.unmodifiableSortedMap(new TreeMap<>(tables));
        }
    }
}
