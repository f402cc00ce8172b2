package dev.kaapanamigrate.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.kaapanamigrate.testkit.backends.ObjectStore;
import dev.kaapanamigrate.testkit.backends.SearchNode;
import dev.kaapanamigrate.testkit.internal.ClusterTemplates;
import dev.kaapanamigrate.testkit.internal.DatabaseLoader;
import dev.kaapanamigrate.testkit.internal.Digest;
import dev.kaapanamigrate.testkit.internal.ObjectStoreLoader;
import dev.kaapanamigrate.testkit.internal.Parallel;
import dev.kaapanamigrate.testkit.internal.PodServers;
import dev.kaapanamigrate.testkit.internal.SearchLoader;
import dev.kaapanamigrate.testkit.postgres.ClusterSpec;
import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.pgserver.PostgresServer;
import io.minio.ListObjectsArgs;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.FutureTask;
import java.util.zip.GZIPOutputStream;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.Time;
import org.opensearch.client.opensearch.core.ScrollResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.search.Hit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates a Kaapana 0.4.2 installation: FAST_DATA_DIR and SLOW_DATA_DIR with the 0.4 folder layout, one
 * real PostgreSQL data folder per database (created by initdb as Kaapana's image does, holding exactly the
 * 0.4.2 schema and data), the buckets and objects in an object store, and the metadata indices and
 * documents in a search node. Deterministic: the same spec gives the same manifest.
 *
 * <pre>{@code
 * try (ObjectStore s3 = TestBackends.startObjectStore(); SearchNode search = TestBackends.startSearchNode()) {
 *     GeneratedInstallation install = InstallationGenerator.generate(
 *             InstallationSpec.of(InstallationSize.SMALL), tempDir, s3, search);
 *     Path fast = install.fastDataDir();
 * }
 * }</pre>
 */
public final class InstallationGenerator {

    /** The Kaapana version the generated installation imitates. */
    public static final String KAAPANA_VERSION = "0.4.2";
    /** The name of the marker file put into every folder that a migration must leave alone. */
    public static final String MARKER_FILE = "kaapana-migrate-marker.txt";
    /** Folders of FAST_DATA_DIR that 0.4→0.5 leaves where they are (reference §2). */
    public static final List<String> UNCHANGED_FAST_FOLDERS = List.of("os/data", "os/logs", "os/certs", "os/snapshots",
            "postgres-dcm4che", "ldap", "slapd.d", "workflows/data", "workflows/dags", "workflows/plugins", "uploads",
            "extensions", "airflow/logs", "tls", "traefik", "prometheus", "alembic", "os/security-backup");
    /** The PACS's database folder below FAST_DATA_DIR, generated as a real PostgreSQL data folder. */
    public static final String PACS_DATABASE_FOLDER = "postgres-dcm4che";
    /** Folders of SLOW_DATA_DIR. */
    public static final List<String> SLOW_FOLDERS = List.of("minio", "dcm4che/dicom_data", "dcm4che/server_data");

    private static final Logger LOG = LoggerFactory.getLogger(InstallationGenerator.class);
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .enable(SerializationFeature.INDENT_OUTPUT).enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private InstallationGenerator() {
    }

    /**
     * Generates an installation under {@code root} (which must be empty or absent).
     *
     * @param spec    what to generate
     * @param root    where to put FAST ({@code root/fast}), SLOW ({@code root/slow}) and {@code manifest.json}
     * @param objects the object store to fill
     * @param search  the search node to fill
     * @return the installation
     */
    public static GeneratedInstallation generate(InstallationSpec spec, Path root, ObjectStore objects, SearchNode search) {
        return generate(spec, root, objects, search, PostgresBinaries.resolve());
    }

    /**
     * Generates an installation with given PostgreSQL binaries.
     *
     * @param spec     what to generate
     * @param root     where to put everything
     * @param objects  the object store to fill
     * @param search   the search node to fill
     * @param binaries the PostgreSQL binaries that create the data folders
     * @return the installation
     */
    public static GeneratedInstallation generate(InstallationSpec spec, Path root, ObjectStore objects, SearchNode search,
                                                 PostgresBinaries binaries) {
        long start = System.nanoTime();
        InstallationModel model = new InstallationModel(spec);
        Path fast = root.resolve("fast");
        Path slow = root.resolve("slow");
        try {
            if (Files.exists(root)) {
                try (var entries = Files.list(root)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalArgumentException("Cannot generate into " + root + ": the folder is not empty; "
                                + "give an empty or new folder");
                    }
                }
            }
            createLayout(fast, slow);
            // The databases load on a thread of their own while the PACS, the objects and the documents load here:
            // different servers, each half waiting mostly on its own (about halves a generation's time).
            FutureTask<Map<KaapanaDatabase, Manifest.DatabaseContent>> loading = Parallel.start(
                    "kaapana-generate-databases", () -> loadDatabases(model, fast, binaries));
            Map<String, Manifest.Content> buckets;
            Map<String, Manifest.Content> indexContents;
            Map<String, Manifest.Content> indices = new TreeMap<>();
            try {
                createPacs(fast, slow, model, binaries);
                buckets = new ObjectStoreLoader(model, slow.resolve("minio")).load(objects.client());
                SearchLoader searchLoader = new SearchLoader(model);
                indexContents = searchLoader.load(search.client());
                for (String index : searchLoader.indices()) {
                    indices.put(index, indexDigest(search.client(), index));
                }
            } catch (Exception | Error e) {
                try {
                    Parallel.await(loading); // its servers stop before the caller removes the folders
                } catch (Exception ignored) {
                    // the first failure is the one reported
                }
                throw e;
            }
            Map<KaapanaDatabase, Manifest.DatabaseContent> databases = Parallel.await(loading);
            Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, KAAPANA_VERSION, spec, binaries.libc().name(),
                    binaries.defaultLocale(), model.projects(),
                    model.datasets().stream().map(InstallationModel.Dataset::name).toList(), databases, buckets, indices,
                    indexContents);
            JSON.writeValue(root.resolve("manifest.json").toFile(), manifest);
            LOG.info("Generated a Kaapana {} installation in {} ms: {} series, {} jobs, under {}", KAAPANA_VERSION,
                    (System.nanoTime() - start) / 1_000_000, spec.series(), spec.jobs(), root);
            return new GeneratedInstallation(root, fast, slow, manifest, model);
        } catch (IOException e) {
            throw new UncheckedIOException("Generating the installation under " + root + " failed: " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new IllegalStateException("Loading the generated databases failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Generating the installation failed: " + e.getMessage(), e);
        }
    }

    /** Creates each database folder from its template, loads it on a server of its own and digests its tables. */
    private static Map<KaapanaDatabase, Manifest.DatabaseContent> loadDatabases(InstallationModel model, Path fast,
                                                                             PostgresBinaries binaries)
            throws IOException, SQLException {
        Map<KaapanaDatabase, Manifest.DatabaseContent> databases = new EnumMap<>(KaapanaDatabase.class);
        for (KaapanaDatabase db : KaapanaDatabase.values()) {
            Path folder = fast.resolve(db.folder04());
            Files.createDirectories(folder.getParent());
            ClusterTemplates.create(folder, ClusterSpec.of(db.superuser(), db.password(), db.database()), binaries);
            try (PostgresServer server = PodServers.start(folder, binaries);
                 Connection c = server.dataSource(db.database(), db.superuser(), db.password()).getConnection()) {
                loadDatabase(model, db, c);
                databases.put(db, new Manifest.DatabaseContent(db.folder04(), tableDigests(c)));
            }
        }
        return databases;
    }

    /**
     * Fills one freshly created, empty database with its 0.4.2 schema and the model's data, as {@link #generate} does
     * for each database of an installation: for tests that load a database on a server of their own (and may reshape
     * its data afterwards).
     *
     * @param model the data to load
     * @param db    which database; one without tables of its own in the model gets the testkit's marker table
     * @param c     a connection to the empty database, as its owner
     * @throws SQLException on failure
     */
    public static void loadDatabase(InstallationModel model, KaapanaDatabase db, Connection c) throws SQLException {
        DatabaseLoader loader = new DatabaseLoader(model);
        switch (db) {
            case ACCESS_INFORMATION -> loader.loadAccessInformation(c);
            case DICOM_WEB_FILTER -> loader.loadDicomWebFilter(c);
            case BACKEND -> loader.loadBackend(c);
            default -> loader.loadMarker(c, db.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /**
     * Reads a manifest written by {@link #generate}.
     *
     * @param root the installation root
     * @return the manifest
     */
    public static Manifest readManifest(Path root) {
        try {
            return JSON.readValue(root.resolve("manifest.json").toFile(), Manifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + root.resolve("manifest.json") + ": " + e.getMessage(), e);
        }
    }

    private static void createLayout(Path fast, Path slow) throws IOException {
        for (String folder : UNCHANGED_FAST_FOLDERS) {
            if (folder.equals(PACS_DATABASE_FOLDER)) {
                continue; // a real data folder: createPacs
            }
            Path dir = Files.createDirectories(fast.resolve(folder));
            Files.writeString(dir.resolve(MARKER_FILE), "FAST/" + folder + " of a generated 0.4.2 installation\n",
                    StandardCharsets.UTF_8);
        }
        for (String folder : SLOW_FOLDERS) {
            Path dir = Files.createDirectories(slow.resolve(folder));
            Files.writeString(dir.resolve(MARKER_FILE), "SLOW/" + folder + " of a generated 0.4.2 installation\n",
                    StandardCharsets.UTF_8);
        }
        // The platform chart in extensions/ is how 0.5.2 recognises a 0.4.2 install without FAST/version.
        try (var out = new GZIPOutputStream(Files.newOutputStream(
                fast.resolve("extensions/kaapana-platform-chart-" + KAAPANA_VERSION + ".tgz")))) {
            out.write(("kaapana-platform-chart " + KAAPANA_VERSION + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * The PACS as 0.4 leaves it (reference §2): {@code FAST/postgres-dcm4che} a real PostgreSQL data folder of the
     * same major version as the other databases (dcm4che's own database, which the migration leaves alone; no server
     * runs on it), and a few DICOM files under {@code SLOW/dcm4che/dicom_data} (dcm4che's storage layout: one folder
     * per study and series, one file per instance, each with the 128-byte preamble and {@code DICM}).
     */
    private static void createPacs(Path fast, Path slow, InstallationModel model, PostgresBinaries binaries)
            throws IOException {
        Path db = fast.resolve(PACS_DATABASE_FOLDER);
        ClusterTemplates.create(db, ClusterSpec.of("pacs", "pacs", "pacsdb"), binaries);
        Files.writeString(db.resolve(MARKER_FILE), "FAST/" + PACS_DATABASE_FOLDER + " of a generated 0.4.2 installation\n",
                StandardCharsets.UTF_8);
        for (int i = 0; i < Math.min(3, model.spec().series()); i++) {
            InstallationModel.Series s = model.series(i);
            Path dir = Files.createDirectories(slow.resolve("dcm4che/dicom_data").resolve(s.studyUid()).resolve(s.uid()));
            byte[] body = ("DICM" + s.uid() + " " + s.modality()).getBytes(StandardCharsets.US_ASCII);
            byte[] file = new byte[128 + body.length];
            System.arraycopy(body, 0, file, 128, body.length);
            Files.write(dir.resolve(s.uid() + ".1.dcm"), file);
        }
    }

    /**
     * The count and digest of every table of schema {@code public}, as the manifest records them: what a test
     * compares before and after an operation that must change nothing.
     *
     * <pre>{@code
     * Map<String, Manifest.Content> before = InstallationGenerator.tableDigests(connection);
     * }</pre>
     *
     * @param c a connection to the database
     * @return per table name, its row count and digest
     * @throws SQLException when reading fails
     */
    public static Map<String, Manifest.Content> tableDigests(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables "
                     + "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        Map<String, Manifest.Content> digests = new TreeMap<>();
        for (String table : tables) {
            digests.put(table, Digest.ofTable(c, table));
        }
        return digests;
    }

    /**
     * The count and digest of a bucket's objects (key, size, ETag), streaming the listing.
     *
     * @param store  the object store
     * @param bucket the bucket
     * @return count and digest
     * @throws Exception when listing fails
     */
    public static Manifest.Content bucketDigest(ObjectStore store, String bucket) throws Exception {
        Digest digest = new Digest();
        for (Result<Item> result : store.client().listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).build())) {
            Item item = result.get();
            digest.add(List.of(item.objectName(), Long.toString(item.size()), ObjectStore.normalizeEtag(item.etag())));
        }
        return digest.content();
    }

    /**
     * The count and digest of an index's document ids, streaming with a scroll.
     *
     * @param client the client
     * @param index  the index
     * @return count and digest
     * @throws IOException when searching fails
     */
    public static Manifest.Content indexDigest(OpenSearchClient client, String index) throws IOException {
        Digest digest = new Digest();
        Time keepAlive = Time.of(t -> t.time("1m"));
        SearchResponse<Void> page = client.search(s -> s.index(index).size(1000).source(src -> src.fetch(false))
                .scroll(keepAlive), Void.class);
        String scrollId = page.scrollId();
        List<Hit<Void>> hits = page.hits().hits();
        try {
            while (!hits.isEmpty()) {
                hits.forEach(h -> digest.add(List.of(h.id())));
                String id = scrollId;
                ScrollResponse<Void> next = client.scroll(s -> s.scrollId(id).scroll(keepAlive), Void.class);
                scrollId = next.scrollId();
                hits = next.hits().hits();
            }
        } finally {
            if (scrollId != null) {
                String id = scrollId;
                client.clearScroll(c -> c.scrollId(id));
            }
        }
        return digest.content();
    }
}
