package dev.kaapanamigrate.workflows;

import dev.kaapanamigrate.core.CrashPoints;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepFailedException;
import dev.kaapanamigrate.workflows.internal.FileWrites;
import dev.kaapanamigrate.workflows.internal.PyTokenizer;
import dev.kaapanamigrate.workflows.internal.RuleEngine;
import dev.kaapanamigrate.workflows.internal.ScanRun;
import dev.kaapanamigrate.workflows.internal.SourceFile;
import dev.kaapanamigrate.workflows.internal.SourceReader;
import dev.kaapanamigrate.workflows.internal.Tokens;
import dev.kaapanamigrate.workflows.internal.UnifiedDiff;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the mechanical rewrites of a {@link WorkflowScanner}'s rules. {@link #plan()} shows per file the unified diff
 * and writes nothing; {@link #apply()} writes each file atomically after keeping the original beside it as
 * {@code <file>}{@value #BACKUP_SUFFIX}. Only findings marked {@link Finding#mechanical()} are rewritten; the rest need
 * a person. Rewriting twice changes nothing the second time.
 *
 * <p>Call {@link #apply()} only while the platform is undeployed and after the installation was backed up: Airflow
 * reloads a changed DAG file at once, so rewriting live DAGs would change running workflows.
 * {@link RewriteWorkflowsStep} does that in a plan.
 *
 * <pre>{@code
 * WorkflowRewriter rewriter = WorkflowRewriter.of(WorkflowScanner.forKaapana(fast).build());
 * RewritePlan plan = rewriter.plan();            // dry-run: the diffs, nothing written
 * log.info("{}", plan.patch());
 * RewritePlan done = rewriter.apply();           // writes; originals kept as <file>.kaapana-migrate-0.4.bak
 * }</pre>
 */
public final class WorkflowRewriter {

    /**
     * Appended to a rewritten file's name for the copy of its original. It does not end in {@code .py}, so neither
     * Airflow's DAG folder scan nor its plugin loader picks the copy up, and it lies in the same folder, so it is found
     * next to the file and restored with a plain {@code mv}.
     */
    public static final String BACKUP_SUFFIX = FileWrites.BACKUP_SUFFIX;

    private static final Logger LOG = LoggerFactory.getLogger(WorkflowRewriter.class);

    private final WorkflowScanner scanner;

    private WorkflowRewriter(WorkflowScanner scanner) {
        this.scanner = scanner;
    }

    /**
     * A rewriter for the scanner's folders and rules.
     *
     * @param scanner the scanner
     * @return the rewriter
     */
    public static WorkflowRewriter of(WorkflowScanner scanner) {
        return new WorkflowRewriter(Objects.requireNonNull(scanner, "scanner"));
    }

    /**
     * The scanner.
     *
     * @return the scanner
     */
    public WorkflowScanner scanner() {
        return scanner;
    }

    /**
     * Scans and computes the rewrite without writing anything.
     *
     * @return the files with their diffs, and the files refused
     */
    public RewritePlan plan() {
        return plan(scanner.progress());
    }

    /**
     * Scans and computes the rewrite without writing anything.
     *
     * @param progress receives the scan's progress
     * @return the files with their diffs, and the files refused
     */
    public RewritePlan plan(ScanProgress progress) {
        List<FileRewrite> files = new ArrayList<>();
        List<FileIssue> refused = new ArrayList<>();
        ScanReport scan = new ScanRun(scanner.walker(), scanner.engine(), scanner.maxFileSize(), scanner.maxFindingsKept(),
                progress, new ScanRun.Hook() {
                    @Override
                    public void scanned(SourceFile source, Tokens tokens, List<RuleEngine.Hit> hits) {
                        Outcome o = rewrite(source, tokens, hits);
                        if (o.rewrite() != null) {
                            files.add(o.rewrite());
                        }
                        if (o.refused() != null) {
                            refused.add(o.refused());
                        }
                    }

                    @Override
                    public void issue(FileIssue issue) {
                        if (cannotTell(issue)) {
                            refused.add(issue);
                        }
                    }
                }).run();
        return new RewritePlan(files, refused, scan);
    }

    /**
     * Rewrites every file with mechanical findings: refuses with nothing written when any file is refused (a backup
     * that differs from the file, a rewrite that would not tokenize); otherwise for each file writes the backup (unless
     * an identical one is left from an interrupted run), then the new content, both atomically and flushed.
     *
     * @return what was written
     * @throws PreconditionFailedException when a file is refused; nothing was written
     * @throws StepFailedException         when a write fails; the files written before stay rewritten (with their
     *                                     backups) and a new apply completes the rest
     */
    public RewritePlan apply() {
        return apply(scanner.progress());
    }

    /**
     * Rewrites every file with mechanical findings; see {@link #apply()}.
     *
     * @param progress receives the scan's progress
     * @return what was written
     */
    public RewritePlan apply(ScanProgress progress) {
        RewritePlan plan = plan(progress);
        if (!plan.refused().isEmpty()) {
            throw new PreconditionFailedException(refusal(plan.refused()));
        }
        List<FileRewrite> written = new ArrayList<>();
        for (FileRewrite f : plan.files()) {
            FileRewrite done = write(f);
            if (done != null) {
                written.add(done);
            }
        }
        LOG.info("Rewrote {} workflow files (originals kept as *{})", written.size(), BACKUP_SUFFIX);
        return new RewritePlan(written, List.of(), plan.scan());
    }

    /**
     * Whether a file the scan could not read keeps the rewrite from knowing what to change: unreadable, or binary where
     * Python source belongs. Whether such a file uses what 0.5 renamed cannot be told, so the rewrite refuses rather than
     * upgrade around it. A root that does not exist holds nothing to rewrite; undecodable, too large and unparsable
     * files are read and reported by the scan (Airflow cannot load them either).
     */
    private static boolean cannotTell(FileIssue issue) {
        if (issue.kind() != FileIssue.Kind.UNREADABLE && issue.kind() != FileIssue.Kind.BINARY) {
            return false;
        }
        return !issue.file().isEmpty() || Files.exists(Path.of(issue.root()), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * The problem that stops a rewrite, listing every refused file: a conflicting backup, a rewrite that would not
     * tokenize, or a file that cannot be read as Python source.
     *
     * @param refused the refused files
     * @return the problem
     */
    static Problem refusal(List<FileIssue> refused) {
        List<FileIssue> unreadable = refused.stream().filter(WorkflowRewriter::cannotTell).toList();
        String found = refused.size() + " workflow file(s) cannot be rewritten; nothing was written: "
                + refused.stream().map(i -> i.root() + (i.file().isEmpty() ? "" : "/" + i.describe()))
                .collect(Collectors.joining("; "));
        List<String> expected = new ArrayList<>();
        List<String> fix = new ArrayList<>();
        if (unreadable.size() < refused.size()) {
            expected.add("no backup beside a file to rewrite, or one identical to the file (left by an interrupted run)");
            fix.add("move each conflicting " + BACKUP_SUFFIX + " file aside after checking which content is the "
                    + "original, fix or exclude files whose rewrite is refused");
        }
        if (!unreadable.isEmpty()) {
            found += " (" + unreadable.size() + " cannot be read as Python source, so whether they use what Kaapana "
                    + "0.5 renamed cannot be checked)";
            expected.add("every workflow file readable Python source (UTF-8 text without NUL bytes)");
            fix.add("make each unreadable file readable, or move it out of the workflow folders (Airflow cannot load "
                    + "it either), or leave it out of the scan with WorkflowScanner.Builder.exclude(glob)");
        }
        return Problem.of(CoreErrorCode.PRECONDITION_FAILED, found, String.join("; ", expected),
                String.join("; ", fix) + "; then run again");
    }

    /** A file's rewrite, or why it is refused, or neither (nothing mechanical). */
    private record Outcome(FileRewrite rewrite, FileIssue refused) {
    }

    private Outcome rewrite(SourceFile source, Tokens tokens, List<RuleEngine.Hit> hits) {
        List<RuleEngine.Edit> edits = new ArrayList<>();
        Map<String, Integer> byRule = new LinkedHashMap<>();
        for (RuleEngine.Hit h : hits) {
            if (h.mechanical()) {
                edits.addAll(h.edits());
                byRule.merge(scanner.engine().rules().get(h.rule()).id(), 1, Integer::sum);
            }
        }
        if (edits.isEmpty()) {
            return new Outcome(null, null);
        }
        String root = source.root().toString();
        String text = source.text();
        String newText = RuleEngine.apply(text, 0, text.length(), edits);
        if (newText.equals(text)) {
            return new Outcome(null, null);
        }
        try {
            PyTokenizer.tokenize(newText);
        } catch (PyTokenizer.SyntaxProblem e) {
            return new Outcome(null, new FileIssue(root, source.rel(), FileIssue.Kind.REWRITE_REFUSED,
                    "the rewritten text would not tokenize (" + e.getMessage() + "); a rule's rewrite does not fit here", 0));
        }
        byte[] newBytes;
        try {
            newBytes = encode(source, newText);
        } catch (CharacterCodingException e) {
            return new Outcome(null, new FileIssue(root, source.rel(), FileIssue.Kind.REWRITE_REFUSED, "the rewritten text "
                    + "cannot be written in the file's encoding " + source.charset().name(), 0));
        }
        String backupRel = source.rel() + BACKUP_SUFFIX;
        Path backup = source.path().resolveSibling(source.path().getFileName() + BACKUP_SUFFIX);
        if (Files.exists(backup, LinkOption.NOFOLLOW_LINKS)) {
            boolean same;
            try {
                same = Files.isRegularFile(backup, LinkOption.NOFOLLOW_LINKS)
                        && Arrays.equals(Files.readAllBytes(backup), source.bytes());
            } catch (IOException e) {
                same = false;
            }
            if (!same) {
                return new Outcome(null, new FileIssue(root, source.rel(), FileIssue.Kind.BACKUP_CONFLICT, "the backup "
                        + backupRel + " exists and differs from the file's current content, so it may hold the only copy of "
                        + "an earlier original", 0));
            }
        }
        FileRewrite f = new FileRewrite(root, source.rel(), backupRel, source.charset().name(), FileWrites.sha256(source.bytes()),
                FileWrites.sha256(newBytes), byRule, UnifiedDiff.diff(source.rel(), text, edits));
        return new Outcome(f, null);
    }

    /** Writes one file from its current content (re-read: it is the truth now); null when nothing is left to do. */
    private FileRewrite write(FileRewrite planned) {
        Path root = Path.of(planned.root());
        Path path = root.resolve(planned.file());
        try {
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("it is no longer a regular file");
            }
            byte[] bytes = Files.readAllBytes(path);
            SourceReader.Result read = SourceReader.decode(root, path, planned.file(), bytes);
            if (!(read instanceof SourceReader.Read r)) {
                throw new IOException("it can no longer be decoded");
            }
            ScanRun.Analysis a = ScanRun.analyze(scanner.engine(), r.file().text());
            if (a.problem() != null) {
                throw new IOException("it no longer tokenizes: " + a.problem().getMessage());
            }
            Outcome o = rewrite(r.file(), a.tokens(), a.hits());
            if (o.refused() != null) {
                throw new PreconditionFailedException(refusal(List.of(o.refused())));
            }
            if (o.rewrite() == null) {
                return null;
            }
            FileRewrite f = o.rewrite();
            Path backup = path.resolveSibling(path.getFileName() + BACKUP_SUFFIX);
            FileTime mtime = Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS);
            if (!Files.exists(backup, LinkOption.NOFOLLOW_LINKS)) {
                FileWrites.writeAtomically(backup, bytes, path, mtime);
                CrashPoints.reach("workflows.rewrite:original-kept", planned.file());
            }
            String newText = RuleEngine.apply(r.file().text(), 0, r.file().text().length(), editsOf(a.hits()));
            FileWrites.writeAtomically(path, encode(r.file(), newText), path, null);
            CrashPoints.reach("workflows.rewrite:rewritten", planned.file());
            LOG.info("Rewrote {} ({}); original kept as {}", path, f.summary(), backup.getFileName());
            return f;
        } catch (IOException e) {
            throw new StepFailedException(CoreErrorCode.STEP_FAILED, "Rewriting " + path + " failed: " + e.getMessage()
                    + "; the file is unchanged (or fully rewritten, with its backup beside it). Fix the cause and run "
                    + "again: files already rewritten have nothing left to rewrite", e);
        }
    }

    private static byte[] encode(SourceFile source, String text) throws CharacterCodingException {
        ByteBuffer encoded = source.charset().newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(text));
        return Arrays.copyOf(encoded.array(), encoded.limit());
    }

    private static List<RuleEngine.Edit> editsOf(List<RuleEngine.Hit> hits) {
        List<RuleEngine.Edit> edits = new ArrayList<>();
        for (RuleEngine.Hit h : hits) {
            if (h.mechanical()) {
                edits.addAll(h.edits());
            }
        }
        return edits;
    }
}
