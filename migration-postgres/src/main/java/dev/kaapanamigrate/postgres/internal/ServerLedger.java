package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.pgserver.PostgresServer;
import dev.kaapanamigrate.postgres.TemporaryServers;
import dev.kaapanamigrate.postgres.TemporaryServers.ServerRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journaled records of the temporary servers a run started ({@link TemporaryServers#RUNNING}, written with
 * {@link MigrationContext#putDurable}, so a record put during a look-ahead check survives a crash too): recorded when a
 * server starts, forgotten when it stops, and read by a later run to stop what a crashed run left behind. The only
 * place that reads or writes those records; bound to the context of the run that keeps them.
 */
public final class ServerLedger {

    private static final Logger LOG = LoggerFactory.getLogger(ServerLedger.class);

    private final MigrationContext ctx;

    private ServerLedger(MigrationContext ctx) {
        this.ctx = ctx;
    }

    /**
     * The records kept in a run's context.
     *
     * @param ctx the context
     * @return the ledger
     */
    public static ServerLedger of(MigrationContext ctx) {
        return new ServerLedger(ctx);
    }

    /**
     * The servers recorded as running and not started by these connections.
     *
     * @param own the pids of the servers these connections run
     * @return the records, by folder
     */
    public Map<String, ServerRecord> leftovers(Set<Long> own) {
        Map<String, ServerRecord> left = new LinkedHashMap<>();
        recorded().forEach((folder, r) -> {
            if (!own.contains(r.pid())) {
                left.put(folder, r);
            }
        });
        return left;
    }

    /**
     * Stops the servers an earlier run left running (the process must still be the recorded postmaster: same pid and
     * start time, on the recorded folder) and forgets them.
     *
     * @param own      the pids of the servers these connections run (kept)
     * @param binaries the binaries to stop them with
     * @return the folders on which a leftover server was stopped
     */
    public List<String> stopLeftovers(Set<Long> own, PostgresBinaries binaries) {
        Map<String, ServerRecord> recorded = recorded();
        Map<String, ServerRecord> left = leftovers(own);
        List<String> stopped = new ArrayList<>();
        for (ServerRecord r : left.values()) {
            if (PostgresServer.stopLeftover(Path.of(r.folder()), r.pid(), r.startedAt(), binaries)) {
                LOG.warn("Stopped the temporary server (pid {}) an earlier run left on {}", r.pid(), r.folder());
                stopped.add(r.folder());
            }
        }
        if (!left.isEmpty()) {
            Map<String, ServerRecord> still = new LinkedHashMap<>(recorded);
            still.keySet().removeAll(left.keySet());
            ctx.putDurable(TemporaryServers.RUNNING, still);
        }
        return stopped;
    }

    /**
     * Records that a server is about to start on a folder, before it starts: a run killed between the start and
     * {@link #record} leaves a server no record names by pid, which the next run's folder checks would take for the
     * platform's and refuse. Until {@link #record} replaces it, the record has pid 0 and the wall-clock instant before
     * the start; it is resolved to the postmaster that {@code postmaster.pid} names if that process started after it.
     *
     * @param folder the data folder
     */
    public void recordStarting(Path folder) {
        Map<String, ServerRecord> recorded = new LinkedHashMap<>(recorded());
        // the wall clock, not the plan's: it is compared with the process's start time
        recorded.put(folder.toString(), new ServerRecord(folder.toString(), 0, Instant.now().minusSeconds(1)));
        ctx.putDurable(TemporaryServers.RUNNING, recorded);
    }

    /**
     * The pids of the recorded servers (those recorded while starting resolved when they run).
     *
     * @return the pids
     */
    public Set<Long> recordedPids() {
        Set<Long> pids = new HashSet<>();
        recorded().values().forEach(r -> {
            if (r.pid() > 0) {
                pids.add(r.pid());
            }
        });
        return pids;
    }

    /**
     * Records a server that just started.
     *
     * @param folder the data folder it runs on
     * @param server the server
     */
    public void record(Path folder, PostgresServer server) {
        Map<String, ServerRecord> recorded = new LinkedHashMap<>(recorded());
        recorded.put(folder.toString(), new ServerRecord(folder.toString(), server.pid(), server.startedAt().orElse(null)));
        ctx.putDurable(TemporaryServers.RUNNING, recorded);
    }

    /**
     * Forgets the server on a folder, once it stopped.
     *
     * @param folder the data folder
     */
    public void forget(Path folder) {
        Map<String, ServerRecord> recorded = new LinkedHashMap<>(recorded());
        if (recorded.remove(folder.toString()) != null) {
            ctx.putDurable(TemporaryServers.RUNNING, recorded);
        }
    }

    private Map<String, ServerRecord> recorded() {
        Map<String, ServerRecord> raw = ctx.get(TemporaryServers.RUNNING).orElse(Map.of());
        if (raw.values().stream().noneMatch(r -> r.pid() == 0)) {
            return raw;
        }
        Map<String, ServerRecord> out = new LinkedHashMap<>();
        raw.forEach((folder, r) -> out.put(folder, r.pid() == 0 ? resolveStarting(r) : r));
        return out;
    }

    /**
     * A server recorded while starting: the postmaster {@code postmaster.pid} names, if it runs and started after the
     * record was written (so not a server someone started earlier); else the record as it is (nothing runs).
     */
    private static ServerRecord resolveStarting(ServerRecord r) {
        if (r.startedAt() == null) {
            return r;
        }
        try {
            List<String> lines = Files.readAllLines(Path.of(r.folder()).resolve("postmaster.pid"));
            long pid = Long.parseLong(lines.get(0).strip());
            Optional<Instant> started = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .flatMap(h -> h.info().startInstant());
            if (started.isPresent() && !started.get().isBefore(r.startedAt())) {
                LOG.info("The server an earlier run was starting on {} runs as pid {}", r.folder(), pid);
                return new ServerRecord(r.folder(), pid, started.get());
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("No server of the record {}: {}", r, e.toString());
        }
        return r;
    }
}
