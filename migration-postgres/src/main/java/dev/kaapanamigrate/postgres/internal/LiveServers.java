package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.core.MigrationContext;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds host processes that use a folder: a process whose working directory ({@code /proc/<pid>/cwd}) is
 * the folder or inside it (compared by path and, for processes in other mount namespaces such as
 * containers, by the folder's device and inode), or that holds a file inside it open
 * ({@code /proc/<pid>/fd}). A PostgreSQL server and all its backends have the data folder as their working
 * directory. The pid in {@code postmaster.pid} is not used: in Kaapana it is the container's pid.
 */
public final class LiveServers {

    private static final Logger LOG = LoggerFactory.getLogger(LiveServers.class);
    private static final Path PROC = Path.of("/proc");

    /** One process using a folder. */
    public record User(long pid, String command, String how) {
    }

    private record Proc(long pid, long ppid, String cwd, FolderFacts.Stat cwdStat, List<String> openFiles) {
    }

    private final List<Proc> processes = new ArrayList<>();
    private final List<String> unreadablePostgres = new ArrayList<>();

    private LiveServers() {
    }

    /**
     * A snapshot without processes: what the folders look like once the platform is undeployed, for a dry-run
     * taken while it still runs (its servers are expected then and gone when the run gets there).
     *
     * @return an empty snapshot
     */
    public static LiveServers none() {
        return new LiveServers();
    }

    /**
     * Takes one snapshot of all processes' working directories and open files.
     *
     * @return the snapshot
     */
    public static LiveServers scan() {
        LiveServers s = new LiveServers();
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path dir : pids) {
                long pid = Long.parseLong(dir.getFileName().toString());
                if (pid == self) {
                    continue;
                }
                String cwd = null;
                FolderFacts.Stat cwdStat = null;
                try {
                    cwd = Files.readSymbolicLink(dir.resolve("cwd")).toString();
                    cwdStat = FolderFacts.readStat(dir.resolve("cwd")); // follows the link to the working directory
                } catch (IOException | RuntimeException e) {
                    String comm = comm(pid);
                    // An exited backend its postmaster has not reaped yet (a zombie, no working directory) or a process
                    // gone since the listing uses no folder: taking it for one refused the folders at random (found by
                    // CrashRecoveryIT: a resumed run's own temporary servers closing connections while it checked).
                    if ((comm.startsWith("postgres") || comm.startsWith("postmaster")) && !exited(pid)) {
                        s.unreadablePostgres.add(pid + " (" + comm + ")");
                    }
                }
                List<String> open = new ArrayList<>();
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(dir.resolve("fd"))) {
                    for (Path fd : fds) {
                        try {
                            open.add(Files.readSymbolicLink(fd).toString());
                        } catch (IOException e) {
                            // closed meanwhile
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // process gone or not ours to read; counted through cwd above
                }
                if (cwd != null || !open.isEmpty()) {
                    s.processes.add(new Proc(pid, parent(pid), cwd, cwdStat, open));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Cannot list " + PROC + " to look for live PostgreSQL servers: "
                    + e.getMessage(), e);
        }
        LOG.debug("Scanned {} processes ({} PostgreSQL processes unreadable)", s.processes.size(), s.unreadablePostgres.size());
        return s;
    }

    /**
     * A snapshot of all processes without the temporary servers an earlier run of this plan recorded (their
     * postmasters and every child of them): a run killed with SIGKILL leaves them running on the moved folders, and the
     * database steps stop them (after checking pid and start time) before they start their own, so the folder checks
     * must not take them for the platform's servers.
     *
     * @param ctx the run's context, holding the recorded servers
     * @return the snapshot
     */
    public static LiveServers scan(MigrationContext ctx) {
        LiveServers all = scan();
        Set<Long> recorded = ServerLedger.of(ctx).recordedPids();
        if (recorded.isEmpty()) {
            return all;
        }
        LiveServers s = new LiveServers();
        s.unreadablePostgres.addAll(all.unreadablePostgres);
        for (Proc p : all.processes) {
            if (recorded.contains(p.pid()) || recorded.contains(p.ppid())) {
                continue;
            }
            s.processes.add(p);
        }
        if (s.processes.size() < all.processes.size()) {
            LOG.info("Temporary servers an earlier run left (pids {}) are left to the database steps, which stop them "
                    + "before they start their own", recorded);
        }
        return s;
    }

    /** Whether a process has exited (a zombie, or dead) or is gone. */
    static boolean exited(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'Z' || state == 'X' || state == 'x';
        } catch (IOException | RuntimeException e) {
            return !Files.exists(PROC.resolve(Long.toString(pid)));
        }
    }

    private static long parent(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
            // pid (comm) state ppid ...; comm may hold spaces and parentheses: read after the last ')'
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(rest[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * PostgreSQL processes (by their {@code comm} name) whose working directory could not be read, for
     * example because the migration does not run as root.
     *
     * @return pid and name of each
     */
    public List<String> unreadablePostgres() {
        return List.copyOf(unreadablePostgres);
    }

    private static String comm(long pid) {
        try {
            return Files.readString(PROC.resolve(Long.toString(pid)).resolve("comm")).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * The processes using a folder.
     *
     * @param folder the folder (absolute, no symbolic links)
     * @param stat   the folder's stat
     * @return the processes, possibly none
     */
    public List<User> usersOf(Path folder, FolderFacts.Stat stat) {
        String prefix = folder.toString();
        List<User> users = new ArrayList<>();
        for (Proc p : processes) {
            Set<String> how = new LinkedHashSet<>();
            if (p.cwd() != null && inside(p.cwd(), prefix)) {
                how.add("working directory " + p.cwd());
            } else if (p.cwdStat() != null && p.cwdStat().device() == stat.device() && p.cwdStat().inode() == stat.inode()) {
                how.add("working directory (seen as " + p.cwd() + " in its own mount namespace)");
            }
            for (String f : p.openFiles()) {
                if (inside(f, prefix)) {
                    how.add("open file " + f);
                    break;
                }
            }
            if (!how.isEmpty()) {
                users.add(new User(p.pid(), command(p.pid()).orElse("?"), String.join(", ", how)));
            }
        }
        return users;
    }

    private static boolean inside(String path, String folder) {
        String p = path.endsWith(" (deleted)") ? path.substring(0, path.length() - " (deleted)".length()) : path;
        return p.equals(folder) || p.startsWith(folder + "/");
    }

    private static Optional<String> command(long pid) {
        try {
            byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
            // Only the program, never its arguments: a command line can carry a password.
            String cmd = new String(raw, java.nio.charset.StandardCharsets.UTF_8);
            int end = cmd.indexOf('\0');
            String program = (end < 0 ? cmd : cmd.substring(0, end)).trim();
            return program.isEmpty() ? Optional.empty() : Optional.of(program);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether a folder may be touched: a live process using it is a finding; a {@code postmaster.pid} with
     * no live user is a note (stale file, tolerated); a {@code postmaster.pid} while some PostgreSQL
     * processes could not be inspected is a finding (no proof either way).
     *
     * @param found    what was found, or {@code null}
     * @param expected what was expected, or {@code null}
     * @param fix      how to fix it, or {@code null}
     * @param stale    a note about a stale {@code postmaster.pid}, or {@code null}
     */
    public record Verdict(String found, String expected, String fix, String stale) {
        /**
         * The finding as found, expected, fix.
         *
         * @return the three texts, or empty when the folder is not in use
         */
        public Optional<String[]> finding() {
            return found == null ? Optional.empty() : Optional.of(new String[] {found, expected, fix});
        }

        /**
         * The note about a stale {@code postmaster.pid}.
         *
         * @return the note, or empty
         */
        public Optional<String> note() {
            return Optional.ofNullable(stale);
        }
    }

    /**
     * Judges whether a PostgreSQL server (or any process) uses a data folder, from this snapshot.
     *
     * @param folder the folder (absolute, no symbolic links), an existing directory
     * @return the verdict
     */
    public Verdict judge(Path folder) {
        List<User> users = usersOf(folder, FolderFacts.stat(folder));
        boolean pidFile = FolderFacts.present(folder.resolve("postmaster.pid"));
        if (!users.isEmpty()) {
            StringBuilder who = new StringBuilder();
            for (User u : users) {
                who.append(who.length() == 0 ? "" : "; ").append("pid ").append(u.pid()).append(" (").append(u.command())
                        .append(", ").append(u.how()).append(')');
            }
            return new Verdict("a live process uses " + folder + ": " + who, "no PostgreSQL server running on the data "
                    + "folders (platform undeployed)", "undeploy the platform (or stop the server, pid " + users.get(0).pid()
                    + "), then run again", null);
        }
        if (pidFile && !unreadablePostgres.isEmpty()) {
            return new Verdict(folder + " holds postmaster.pid and the PostgreSQL processes "
                    + String.join(", ", unreadablePostgres) + " could not be inspected", "proof that no PostgreSQL server runs on "
                    + folder, "run the migration as root (it reads /proc/<pid>/cwd and /proc/<pid>/fd of every process)", null);
        }
        if (pidFile) {
            String pid = readFirstLine(folder.resolve("postmaster.pid")).orElse("?");
            return new Verdict(null, null, null, folder + " holds a stale postmaster.pid (pid " + pid
                    + ", from the container's namespace); no host process uses the folder, so PostgreSQL will remove it at "
                    + "its next start");
        }
        return new Verdict(null, null, null, null);
    }

    private static Optional<String> readFirstLine(Path file) {
        try (var lines = Files.lines(file)) {
            return lines.findFirst().map(String::trim);
        } catch (IOException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
    }
}
