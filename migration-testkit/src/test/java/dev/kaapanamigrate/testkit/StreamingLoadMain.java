package dev.kaapanamigrate.testkit;

import dev.kaapanamigrate.testkit.internal.ClusterTemplates;
import dev.kaapanamigrate.testkit.internal.DatabaseLoader;
import dev.kaapanamigrate.testkit.internal.PodServers;
import dev.kaapanamigrate.testkit.postgres.ClusterSpec;
import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.pgserver.PostgresServer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.sql.Connection;

/**
 * Loads the dicom-web-filter and backend databases of an installation with the given number of series and
 * jobs in its own (small-heap) JVM and prints the peak heap use, for {@link GenerationStreamsIT}.
 */
public final class StreamingLoadMain {

    private StreamingLoadMain() {
    }

    /**
     * Entry point.
     *
     * @param args folder, series, jobs
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        int series = Integer.parseInt(args[1]);
        int jobs = Integer.parseInt(args[2]);
        InstallationModel model = new InstallationModel(InstallationSpec.of(InstallationSize.SMALL)
                .withSeries(series).withJobs(jobs));
        PostgresBinaries binaries = PostgresBinaries.resolve();
        KaapanaDatabase db = KaapanaDatabase.BACKEND;
        ClusterTemplates.create(folder, ClusterSpec.of(db.superuser(), db.password(), db.database()), binaries);
        try (PostgresServer server = PodServers.start(folder, binaries)) {
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
            try (Connection c = server.dataSource(db.database(), db.superuser(), db.password()).getConnection()) {
                new DatabaseLoader(model).loadBackend(c);
                try (var st = c.createStatement()) {
                    st.execute("CREATE DATABASE dwf");
                }
            }
            try (Connection c = server.dataSource("dwf", db.superuser(), db.password()).getConnection()) {
                new DatabaseLoader(model).loadDicomWebFilter(c);
            }
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            System.out.println("PEAK_HEAP_BYTES=" + peak);
        }
    }
}
