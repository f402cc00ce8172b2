package dev.kaapanamigrate.workflows;

import dev.kaapanamigrate.core.ConfigurationException;
import dev.kaapanamigrate.workflows.internal.Globs;
import dev.kaapanamigrate.workflows.internal.RuleEngine;
import dev.kaapanamigrate.workflows.internal.ScanRun;
import dev.kaapanamigrate.workflows.internal.Walker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Scans custom DAGs, operators and scripts for what Kaapana 0.5 breaks: walks the given folders (without following
 * symbolic links), tokenizes every matching Python file (so comments and docstrings never count as code) and matches
 * the rules. It streams: one file is held at a time, and only counts and the findings kept are collected. Files it
 * cannot read, decode or tokenize are reported in {@link ScanReport#issues()}, never skipped silently. Scanning
 * changes nothing; see {@link WorkflowRewriter} for the rewrite.
 *
 * <p>Immutable; every builder method returns a new builder.
 *
 * <pre>{@code
 * ScanReport report = WorkflowScanner.forKaapana(Path.of("/home/kaapana"))      // FAST_DATA_DIR
 *         .path(Path.of("/srv/site-extensions/my-workflow/dags"))
 *         .addRules(WorkflowRules.load(Path.of("site-rules.json")))
 *         .progress((done, total, file) -> log.info("{}/{} {}", done, total, file))
 *         .build()
 *         .scan();
 * report.findings().forEach(f -> log.info("{}", f.describe()));
 * }</pre>
 */
public final class WorkflowScanner {

    /** The default include glob: Python files at any depth. */
    public static final String PYTHON_FILES = "**/*.py";

    /** Excluded by default: byte-code caches and version-control folders. */
    public static final List<String> DEFAULT_EXCLUDES = List.of("**/__pycache__/**", "**/.git/**");

    /**
     * The Kaapana plugin package under {@code FAST_DATA_DIR/workflows/plugins}: Kaapana's own 0.4 operators, replaced
     * by the 0.5 deployment, so {@link #forKaapana(Path)} leaves it out.
     */
    public static final String KAAPANA_PLUGIN = "plugins/kaapana/**";

    /** The default largest file read: 2 MiB. */
    public static final long DEFAULT_MAX_FILE_SIZE = 2L * 1024 * 1024;

    /**
     * The default number of findings (and of issues) kept in a report; all are counted. A report is journaled as a
     * context value, and a finding with its message is about half a kilobyte of JSON.
     */
    public static final int DEFAULT_MAX_FINDINGS_KEPT = 1000;

    private final Builder config;
    private final RuleEngine engine;
    private final Globs globs;

    private WorkflowScanner(Builder b) {
        this.config = b;
        this.engine = new RuleEngine(b.rules);
        this.globs = new Globs(b.includes, b.excludes);
    }

    /**
     * Starts an empty builder: the built-in Kaapana 0.5 rules, {@link #PYTHON_FILES}, {@link #DEFAULT_EXCLUDES}, no
     * folders yet.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder for a Kaapana installation: the folder {@code FAST_DATA_DIR/workflows} (its {@code dags},
     * {@code plugins} and {@code mounted_scripts}, where Airflow and the processing containers read code from), the
     * built-in rules, and the defaults of {@link #builder()} plus the exclusion of {@link #KAAPANA_PLUGIN}.
     *
     * @param fastDataDir Kaapana's FAST_DATA_DIR
     * @return the builder
     */
    public static Builder forKaapana(Path fastDataDir) {
        return builder().root(fastDataDir.resolve("workflows")).exclude(KAAPANA_PLUGIN);
    }

    /**
     * A builder holding this scanner's settings.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        return config;
    }

    /**
     * The folders (or files) scanned as roots.
     *
     * @return the roots
     */
    public List<Path> roots() {
        return config.roots;
    }

    /**
     * Further folders or files scanned.
     *
     * @return the paths
     */
    public List<Path> paths() {
        return config.paths;
    }

    /**
     * The rules, in the order they claim tokens.
     *
     * @return the rules
     */
    public List<WorkflowRule> rules() {
        return config.rules;
    }

    /**
     * Scans with the configured progress receiver.
     *
     * @return the report
     */
    public ScanReport scan() {
        return scan(config.progress);
    }

    /**
     * Scans and reports progress to {@code progress} (instead of the configured receiver).
     *
     * @param progress receives progress every few hundred files and at the end
     * @return the report
     */
    public ScanReport scan(ScanProgress progress) {
        return new ScanRun(walker(), engine, config.maxFileSize, config.maxFindingsKept,
                Objects.requireNonNull(progress, "progress"), null).run();
    }

    /**
     * Scans one file, whatever the include and exclude globs say, as {@link #scan()} reads it.
     *
     * @param file the file
     * @return the report for this file
     */
    public ScanReport scanFile(Path file) {
        return new ScanRun(Walker.of(List.of(file), List.of(), globs), engine, config.maxFileSize, config.maxFindingsKept,
                ScanProgress.NONE, null).run();
    }

    /**
     * Scans one source held in memory, for tools and editors.
     *
     * @param fileName the name to report the findings under
     * @param source   the Python source
     * @return the report for this one source (an {@link FileIssue.Kind#UNPARSABLE} issue if it cannot be tokenized)
     */
    public ScanReport scanSource(String fileName, String source) {
        ScanRun.Analysis a = ScanRun.analyze(engine, source);
        List<String> ids = config.rules.stream().map(WorkflowRule::id).toList();
        java.util.Map<Severity, Long> bySeverity = new java.util.EnumMap<>(Severity.class);
        java.util.Map<String, Long> byRule = new java.util.HashMap<>();
        if (a.problem() != null) {
            return new ScanReport(List.of("<memory>"), ids, 0, 0, 0, 0, 0, bySeverity, byRule, List.of(), 1,
                    List.of(new FileIssue("<memory>", fileName, FileIssue.Kind.UNPARSABLE, a.problem().getMessage(),
                            a.problem().line())));
        }
        List<Finding> findings = new ArrayList<>();
        long mechanical = 0;
        for (var h : a.hits()) {
            Finding f = ScanRun.toFinding(engine, "<memory>", fileName, a.tokens(), h);
            findings.add(f);
            mechanical += f.mechanical() ? 1 : 0;
            bySeverity.merge(f.severity(), 1L, Long::sum);
            byRule.merge(f.ruleId(), 1L, Long::sum);
        }
        return new ScanReport(List.of("<memory>"), ids, 1, 0, findings.isEmpty() ? 0 : 1, findings.size(), mechanical,
                bySeverity, byRule, findings, 0, List.of());
    }

    Walker walker() {
        return Walker.of(config.roots, config.paths, globs);
    }

    RuleEngine engine() {
        return engine;
    }

    long maxFileSize() {
        return config.maxFileSize;
    }

    int maxFindingsKept() {
        return config.maxFindingsKept;
    }

    ScanProgress progress() {
        return config.progress;
    }

    /** Configures a scanner; immutable, every method returns a new builder. */
    public static final class Builder {
        private final List<Path> roots;
        private final List<Path> paths;
        private final List<WorkflowRule> rules;
        private final List<String> includes;
        private final List<String> excludes;
        private final long maxFileSize;
        private final int maxFindingsKept;
        private final ScanProgress progress;

        private Builder() {
            this(List.of(), List.of(), WorkflowRules.kaapana05(), List.of(PYTHON_FILES), DEFAULT_EXCLUDES,
                    DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_FINDINGS_KEPT, ScanProgress.NONE);
        }

        private Builder(List<Path> roots, List<Path> paths, List<WorkflowRule> rules, List<String> includes,
                        List<String> excludes, long maxFileSize, int maxFindingsKept, ScanProgress progress) {
            this.roots = List.copyOf(roots);
            this.paths = List.copyOf(paths);
            this.rules = List.copyOf(rules);
            this.includes = List.copyOf(includes);
            this.excludes = List.copyOf(excludes);
            this.maxFileSize = maxFileSize;
            this.maxFindingsKept = maxFindingsKept;
            this.progress = progress;
        }

        private static <T> List<T> plus(List<T> list, T item) {
            List<T> l = new ArrayList<>(list);
            l.add(Objects.requireNonNull(item));
            return l;
        }

        /**
         * Adds a workflow folder (or a single file) to scan.
         *
         * @param root the folder
         * @return a new builder
         */
        public Builder root(Path root) {
            return new Builder(plus(roots, root), paths, rules, includes, excludes, maxFileSize, maxFindingsKept, progress);
        }

        /**
         * Adds a further folder or file, for example an extension's source tree. A file given here is scanned whatever
         * the include globs say.
         *
         * @param path the folder or file
         * @return a new builder
         */
        public Builder path(Path path) {
            return new Builder(roots, plus(paths, path), rules, includes, excludes, maxFileSize, maxFindingsKept, progress);
        }

        /**
         * Replaces the rules.
         *
         * @param newRules the rules, in claim order
         * @return a new builder
         */
        public Builder rules(List<WorkflowRule> newRules) {
            return new Builder(roots, paths, newRules, includes, excludes, maxFileSize, maxFindingsKept, progress);
        }

        /**
         * Appends rules after the current ones (a site's own rules after the built-in ones).
         *
         * @param more the rules
         * @return a new builder
         */
        public Builder addRules(List<WorkflowRule> more) {
            List<WorkflowRule> l = new ArrayList<>(rules);
            l.addAll(more);
            return rules(l);
        }

        /**
         * Replaces the include globs (relative to each folder; {@code **}{@code /} at the start also matches the top
         * level).
         *
         * @param globs the globs, for example {@code "**}{@code /*.py"}
         * @return a new builder
         */
        public Builder includes(List<String> globs) {
            return new Builder(roots, paths, rules, globs, excludes, maxFileSize, maxFindingsKept, progress);
        }

        /**
         * Adds an exclude glob; a folder it covers is not walked at all.
         *
         * @param glob the glob, for example {@code "dags/vendored/**"}
         * @return a new builder
         */
        public Builder exclude(String glob) {
            return excludes(plus(excludes, glob));
        }

        /**
         * Replaces the exclude globs.
         *
         * @param globs the globs
         * @return a new builder
         */
        public Builder excludes(List<String> globs) {
            return new Builder(roots, paths, rules, includes, globs, maxFileSize, maxFindingsKept, progress);
        }

        /**
         * Sets the largest file read; larger files are reported as {@link FileIssue.Kind#TOO_LARGE}.
         *
         * @param bytes the size in bytes, at least 1
         * @return a new builder
         */
        public Builder maxFileSize(long bytes) {
            return new Builder(roots, paths, rules, includes, excludes, bytes, maxFindingsKept, progress);
        }

        /**
         * Sets how many findings (and issues) a report keeps; all are counted.
         *
         * @param count the number, at least 0
         * @return a new builder
         */
        public Builder maxFindingsKept(int count) {
            return new Builder(roots, paths, rules, includes, excludes, maxFileSize, count, progress);
        }

        /**
         * Sets the progress receiver.
         *
         * @param receiver receives progress
         * @return a new builder
         */
        public Builder progress(ScanProgress receiver) {
            return new Builder(roots, paths, rules, includes, excludes, maxFileSize, maxFindingsKept,
                    Objects.requireNonNull(receiver, "receiver"));
        }

        /**
         * Builds the scanner.
         *
         * @return the scanner
         * @throws ConfigurationException when nothing is to be scanned, no rule is given, a rule id repeats, a glob is
         *                                invalid or a limit is out of range; the message says what to write
         */
        public WorkflowScanner build() {
            if (roots.isEmpty() && paths.isEmpty()) {
                throw new ConfigurationException("The workflow scanner has no folder to scan; expected "
                        + "WorkflowScanner.forKaapana(fastDataDir) or .root(path).");
            }
            if (rules.isEmpty()) {
                throw new ConfigurationException("The workflow scanner has no rules; expected WorkflowRules.kaapana05() "
                        + "and/or rules loaded with WorkflowRules.load(file).");
            }
            WorkflowRules.checkUniqueIds(rules, "the scanner");
            if (includes.isEmpty()) {
                throw new ConfigurationException("The workflow scanner has no include glob; expected for example \""
                        + PYTHON_FILES + "\".");
            }
            if (maxFileSize < 1 || maxFindingsKept < 0) {
                throw new ConfigurationException("maxFileSize must be at least 1 and maxFindingsKept at least 0; found "
                        + maxFileSize + " and " + maxFindingsKept + ".");
            }
            try {
                new Globs(includes, excludes);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("A glob of the workflow scanner is invalid: " + e.getMessage()
                        + "; expected java.nio glob syntax such as \"**/*.py\".");
            }
            return new WorkflowScanner(this);
        }
    }
}
