package dev.kaapanamigrate.pgserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kaapanamigrate.pgserver.os.Posix;

class PostgresBinariesTest {

    @Test
    void resolvesTheMuslBuildWhenTheMuslLoaderIsInstalled() {
        assertThat(Path.of(PostgresBinaries.MUSL_LOADER))
                .as("this machine kind has the Debian package 'musl' (apt-get install musl)").exists();
        assertThat(PostgresBinaries.detectLibc()).isEqualTo(Libc.MUSL);

        PostgresBinaries binaries = PostgresBinaries.resolve();

        assertThat(binaries.libc()).isEqualTo(Libc.MUSL);
        assertThat(binaries.defaultLocale()).isEqualTo("en_US.utf8");
        assertThat(binaries.version()).isEqualTo("17.2");
        assertThat(binaries.majorVersion()).isEqualTo(17);
        assertThat(binaries.home().getFileName().toString()).isEqualTo("musl-17.2.0");
        assertThat(binaries.bin("postgres")).isExecutable().startsWith(binaries.home());
        assertThat(binaries.bin("initdb")).isExecutable();
        assertThat(binaries.bin("pg_ctl")).isExecutable();
    }

    @Test
    void muslBinariesRunAndReportTheirVersionAndLibc() throws Exception {
        PostgresBinaries binaries = PostgresBinaries.resolve(Libc.MUSL);

        assertThat(run(binaries.bin("postgres").toString(), "--version")).contains("PostgreSQL) 17.2");
        // the ELF interpreter is the musl loader: the binary names it literally
        assertThat(new String(Files.readAllBytes(binaries.bin("postgres")), StandardCharsets.ISO_8859_1))
                .contains(PostgresBinaries.MUSL_LOADER);
    }

    @Test
    void extractedTreeKeepsSymlinksAndIsUsableByOtherUsers() throws IOException {
        PostgresBinaries binaries = PostgresBinaries.resolve(Libc.MUSL);
        Path libpq = binaries.home().resolve("lib/libpq.so.5");

        assertThat(Files.isSymbolicLink(libpq)).as("lib/libpq.so.5 is a symlink in the archive").isTrue();
        assertThat(Files.readSymbolicLink(libpq)).isEqualTo(Path.of("libpq.so.5.17"));
        assertThat(Posix.mode(binaries.home())).isEqualTo(0755);
        assertThat(Posix.mode(binaries.home().resolve("bin"))).isEqualTo(0755);
        assertThat(Posix.mode(binaries.bin("postgres"))).isEqualTo(0755);
        assertThat(Posix.mode(binaries.home().resolve("share/postgresql/postgresql.conf.sample")) & 0444)
                .isEqualTo(0444);
        assertThat(Posix.mode(binaries.home().getParent())).isEqualTo(0755);
    }

    @Test
    void unknownToolIsRefusedWithTheListOfTools() {
        PostgresBinaries binaries = PostgresBinaries.resolve();

        assertThatThrownBy(() -> binaries.bin("psql")).isInstanceOf(DatabaseServerException.class)
                .hasMessageContaining("psql").hasMessageContaining("postgres, initdb and pg_ctl");
        assertThatThrownBy(() -> binaries.bin("../lib/libpq.so")).isInstanceOf(DatabaseServerException.class);
    }

    @Test
    void glibcCanBeForced() throws Exception {
        PostgresBinaries glibc = PostgresBinaries.resolve(Libc.GLIBC);

        assertThat(glibc.libc()).isEqualTo(Libc.GLIBC);
        assertThat(glibc.defaultLocale()).isEqualTo("C.UTF-8");
        assertThat(glibc.home()).isNotEqualTo(PostgresBinaries.resolve(Libc.MUSL).home());
        assertThat(glibc.home().getFileName().toString()).isEqualTo("glibc-17.2.0");
        assertThat(run(glibc.bin("postgres").toString(), "--version")).contains("PostgreSQL) 17.2");
        assertThat(new String(Files.readAllBytes(glibc.bin("postgres")), StandardCharsets.ISO_8859_1))
                .doesNotContain(PostgresBinaries.MUSL_LOADER);
    }

    @Test
    void systemPropertyForcesTheFlavor() {
        String before = System.getProperty(PostgresBinaries.LIBC_PROPERTY);
        try {
            System.setProperty(PostgresBinaries.LIBC_PROPERTY, "glibc");
            assertThat(PostgresBinaries.detectLibc()).isEqualTo(Libc.GLIBC);
            System.setProperty(PostgresBinaries.LIBC_PROPERTY, "MUSL");
            assertThat(PostgresBinaries.detectLibc()).isEqualTo(Libc.MUSL);
            System.setProperty(PostgresBinaries.LIBC_PROPERTY, "uclibc");
            assertThatThrownBy(PostgresBinaries::detectLibc).isInstanceOf(DatabaseServerException.class)
                    .hasMessageContaining("uclibc").hasMessageContaining("'musl' or 'glibc'");
        } finally {
            if (before == null) {
                System.clearProperty(PostgresBinaries.LIBC_PROPERTY);
            } else {
                System.setProperty(PostgresBinaries.LIBC_PROPERTY, before);
            }
        }
    }

    @Test
    void concurrentResolutionExtractsOnceIntoTheSameDirectory(@TempDir Path cache) throws Exception {
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<PostgresBinaries>> results = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return PostgresBinaries.resolve(Libc.MUSL, cache);
                }));
            }
            go.countDown();
            Set<Path> homes = new HashSet<>();
            for (Future<PostgresBinaries> f : results) {
                homes.add(f.get(120, TimeUnit.SECONDS).home());
            }
            assertThat(homes).containsExactly(cache.toRealPath().resolve("musl-17.2.0"));
        } finally {
            pool.shutdownNow();
        }
        try (var entries = Files.list(cache)) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .as("no half-extracted temp directories are left")
                    .containsExactlyInAnyOrder("musl-17.2.0", "musl-17.2.0.lock");
        }
        assertThat(cache.resolve("musl-17.2.0/bin/postgres")).isExecutable();
        assertThat(Files.isSymbolicLink(cache.resolve("musl-17.2.0/lib/libpq.so.5"))).isTrue();
        assertThat(Files.exists(cache.resolve("musl-17.2.0/lib/libpq.so.5"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void binariesInAGivenDirectoryAreRecognisedByVersionAndLibc() {
        PostgresBinaries embedded = PostgresBinaries.resolve();

        PostgresBinaries given = PostgresBinaries.at(embedded.home());

        assertThat(given.version()).isEqualTo("17.2");
        assertThat(given.majorVersion()).isEqualTo(17);
        assertThat(given.libc()).isEqualTo(embedded.libc());
        assertThat(given.home()).isEqualTo(embedded.home());
    }

    @Test
    void aDirectoryWithoutBinariesIsRefusedWithTheFix(@TempDir Path tmp) {
        assertThatThrownBy(() -> PostgresBinaries.at(tmp)).isInstanceOf(DatabaseServerException.class)
                .hasMessageContaining("bin/postgres").hasMessageContaining("Point to the directory");
    }
}
