package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.IdSource;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StandaloneContext;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepRunner;
import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.minio.MinioKeys;
import dev.kaapanamigrate.minio.ThumbnailKeys;
import dev.kaapanamigrate.postgres.DatabaseConnections;
import dev.kaapanamigrate.testkit.internal.Clients;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.opensearch.client.opensearch.OpenSearchClient;

/** Runs in a child JVM: the consistency check of {@link ConsistencyHeapIT}, printing counts, findings and the peak heap. */
final class ConsistencyHeapMain {

    private ConsistencyHeapMain() {
    }

    public static void main(String[] args) throws Exception {
        DataSource db = new UrlDataSource(args[0], "u", "pw");
        OpenSearchClient search = Clients.openSearch("127.0.0.1", Integer.parseInt(args[1]));
        Path scratch = Files.createDirectories(Path.of(args[4]).resolve("scratch"));
        try (StandaloneContext ctx = MigrationContext.standalone(Clock.systemUTC(), IdSource.random(),
                PlatformState.TARGET_RUNNING, false)) {
            ctx.put(MinioKeys.THUMBNAILS, new ThumbnailKeys(List.of(new ThumbnailKeys.Bucket("project-admin", "admin",
                    80_000, args[3]))));
            ConsistencyStep check = ConsistencyStep.builder()
                    .databases(DatabaseConnections.of(Map.of(ServiceDatabase.ACCESS_INFORMATION, db,
                            ServiceDatabase.DICOM_WEB_FILTER, db, ServiceDatabase.BACKEND, db)))
                    .searchIndex(search)
                    .dicomWeb(DicomWebSeries.of(URI.create(args[2]), () -> "token").withPageSize(5000))
                    .options(ConsistencyOptions.defaults().withSortBudgetBytes(1 << 20).withScratchDirectory(scratch))
                    .build();
            StepResult r = StepRunner.run(check, ctx);
            ConsistencyReport report = ctx.get(ConsistencyReport.KEY).orElse(null);
            if (report == null) {
                System.out.println("FAILED " + r.status() + " " + r.message());
                System.exit(2);
            }
            ConsistencyReport.ProjectCounts admin = report.project("admin").orElseThrow();
            ConsistencyReport.ProjectCounts other = report.project("other").orElseThrow();
            System.out.println("ADMIN_MAPPED=" + admin.mappedSeries());
            System.out.println("ADMIN_INDEXED=" + admin.indexedSeries());
            System.out.println("ADMIN_MEMBERS=" + admin.members());
            System.out.println("ADMIN_THUMBNAILS=" + admin.thumbnails());
            System.out.println("OTHER_MAPPED=" + other.mappedSeries());
            TreeSet<String> kinds = new TreeSet<>();
            for (ConsistencyReport.Finding f : report.findings()) {
                kinds.add(f.kind().name());
                System.out.println("COUNT_" + f.kind().name() + "=" + report.count(f.kind()));
                System.out.println("FIRST_" + f.kind().name() + "=" + String.join(",", f.first()).replace(" ", ""));
            }
            System.out.println("ALL_KINDS=" + String.join(",", kinds));
        } finally {
            Clients.closeQuietly(search);
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println("PEAK_HEAP_BYTES=" + peak);
    }

    /** A data source on a JDBC URL (the driver found by {@link DriverManager}). */
    private record UrlDataSource(String url, String user, String password) implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }

        @Override
        public Connection getConnection(String u, String p) throws SQLException {
            return DriverManager.getConnection(url, u, p);
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
            // not used
        }

        @Override
        public void setLoginTimeout(int seconds) {
            // not used
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
