package dev.kaapanamigrate.kaapana;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.StandaloneContext;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepRunner;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.kaapana.internal.Durable;
import dev.kaapanamigrate.kaapana.internal.ManifestEntry;
import dev.kaapanamigrate.kaapana.internal.TreeCopy;
import dev.kaapanamigrate.kaapana.internal.TreeNode;
import dev.kaapanamigrate.kaapana.internal.TreeVerify;
import dev.kaapanamigrate.kaapana.internal.Trees;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Backup and verification of a multi-GB tree against {@code cp -a} and {@code sha256sum} over the same files in the
 * same run (goals: the copy in at most 1.2 times the time of {@code cp -a}, the verification at least 0.8 times the
 * throughput of {@code sha256sum}). The tree: {@code -Dkaapana.bench.gb} GiB (3 by default) in four database folders,
 * 60 % in files of 512 MiB, the rest in files of 1 to 48 KiB (about 40 per MiB), and a 1 GiB sparse file with three
 * data blocks. Median of {@code -Dkaapana.bench.rounds} rounds (3); the order of the two contenders alternates per
 * round and everything is flushed to disk before each timed operation; all reads come from the page cache (the tree is
 * written just before; dropping caches would disturb the other builds on the machine).
 *
 * <p>Off unless {@code -Dkaapana.bench=true}: {@code mvn -B -o verify -pl migration-kaapana -am -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=BackupBenchmarkIT -Dfailsafe.failIfNoSpecifiedTests=false
 * -Dkaapana.bench=true [-Dkaapana.bench.dir=/var/tmp/kbench]}.
 */
@EnabledIfSystemProperty(named = "kaapana.bench", matches = "true")
class BackupBenchmarkIT {

    private static final List<String> UNITS = List.of("postgres-backend", "postgres-airflow",
            "postgres-access-information-point", "postgres-dcm4che");

    @Test
    void backupAndVerificationAgainstCpAndSha256sum() throws Exception {
        double gib = Double.parseDouble(System.getProperty("kaapana.bench.gb", "3"));
        int rounds = Integer.getInteger("kaapana.bench.rounds", 3);
        int threads = Integer.getInteger("kaapana.bench.threads", 2);
        Path base = Path.of(System.getProperty("kaapana.bench.dir", System.getProperty("java.io.tmpdir")))
                .resolve("kaapana-backup-bench");
        Trees.delete(base);
        Path fast = Files.createDirectories(base.resolve("fast"));
        long bytes = generate(fast, (long) (gib * (1L << 30)));
        List<TreeNode> nodes = Trees.scan(fast, UNITS, p -> false);
        long files = nodes.stream().filter(n -> n.kind() == ManifestEntry.Kind.FILE).count();
        System.out.printf(Locale.ROOT, "%nBackup benchmark: %,d files, %,d bytes (%.2f GiB), %d threads, %d rounds, in %s%n",
                files, bytes, bytes / (double) (1L << 30), threads, rounds, base);

        double[] cp = new double[rounds];
        double[] cpSync = new double[rounds];
        double[] copy = new double[rounds];
        double[] copySync = new double[rounds];
        double[] sha = new double[rounds];
        double[] verify = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            Path cpTarget = Files.createDirectories(base.resolve("cp-" + r));
            Path ourTarget = Files.createDirectories(base.resolve("ours-" + r));
            for (int turn = 0; turn < 2; turn++) {
                boolean oursNow = (r + turn) % 2 == 0;
                FastFixture.run("sync");
                if (oursNow) {
                    long t0 = System.nanoTime();
                    TreeCopy.Outcome out = TreeCopy.copy(nodes.stream().map(TreeCopy.Item::of).toList(), ourTarget,
                            threads, true, null);
                    long t1 = System.nanoTime();
                    Durable.syncFileSystem(ourTarget);
                    long t2 = System.nanoTime();
                    copy[r] = (t1 - t0) / 1e9;
                    copySync[r] = (t2 - t0) / 1e9;
                    List<ManifestEntry> entries = nodes.stream().map(n -> n.toEntry(out.digests().get(n.path())))
                            .toList();
                    FastFixture.run("sync");
                    long v0 = System.nanoTime();
                    TreeVerify.Outcome check = TreeVerify.verify(entries, ourTarget, UNITS, threads, true, true, null);
                    verify[r] = (System.nanoTime() - v0) / 1e9;
                    assertThat(check.passed()).as(check.describe(5)).isTrue();
                } else {
                    List<String> command = new ArrayList<>(List.of("cp", "-a"));
                    UNITS.forEach(u -> command.add(fast.resolve(u).toString()));
                    command.add(cpTarget.toString());
                    long t0 = System.nanoTime();
                    FastFixture.run(command.toArray(String[]::new));
                    long t1 = System.nanoTime();
                    FastFixture.run("sync", "--file-system", cpTarget.toString());
                    long t2 = System.nanoTime();
                    cp[r] = (t1 - t0) / 1e9;
                    cpSync[r] = (t2 - t0) / 1e9;
                    FastFixture.run("sync");
                    long s0 = System.nanoTime();
                    FastFixture.run("sh", "-c", "cd '" + cpTarget + "' && find . -type f -print0 | xargs -0 sha256sum"
                            + " > /dev/null");
                    sha[r] = (System.nanoTime() - s0) / 1e9;
                }
            }
            System.out.printf(Locale.ROOT, "round %d: cp -a %.2f s (+sync %.2f s) | backup copy %.2f s (+sync %.2f s) "
                            + "| sha256sum %.2f s | verify %.2f s%n", r + 1, cp[r], cpSync[r], copy[r], copySync[r],
                    sha[r], verify[r]);
            Trees.delete(cpTarget);
            Trees.delete(ourTarget);
        }

        Path target = Files.createDirectories(base.resolve("step"));
        FastFixture.run("sync");
        long s0 = System.nanoTime();
        StepResult step;
        try (StandaloneContext ctx = MigrationContext.standalone()) {
            step = StepRunner.run(new BackupStep(fast, BackupOptions.to(target).withThreads(threads)), ctx);
        }
        double whole = (System.nanoTime() - s0) / 1e9;
        assertThat(step.status()).as(step.message()).isEqualTo(StepStatus.APPLIED);

        double mCp = median(cp);
        double mCpSync = median(cpSync);
        double mCopy = median(copy);
        double mCopySync = median(copySync);
        double mSha = median(sha);
        double mVerify = median(verify);
        double gibs = bytes / (double) (1L << 30);
        System.out.printf(Locale.ROOT, "%n| operation | median | throughput | ratio |%n|---|---|---|---|%n");
        System.out.printf(Locale.ROOT, "| cp -a | %.2f s | %.2f GiB/s | |%n", mCp, gibs / mCp);
        System.out.printf(Locale.ROOT, "| backup copy (with SHA-256 of every file) | %.2f s | %.2f GiB/s | %.2f of cp -a "
                + "(goal <= 1.2) |%n", mCopy, gibs / mCopy, mCopy / mCp);
        System.out.printf(Locale.ROOT, "| cp -a + sync --file-system | %.2f s | %.2f GiB/s | |%n", mCpSync,
                gibs / mCpSync);
        System.out.printf(Locale.ROOT, "| backup copy + sync --file-system | %.2f s | %.2f GiB/s | %.2f of cp -a + sync |%n",
                mCopySync, gibs / mCopySync, mCopySync / mCpSync);
        System.out.printf(Locale.ROOT, "| sha256sum of the copy | %.2f s | %.2f GiB/s | |%n", mSha, gibs / mSha);
        System.out.printf(Locale.ROOT, "| verification of the copy | %.2f s | %.2f GiB/s | %.2f of sha256sum's "
                + "throughput (goal >= 0.8) |%n", mVerify, gibs / mVerify, mSha / mVerify);
        System.out.printf(Locale.ROOT, "| kaapana.backup end to end (scan, copy, sync, manifest, verification, rename) "
                + "| %.2f s | %.2f GiB/s | %.2f of cp -a + sync + sha256sum |%n%n", whole, gibs / whole,
                whole / (mCpSync + mSha));
        Trees.delete(base);
    }

    private static long generate(Path fast, long total) throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        long large = total * 6 / 10;
        long written = 0;
        byte[] chunk = new byte[1 << 20];
        int bigFiles = (int) Math.max(1, large / (512L << 20));
        for (int i = 0; i < bigFiles; i++) {
            Path f = fast.resolve(UNITS.get(i % 2) + "/base/16384/" + (20000 + i));
            Files.createDirectories(f.getParent());
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (long n = 0; n < (512L << 20); n += chunk.length) {
                    random.nextBytes(chunk);
                    ByteBuffer b = ByteBuffer.wrap(chunk);
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                }
            }
            written += 512L << 20;
        }
        long small = total - written;
        int n = 0;
        while (small > 0) {
            int size = 1024 + random.nextInt(47 * 1024);
            byte[] content = Arrays.copyOf(chunk, size);
            content[0] = (byte) n;
            content[1] = (byte) (n >> 8);
            Path f = fast.resolve(UNITS.get(2 + n % 2) + "/base/" + (n / 200) + "/" + n);
            if (n % 200 == 0 || n % 200 == 1) {
                Files.createDirectories(f.getParent());
            }
            Files.write(f, content);
            small -= size;
            written += size;
            n++;
        }
        Path sparse = fast.resolve("postgres-backend/base/16384/sparse");
        try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
            for (long at : new long[] {0, 300L << 20, 900L << 20}) {
                f.seek(at);
                f.write(chunk, 0, 8192);
            }
            f.setLength(1L << 30);
        }
        return written + (1L << 30);
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
