package dev.kaapanamigrate.workflows.internal;

import dev.kaapanamigrate.workflows.FileIssue;
import dev.kaapanamigrate.workflows.Finding;
import dev.kaapanamigrate.workflows.ScanProgress;
import dev.kaapanamigrate.workflows.ScanReport;
import dev.kaapanamigrate.workflows.Severity;
import dev.kaapanamigrate.workflows.WorkflowRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scan: counts the files (names only, for progress), then reads, tokenizes and matches them one at a time. Only
 * counts and the findings kept are held; file contents are dropped after each file.
 */
public final class ScanRun {

    /** Progress is reported every this many files (and at the end). */
    public static final int PROGRESS_EVERY = 250;

    /** The longest offending text kept in a finding; the diff has the whole change. */
    static final int MAX_TEXT = 400;

    private static final Logger LOG = LoggerFactory.getLogger(ScanRun.class);

    /** Sees each scanned file with its tokens and hits, for the rewriter. */
    @FunctionalInterface
    public interface Hook {
        /**
         * A file was scanned.
         *
         * @param file   the file
         * @param tokens its tokens
         * @param hits   the rule hits, in source order
         */
        void scanned(SourceFile file, Tokens tokens, List<RuleEngine.Hit> hits);

        /**
         * A file or folder could not be scanned; every one is passed here, also those beyond the issues kept.
         *
         * @param issue why
         */
        default void issue(FileIssue issue) {
        }
    }

    /** The result of analysing one text: tokens and hits, or why it is not tokenizable. */
    public record Analysis(Tokens tokens, List<RuleEngine.Hit> hits, PyTokenizer.SyntaxProblem problem) {
    }

    private final Walker walker;
    private final RuleEngine engine;
    private final long maxFileSize;
    private final int maxKept;
    private final ScanProgress progress;
    private final Hook hook;

    private long total;
    private long done;
    private long scanned;
    private long ignored;
    private long withFindings;
    private long findingCount;
    private long mechanical;
    private long issueCount;
    private final Map<Severity, Long> bySeverity = new EnumMap<>(Severity.class);
    private final Map<String, Long> byRule = new HashMap<>();
    private final List<Finding> findings = new ArrayList<>();
    private final List<FileIssue> issues = new ArrayList<>();

    /**
     * Prepares a scan.
     *
     * @param walker      what to walk
     * @param engine      the compiled rules
     * @param maxFileSize the largest file read
     * @param maxKept     how many findings and issues to keep (all are counted)
     * @param progress    receives progress
     * @param hook        sees each scanned file, or {@code null}
     */
    public ScanRun(Walker walker, RuleEngine engine, long maxFileSize, int maxKept, ScanProgress progress, Hook hook) {
        this.walker = walker;
        this.engine = engine;
        this.maxFileSize = maxFileSize;
        this.maxKept = maxKept;
        this.progress = progress;
        this.hook = hook;
    }

    /**
     * Tokenizes and matches one text.
     *
     * @param engine the rules
     * @param text   the source
     * @return the analysis
     */
    public static Analysis analyze(RuleEngine engine, String text) {
        try {
            Tokens tokens = PyTokenizer.tokenize(text);
            return new Analysis(tokens, engine.match(tokens), null);
        } catch (PyTokenizer.SyntaxProblem e) {
            return new Analysis(null, List.of(), e);
        }
    }

    /**
     * Runs the scan.
     *
     * @return the report
     */
    public ScanReport run() {
        long t0 = System.nanoTime();
        try {
            walker.walk(new Walker.Visitor() {
                @Override
                public void file(Path root, Path file, String rel, BasicFileAttributes attrs) {
                    total++;
                }

                @Override
                public void issue(FileIssue issue) {
                    // counted in the second pass
                }

                @Override
                public void ignored() {
                    // counted in the second pass
                }
            });
            walker.walk(new Walker.Visitor() {
                @Override
                public void file(Path root, Path file, String rel, BasicFileAttributes attrs) {
                    scanFile(root, file, rel, attrs.size());
                    tick(rel, false);
                }

                @Override
                public void issue(FileIssue issue) {
                    addIssue(issue);
                }

                @Override
                public void ignored() {
                    ignored++;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("The scan stopped: " + e.getMessage(), e);
        }
        tick(null, true);
        ScanReport report = report();
        LOG.info("Scanned {} workflow files in {} ms: {}", scanned, (System.nanoTime() - t0) / 1_000_000, report.summary());
        return report;
    }

    private void tick(String rel, boolean last) {
        if (!last) {
            done++;
        }
        if (last || done % PROGRESS_EVERY == 0) {
            progress.progress(done, Math.max(done, total), rel);
        }
    }

    private void scanFile(Path root, Path file, String rel, long size) {
        SourceReader.Result read = SourceReader.read(root, file, rel, size, maxFileSize);
        if (read instanceof SourceReader.Refused r) {
            addIssue(new FileIssue(root.toString(), rel, r.kind(), r.reason(), 0));
            return;
        }
        SourceFile source = ((SourceReader.Read) read).file();
        Analysis a = analyze(engine, source.text());
        if (a.problem() != null) {
            addIssue(new FileIssue(root.toString(), rel, FileIssue.Kind.UNPARSABLE, a.problem().getMessage()
                    + "; Python cannot import this file either: fix it first", a.problem().line()));
            return;
        }
        scanned++;
        if (!a.hits().isEmpty()) {
            withFindings++;
            for (RuleEngine.Hit h : a.hits()) {
                addFinding(toFinding(engine, root.toString(), rel, a.tokens(), h));
            }
        }
        if (hook != null) {
            hook.scanned(source, a.tokens(), a.hits());
        }
    }

    /**
     * A public finding from a hit.
     *
     * @param engine the rules
     * @param root   the root, as text
     * @param rel    the relative file
     * @param t      the tokens
     * @param h      the hit
     * @return the finding
     */
    public static Finding toFinding(RuleEngine engine, String root, String rel, Tokens t, RuleEngine.Hit h) {
        WorkflowRule rule = engine.rules().get(h.rule());
        return new Finding(root, rel, t.line(h.start()), t.column(h.start()), rule.id(), rule.severity(),
                shorten(t.source().substring(h.start(), h.end())), h.replacement() == null ? null : shorten(h.replacement()),
                h.mechanical(), rule.message());
    }

    private static String shorten(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT - 1) + "…";
    }

    private void addFinding(Finding f) {
        findingCount++;
        if (f.mechanical()) {
            mechanical++;
        }
        bySeverity.merge(f.severity(), 1L, Long::sum);
        byRule.merge(f.ruleId(), 1L, Long::sum);
        if (findings.size() < maxKept) {
            findings.add(f);
        }
    }

    private void addIssue(FileIssue issue) {
        issueCount++;
        if (hook != null) {
            hook.issue(issue);
        }
        if (issues.size() < maxKept) {
            issues.add(issue);
        }
        if (issueCount <= 20) {
            LOG.warn("Not scanned: {}", issue.describe());
        } else {
            LOG.debug("Not scanned: {}", issue.describe());
        }
    }

    private ScanReport report() {
        List<String> roots = walker.targets().stream()
                .map(t -> (t.single() != null ? t.single() : t.root()).toString()).toList();
        return new ScanReport(roots, engine.rules().stream().map(WorkflowRule::id).toList(), scanned, ignored, withFindings,
                findingCount, mechanical, bySeverity, byRule, findings, issueCount, issues);
    }
}
