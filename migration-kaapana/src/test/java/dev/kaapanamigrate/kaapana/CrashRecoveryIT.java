package dev.kaapanamigrate.kaapana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kaapanamigrate.core.CrashPoints;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.pgserver.os.FileTrees;
import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.InstallationModel;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.ReliabilityCounts;
import dev.kaapanamigrate.testkit.SchemaFingerprint;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import dev.kaapanamigrate.testkit.StandInCluster;
import dev.kaapanamigrate.testkit.backends.ObjectStore;
import dev.kaapanamigrate.testkit.backends.SearchNode;
import dev.kaapanamigrate.testkit.security.OpenSearchStartup;
import dev.kaapanamigrate.testkit.security.SecurityStandIn;
import io.minio.ListObjectsArgs;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash injection (issue 20, part 1): the whole Kaapana plan on a generated installation with every store (MinIO and
 * its admin API, OpenSearch with its security API, the PACS folders, a verified backup, workflow rewrites, orphans
 * archived), the platform moved from 0.4 running to 0.5 running through the stand-in cluster's deploy scripts, helm and
 * kubectl, run in a JVM of its own ({@link CrashRunMain}) and killed with {@code SIGKILL} at named crash points
 * ({@link CrashPoints}).
 *
 * <p>The points are enumerated from the plan itself: an uninterrupted run records every point it reaches, and its final
 * state is the reference. For each point chosen: the installation as generated, a JVM that dies at that point (exit
 * status 137, the point recorded last), a fresh JVM that runs the plan again (same seeded ids, same fixed clock), and
 * the final state compared with the reference: FAST_DATA_DIR's and SLOW_DATA_DIR's trees (every file's content, the
 * database folders by name), the version marker, each database's schema and per-table data digests, every object and
 * every document, the archive of orphaned folders, and a backup that still verifies. Where the library refuses to
 * resume, it must say so with a coded error and change nothing further.
 *
 * <p>The default build runs a seeded sample ({@value #DEFAULT_SAMPLE} points; {@code -Dkaapana.crash.points=N}); the
 * seed is printed and differs per run unless {@code -Dkaapana.crash.seed} is given; {@code -Dkaapana.crash.points=all}
 * (the {@code crash-all} profile) runs every point; {@code -Dkaapana.crash.filter=<regex>} keeps only the points it
 * finds a match in.
 */
@KaapanaInstallation
@org.junit.jupiter.api.extension.ExtendWith(ReliabilityCounts.class)
class CrashRecoveryIT {

    private static final Logger LOG = LoggerFactory.getLogger(CrashRecoveryIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "admin-Secret-9";
    private static final int DEFAULT_SAMPLE = 2;
    private static final long ID_SEED = 20;
    private static final String CLOCK = "2026-01-02T03:04:05Z";

    @TempDir
    static Path work;

    /** What one point came to: resumed to the reference state, refused with a code and nothing changed, or failed. */
    private record Outcome(String point, String verdict, boolean passed, boolean refused) {
        Outcome(String point, String verdict, boolean passed) {
            this(point, verdict, passed, false);
        }
    }

    @Test
    void killedAtAnyPointTheNextRunFinishesWithTheStateOfAnUninterruptedRun(GeneratedInstallation install,
            SimulatedPlatform platform, SearchNode node, ObjectStore s3, InstallationModel model) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/kill")) || Files.isExecutable(Path.of("/bin/kill")),
                "needs the kill command");
        long started = System.nanoTime();
        try (SecurityStandIn security = SecurityStandIn.start(node, "admin", PASSWORD)) {
            platform.onDeploy(p -> new OpenSearchStartup().run(security, node.client(),
                    OpenSearchStartup.projects(p.dataSource(KaapanaDatabase.ACCESS_INFORMATION))));
            plantWorkflows(install.fastDataDir());
            Path pristine = Files.createDirectories(work.resolve("pristine"));
            FileTrees.copyPreservingOwners(install.fastDataDir(), pristine.resolve("fast"), Duration.ofMinutes(5));
            FileTrees.copyPreservingOwners(install.slowDataDir(), pristine.resolve("slow"), Duration.ofMinutes(5));
            Installation inst = new Installation(install, platform, s3, node, security, model, pristine);

            // the reference: one uninterrupted run, recording every point it reaches
            Path recording = work.resolve("points.txt");
            JsonNode reference;
            FinalState expected;
            long t0 = System.nanoTime();
            inst.reset(false); // as generated, just copied
            long t1 = System.nanoTime();
            try (StandInCluster cluster = inst.cluster("reference")) {
                Process run = inst.fork(cluster, "reference", null, recording);
                assertThat(run.waitFor(10, TimeUnit.MINUTES)).as("the reference run ends").isTrue();
                assertThat(run.exitValue()).as(inst.log("reference")).isZero();
                reference = JSON.readTree(work.resolve("reference.outcome.json").toFile());
                assertThat(reference.path("status").asText()).as(reference.toString()).isEqualTo("SUCCEEDED");
                long t2 = System.nanoTime();
                expected = FinalState.capture(inst);
                LOG.info("reference: reset {} ms, run {} ms, capture {} ms; steps {}", ms(t1 - t0), ms(t2 - t1),
                        ms(System.nanoTime() - t2), reference.path("steps"));
            }
            List<String> points = Files.readAllLines(recording);
            long referenceSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

            String wanted = System.getProperty("kaapana.crash.points", String.valueOf(DEFAULT_SAMPLE));
            long seed = Long.getLong("kaapana.crash.seed", new Random().nextLong());
            java.util.regex.Pattern filter = java.util.regex.Pattern.compile(System.getProperty("kaapana.crash.filter",
                    ".*"));
            List<String> chosen = choose(points.stream().filter(p -> filter.matcher(p).find()).toList(), wanted, seed);
            LOG.warn("Crash injection: {} points enumerated from the plan, {} chosen with seed {} "
                    + "(-Dkaapana.crash.seed={} repeats them; -Dkaapana.crash.points=all runs every one)",
                    points.size(), chosen.size(), seed, seed);

            List<Outcome> outcomes = new ArrayList<>();
            for (String point : chosen) {
                Outcome outcome = crashAndResume(inst, point, expected);
                outcomes.add(outcome);
                LOG.warn("Crash injection: {}", outcome);
                if (outcome.passed()) { // its comparisons with the reference state held
                    ReliabilityCounts.proved(CrashRecoveryIT.class, ReliabilityCounts.CRASH_POINT + point + ": "
                            + outcome.verdict());
                }
            }
            ReliabilityCounts.note(CrashRecoveryIT.class, points.size() + " crash points enumerated from the plan, "
                    + outcomes.size() + " run (seed " + seed + ")");
            long passes = outcomes.stream().filter(Outcome::passed).count();
            long refused = outcomes.stream().filter(Outcome::refused).count();
            LOG.warn("Crash injection: {} points enumerated, {} run, {} passed ({} resumed to the reference state, {} "
                    + "refused with a coded error and nothing changed) (seed {}; reference run and setup {} s, all {} s)",
                    points.size(), outcomes.size(), passes, passes - refused, refused, seed, referenceSeconds,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));

            assertThat(points).as("the points the plan reaches").hasSizeGreaterThanOrEqualTo(60)
                    .contains("postgres.rename-data-folders:moved:keycloak-postgres-data#1",
                            "postgres.backend.migration:before-commit#1", "postgres.backend.migration:committed#1",
                            "kaapana.backup:copy:first-file#1", "kaapana.backup:verification:last-file#1",
                            "workflows.rewrite:rewritten:dags/site_dag_a.py#1", "platform:undeploy-requested#1",
                            "platform:deployed#1");
            assertThat(outcomes).as("every point chosen: killed there, and the next run reaches the reference state")
                    .allMatch(Outcome::passed);
        } finally {
            platform.undeploy();
        }
    }

    /** {@code wanted} points (or all) drawn with the seed, in plan order. */
    static List<String> choose(List<String> points, String wanted, long seed) {
        if ("all".equalsIgnoreCase(wanted)) {
            return points;
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        List<Integer> picked = new ArrayList<>(order.subList(0, Math.min(points.size(), Integer.parseInt(wanted))));
        Collections.sort(picked);
        return picked.stream().map(points::get).toList();
    }

    private static Outcome crashAndResume(Installation inst, String point, FinalState expected) throws Exception {
        String name = "point-" + Math.abs(point.hashCode());
        long t0 = System.nanoTime();
        inst.reset();
        long t1 = System.nanoTime();
        try (StandInCluster cluster = inst.cluster(name)) {
            Path reached = work.resolve(name + ".reached.txt");
            Process crash = inst.fork(cluster, name + "-crash", point, reached);
            if (!crash.waitFor(10, TimeUnit.MINUTES)) {
                crash.destroyForcibly().waitFor();
                return new Outcome(point, "the crashing run did not end", false);
            }
            List<String> reachedPoints = Files.exists(reached) ? Files.readAllLines(reached) : List.of();
            if (crash.exitValue() != CrashPoints.KILLED_EXIT_STATUS || reachedPoints.isEmpty()
                    || !reachedPoints.get(reachedPoints.size() - 1).equals(point)) {
                return new Outcome(point, "not killed there: exit status " + crash.exitValue() + ", last point "
                        + (reachedPoints.isEmpty() ? "none" : reachedPoints.get(reachedPoints.size() - 1)) + "; "
                        + inst.log(name + "-crash"), false);
            }
            long t2 = System.nanoTime();
            FinalState afterKill = FinalState.captureFiles(inst);
            Process resume = inst.fork(cluster, name + "-resume", null, null);
            if (!resume.waitFor(10, TimeUnit.MINUTES)) {
                resume.destroyForcibly().waitFor();
                return new Outcome(point, "the resumed run did not end", false);
            }
            if (resume.exitValue() != 0) {
                return new Outcome(point, "the resumed run failed: " + inst.log(name + "-resume"), false);
            }
            JsonNode outcome = JSON.readTree(work.resolve(name + "-resume.outcome.json").toFile());
            if (!"SUCCEEDED".equals(outcome.path("status").asText())) {
                String code = outcome.path("code").asText(null);
                boolean unchanged = FinalState.captureFiles(inst).equals(afterKill);
                boolean clean = code != null && unchanged && !"FAILED".equals(outcome.path("status").asText());
                return new Outcome(point, "resume refused: " + outcome.path("status").asText() + " " + code + ": "
                        + outcome.path("message").asText() + (unchanged ? " (nothing changed)"
                        : " (and it changed files)"), clean, clean);
            }
            long t3 = System.nanoTime();
            FinalState actual = FinalState.capture(inst);
            List<String> differences = expected.differences(actual);
            LOG.info("{}: reset {} ms, killed run {} ms, resumed run {} ms, comparison {} ms; resumed steps {}", point,
                    ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(System.nanoTime() - t3), outcome.path("steps"));
            return differences.isEmpty() ? new Outcome(point, "killed there; resumed to the reference state", true)
                    : new Outcome(point, "resumed, but the final state differs: " + differences, false);
        }
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static void plantWorkflows(Path fast) throws IOException {
        Path dags = Files.createDirectories(fast.resolve("workflows").resolve("dags"));
        Files.writeString(dags.resolve("site_dag_a.py"), "def start(conf):\n    return conf[\"form_data\"][\"project\"]\n");
        Files.writeString(dags.resolve("site_dag_b.py"), "def form(conf):\n    return conf.get(\"form_data\", {})\n");
    }

    /** The generated installation, its stores and how to put it back as generated. */
    private record Installation(GeneratedInstallation install, SimulatedPlatform platform, ObjectStore s3,
                                SearchNode node, SecurityStandIn security, InstallationModel model, Path pristine) {

        Path backup() {
            return install.root().resolve("crash-backup");
        }

        Path archive() {
            return install.root().resolve("orphan-archive");
        }

        /** 0.4 running on the installation as generated, nothing of an earlier run left. */
        void reset() throws Exception {
            reset(true);
        }

        /** 0.4 running; {@code restore}: the files put back as generated (not needed before the first run). */
        void reset(boolean restore) throws Exception {
            if (restore) {
                platform.undeploy();
                stopLeftoverServers(install.fastDataDir());
                for (Path p : List.of(install.fastDataDir(), install.slowDataDir(), backup(), archive())) {
                    FileTrees.deleteQuietly(p);
                    assertThat(p).doesNotExist();
                }
                FileTrees.copyPreservingOwners(pristine.resolve("fast"), install.fastDataDir(), Duration.ofMinutes(5));
                FileTrees.copyPreservingOwners(pristine.resolve("slow"), install.slowDataDir(), Duration.ofMinutes(5));
            }
            Files.createDirectories(backup());
            security.resetToDefaults();
            security.seed04(model);
            platform.startSource();
        }

        StandInCluster cluster(String name) {
            return StandInCluster.create(work.resolve(name + "-cluster")).runningSource().drive(platform);
        }

        /** The plan in a JVM of its own; {@code crashAt} and {@code record} may be null. */
        Process fork(StandInCluster cluster, String name, String crashAt, Path record) throws IOException {
            Properties p = new Properties();
            p.setProperty("fast", install.fastDataDir().toString());
            p.setProperty("slow", install.slowDataDir().toString());
            p.setProperty("backup", backup().toString());
            p.setProperty("archive", archive().toString());
            p.setProperty("libc", install.manifest().postgresLibc());
            p.setProperty("minio.endpoint", platform.objectStoreEndpoint());
            p.setProperty("minio.policy-endpoint", platform.policyEndpoint());
            p.setProperty("minio.access", s3.accessKey());
            p.setProperty("minio.secret", s3.secretKey());
            p.setProperty("opensearch.url", security.url());
            p.setProperty("opensearch.user", "admin");
            p.setProperty("opensearch.password", PASSWORD);
            p.setProperty("cluster.search-path", cluster.searchPath());
            p.setProperty("cluster.undeploy-script", cluster.undeployScript().toString());
            p.setProperty("cluster.deploy-script", cluster.deployScript().toString());
            p.setProperty("ids.seed", String.valueOf(ID_SEED));
            p.setProperty("clock", CLOCK);
            Path properties = work.resolve(name + ".properties");
            try (Writer w = Files.newBufferedWriter(properties)) {
                p.store(w, "crash injection run " + name);
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            // the optimising compiler stays on: the plan hashes every file it backs up and verifies, and SHA-256 is
            // an intrinsic of C2 only (ten times slower with C1 alone)
            List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC"));
            if (crashAt != null) {
                command.add("-D" + CrashPoints.CRASH_AT_PROPERTY + "=" + crashAt);
            }
            if (record != null) {
                command.add("-D" + CrashPoints.RECORD_PROPERTY + "=" + record);
            }
            command.addAll(List.of("-cp", classpath, CrashRunMain.class.getName(), properties.toString(),
                    work.resolve(name + ".outcome.json").toString()));
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(work.resolve(name + ".log").toFile()).start();
        }

        String log(String name) {
            try {
                List<String> lines = Files.readAllLines(work.resolve(name + ".log"));
                return "last lines of " + name + ".log:\n" + String.join("\n",
                        lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            } catch (IOException e) {
                return "no log: " + e;
            }
        }
    }

    /**
     * Stops PostgreSQL servers that a killed run left on the installation's data folders (their pid files name them);
     * only processes this test's child JVMs started.
     */
    private static void stopLeftoverServers(Path fast) throws IOException {
        if (!Files.isDirectory(fast)) {
            return;
        }
        try (Stream<Path> files = Files.find(fast, 3, (p, a) -> p.getFileName().toString().equals("postmaster.pid"))) {
            for (Path pidFile : files.toList()) {
                String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").strip();
                if (first.isEmpty()) {
                    continue;
                }
                ProcessHandle.of(Long.parseLong(first)).filter(h -> h.info().command().orElse("").contains("postgres"))
                        .ifPresent(h -> {
                            LOG.warn("Stopping the PostgreSQL server {} a killed run left on {}", h.pid(), pidFile.getParent());
                            h.destroyForcibly();
                            h.onExit().join();
                        });
            }
        }
    }

    /** What the migration leaves: files, databases, objects, documents. */
    private record FinalState(Map<String, String> fast, Map<String, String> slow, Map<String, String> archive,
                              List<String> backup, Map<String, List<String>> databases, List<String> objects,
                              List<String> documents) {

        static FinalState captureFiles(Installation inst) throws Exception {
            return new FinalState(tree(inst.install().fastDataDir()), tree(inst.install().slowDataDir()),
                    tree(inst.archive()), backupFiles(inst.backup()), Map.of(), List.of(), List.of());
        }

        static FinalState capture(Installation inst) throws Exception {
            assertThat(inst.platform().current()).isEqualTo(PlatformState.TARGET_RUNNING);
            Map<String, List<String>> dbs = new LinkedHashMap<>();
            for (KaapanaDatabase db : KaapanaDatabase.values()) {
                try (Connection c = inst.platform().dataSource(db).getConnection()) {
                    List<String> lines = new ArrayList<>(SchemaFingerprint.of(c));
                    lines.addAll(tableDigests(c));
                    dbs.put(db.name(), lines);
                }
            }
            assertThat(KaapanaBackup.at(inst.backup()).verify().passed()).as("the backup verifies").isTrue();
            return new FinalState(tree(inst.install().fastDataDir()), tree(inst.install().slowDataDir()),
                    tree(inst.archive()), backupFiles(inst.backup()), dbs, objects(inst.s3()),
                    documents(inst.node().client()));
        }

        List<String> differences(FinalState other) {
            List<String> out = new ArrayList<>();
            diff("FAST_DATA_DIR", fast, other.fast, out);
            diff("SLOW_DATA_DIR", slow, other.slow, out);
            diff("orphan archive", archive, other.archive, out);
            if (!backup.equals(other.backup)) {
                out.add("backup target holds " + other.backup + ", expected " + backup);
            }
            for (String db : databases.keySet()) {
                List<String> a = databases.get(db);
                List<String> b = other.databases.getOrDefault(db, List.of());
                if (!a.equals(b)) {
                    List<String> missing = new ArrayList<>(a);
                    missing.removeAll(b);
                    List<String> extra = new ArrayList<>(b);
                    extra.removeAll(a);
                    out.add("database " + db + ": expected " + first(missing) + ", found " + first(extra));
                }
            }
            if (!objects.equals(other.objects)) {
                out.add("objects differ (" + objects.size() + " expected, " + other.objects.size() + " found)");
            }
            if (!documents.equals(other.documents)) {
                out.add("documents differ (" + documents.size() + " expected, " + other.documents.size() + " found)");
            }
            return out;
        }

        private static List<String> first(List<String> l) {
            return l.subList(0, Math.min(3, l.size()));
        }

        private static void diff(String what, Map<String, String> a, Map<String, String> b, List<String> out) {
            TreeSet<String> keys = new TreeSet<>(a.keySet());
            keys.addAll(b.keySet());
            List<String> d = new ArrayList<>();
            for (String k : keys) {
                if (!java.util.Objects.equals(a.get(k), b.get(k))) {
                    d.add(k + " (" + a.get(k) + " expected, " + b.get(k) + " found)");
                }
            }
            if (!d.isEmpty()) {
                out.add(what + ": " + d.size() + " entries differ, first " + first(d));
            }
        }

        /**
         * Every entry under {@code root}: its type and, for a file, the SHA-256 of its content; the insides of the
         * PostgreSQL data folders (which their servers rewrite as they run) and of the state directory (run ids, times)
         * only by name.
         */
        static Map<String, String> tree(Path root) throws IOException {
            Map<String, String> out = new java.util.TreeMap<>();
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                return out;
            }
            List<String> opaque = new ArrayList<>();
            for (KaapanaDatabase db : KaapanaDatabase.values()) {
                opaque.add(db.folder04());
                opaque.add(db.folder05());
            }
            opaque.add(KaapanaMigration.STATE_DIRECTORY);
            opaque.add("postgres-dcm4che");
            Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult preVisitDirectory(Path dir,
                        java.nio.file.attribute.BasicFileAttributes attrs) {
                    String rel = root.relativize(dir).toString();
                    out.put(rel, "dir");
                    // a server or a platform transition may still be at work in there: not entered
                    return opaque.contains(rel) ? java.nio.file.FileVisitResult.SKIP_SUBTREE
                            : java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFile(Path file,
                        java.nio.file.attribute.BasicFileAttributes attrs) throws IOException {
                    String rel = root.relativize(file).toString();
                    out.put(rel, attrs.isSymbolicLink() ? "link " + Files.readSymbolicLink(file)
                            : attrs.isDirectory() ? "dir" : "file " + sha256(file));
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
            return out;
        }

        /** The backup target's entries (the backup folder, its manifest files; no half-written copy). */
        static List<String> backupFiles(Path target) throws IOException {
            if (!Files.isDirectory(target)) {
                return List.of();
            }
            try (Stream<Path> s = Files.list(target)) {
                return s.map(p -> p.getFileName().toString()).sorted().toList();
            }
        }

        static String sha256(Path file) throws IOException {
            try (InputStream in = Files.newInputStream(file)) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[65536];
                for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                    md.update(buf, 0, n);
                }
                return HexFormat.of().formatHex(md.digest());
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Per table of every schema but the system's: the row count and an order-independent digest of the rows. */
        static List<String> tableDigests(Connection c) throws Exception {
            List<String> tables = new ArrayList<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM "
                         + "pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            List<String> out = new ArrayList<>();
            try (Statement st = c.createStatement()) {
                st.execute("SET TimeZone = 'UTC'");
                for (String t : tables) {
                    try (ResultSet rs = st.executeQuery("SELECT count(*), coalesce(md5(string_agg(md5(x::text), '' "
                            + "ORDER BY md5(x::text))), '-') FROM " + t + " x")) {
                        rs.next();
                        out.add("rows of " + t + ": " + rs.getLong(1) + " " + rs.getString(2));
                    }
                }
            }
            return out;
        }

        static List<String> objects(ObjectStore s3) throws Exception {
            List<String> out = new ArrayList<>();
            for (var bucket : s3.client().listBuckets()) {
                for (Result<Item> r : s3.client().listObjects(ListObjectsArgs.builder().bucket(bucket.name())
                        .recursive(true).build())) {
                    Item item = r.get();
                    out.add(bucket.name() + "/" + item.objectName() + " " + item.size() + " " + item.etag());
                }
            }
            Collections.sort(out);
            return out;
        }

        static List<String> documents(OpenSearchClient client) throws Exception {
            List<String> out = new ArrayList<>();
            for (String index : new TreeSet<>(client.indices().get(g -> g.index("*")).result().keySet())) {
                var hits = client.search(s -> s.index(index).size(10_000), JsonNode.class).hits().hits();
                for (var hit : hits) {
                    out.add(index + "/" + hit.id() + " " + JSON.writeValueAsString(hit.source()));
                }
            }
            Collections.sort(out);
            return out;
        }
    }
}
