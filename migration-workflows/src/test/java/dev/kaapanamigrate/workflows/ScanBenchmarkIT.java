package dev.kaapanamigrate.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time of a scan of {@code -Dkaapana.bench.files} generated DAG files (10,000 by default) against a baseline in the same
 * run over the same files: a plain {@code Files.walk} reading every {@code .py} file and counting
 * {@code String.contains("form_data")}. Median of {@code -Dkaapana.bench.rounds} rounds (5), after one warm-up round of
 * each. Off unless {@code -Dkaapana.bench=true}: {@code mvn -B -o -pl migration-workflows -am verify -Dtest=NONE
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=ScanBenchmarkIT
 * -Dkaapana.bench=true}.
 */
@EnabledIfSystemProperty(named = "kaapana.bench", matches = "true")
class ScanBenchmarkIT {

    @TempDir
    Path tmp;

    private static long baseline(Path workflows) {
        try (Stream<Path> files = Files.walk(workflows)) {
            return files.filter(f -> f.toString().endsWith(".py") && Files.isRegularFile(f)).filter(f -> {
                try {
                    return Files.readString(f, StandardCharsets.ISO_8859_1).contains("form_data");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    @Test
    void scanAgainstAPlainWalkAndContains() throws Exception {
        int n = Integer.getInteger("kaapana.bench.files", 10_000);
        int rounds = Integer.getInteger("kaapana.bench.rounds", 5);
        long g0 = System.nanoTime();
        ManyFiles.Tree tree = ManyFiles.generate(tmp.resolve("fast/workflows"), n);
        System.out.printf("benchmark: generated %,d files in %.1f s%n", n, (System.nanoTime() - g0) / 1e9);
        WorkflowScanner scanner = WorkflowScanner.forKaapana(tmp.resolve("fast")).maxFindingsKept(1000).build();
        Path workflows = tmp.resolve("fast/workflows");
        baseline(workflows);
        scanner.scan();
        List<Double> base = new ArrayList<>();
        List<Double> scan = new ArrayList<>();
        ScanReport report = null;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            long hits = baseline(workflows);
            base.add((System.nanoTime() - t0) / 1e9);
            long t1 = System.nanoTime();
            report = scanner.scan();
            scan.add((System.nanoTime() - t1) / 1e9);
            assertThat(hits).isPositive();
        }
        assertThat(report.findingCount()).isEqualTo(tree.findings());
        double b = median(base);
        double s = median(scan);
        System.out.printf("benchmark: %,d files (%,d scanned, %,d findings, %,d issues); baseline Files.walk + "
                + "String.contains %.3f s, scanner %.3f s (median of %d), ratio %.2f%n", n, report.filesScanned(),
                report.findingCount(), report.issueCount(), b, s, rounds, s / b);
    }
}
