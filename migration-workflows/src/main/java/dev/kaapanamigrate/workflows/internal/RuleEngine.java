package dev.kaapanamigrate.workflows.internal;

import dev.kaapanamigrate.workflows.ImportedSymbol;
import dev.kaapanamigrate.workflows.TokenMatcher;
import dev.kaapanamigrate.workflows.TokenPattern;
import dev.kaapanamigrate.workflows.WorkflowRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rules compiled for matching. Token patterns whose first matcher has an exact text are found through a hash of the
 * token's text, so a file is matched in one pass over its tokens whatever the number of rules; the hits are then
 * claimed in rule order (a token claimed by an earlier rule is not reported again).
 */
public final class RuleEngine {

    /** A replacement of {@code start..end} of the source. */
    public record Edit(int start, int end, String text) {
    }

    /**
     * One finding in one file, by source offsets.
     *
     * @param rule        the rule's index
     * @param start       where the offending text starts
     * @param end         where it ends
     * @param replacement the new text of the span (mechanical) or the rule's advice, or {@code null}
     * @param mechanical  whether the edits are applied by a rewrite
     * @param edits       the edits, empty unless mechanical
     */
    public record Hit(int rule, int start, int end, String replacement, boolean mechanical, List<Edit> edits) {
    }

    private static final class CMatcher {
        /** A regular expression that only lists words ({@code a|b-c}): matched as a set of exact texts. */
        private static final Pattern WORDS = Pattern.compile("[\\w-]+(?:\\|[\\w-]+)*");
        /** {@code (?s).*(a|b).*}: matched as "contains one of", with indexOf instead of backtracking. */
        private static final Pattern CONTAINS = Pattern.compile("(?:\\(\\?s\\))?\\.\\*\\(?([\\w-]+(?:\\|[\\w-]+)*)\\)?\\.\\*");

        final byte kind; // 0 = any
        final Set<String> texts; // exact texts, or null
        final String[] contains; // any of these inside, or null
        final Pattern regex;
        final Pattern callee;

        CMatcher(TokenMatcher m) {
            this.kind = switch (m.kind()) {
                case STRING -> Tokens.STRING;
                case NAME -> Tokens.NAME;
                case OP -> Tokens.OP;
                case NUMBER -> Tokens.NUMBER;
                case ANY -> 0;
            };
            String r = m.regex();
            Matcher containsShape = r == null ? null : CONTAINS.matcher(r);
            if (m.text() != null) {
                this.texts = Set.of(m.text());
                this.contains = null;
                this.regex = null;
            } else if (r != null && WORDS.matcher(r).matches()) {
                this.texts = Set.of(r.split("\\|"));
                this.contains = null;
                this.regex = null;
            } else if (containsShape != null && containsShape.matches() && (r.startsWith("(?s)") || kind != Tokens.STRING)) {
                this.texts = null;
                this.contains = containsShape.group(1).split("\\|");
                this.regex = null;
            } else {
                this.texts = null;
                this.contains = null;
                this.regex = r == null ? null : Pattern.compile(r);
            }
            this.callee = m.callee() == null ? null : Pattern.compile(m.callee());
        }

        boolean matches(Tokens t, int i) {
            if (kind != 0 && t.kind(i) != kind) {
                return false;
            }
            if (t.kind(i) == Tokens.STRING && t.is(i, Tokens.STANDALONE)) {
                return false; // docstrings and strings used as comments are never code
            }
            if (callee != null) {
                int c = t.callee(i); // the cheap test first
                if (c < 0 || !callee.matcher(t.source()).region(t.start(c), t.end(c)).matches()) {
                    return false;
                }
            }
            if (texts != null) {
                for (String x : texts) {
                    if (t.contentEquals(i, x)) {
                        return true;
                    }
                }
                return false;
            }
            if (contains != null) {
                for (String x : contains) {
                    if (t.contentContains(i, x)) {
                        return true;
                    }
                }
                return false;
            }
            return regex == null || regex.matcher(t.source()).region(t.contentStart(i), t.contentEnd(i)).matches();
        }
    }

    /** A rewrite template: literal parts and 0-based token references. */
    private record Template(List<Object> parts) {
        static Template of(String s) {
            List<Object> parts = new ArrayList<>();
            Matcher m = Pattern.compile("\\$\\{(\\d+)}").matcher(s);
            int last = 0;
            while (m.find()) {
                parts.add(s.substring(last, m.start()));
                parts.add(Integer.parseInt(m.group(1)) - 1);
                last = m.end();
            }
            parts.add(s.substring(last));
            return new Template(parts);
        }

        String expand(Tokens t, int first) {
            StringBuilder b = new StringBuilder();
            for (Object p : parts) {
                b.append(p instanceof Integer k ? t.content(first + k) : (String) p);
            }
            return b.toString();
        }
    }

    private static final class CPattern {
        final int id;
        final int rule;
        final CMatcher[] matchers;
        final Template[] rewrite;

        CPattern(int id, int rule, TokenPattern p) {
            this.id = id;
            this.rule = rule;
            this.matchers = p.tokens().stream().map(CMatcher::new).toArray(CMatcher[]::new);
            if (p.rewrite() == null) {
                this.rewrite = null;
            } else {
                this.rewrite = p.rewrite().stream().map(r -> r == null ? null : Template.of(r)).toArray(Template[]::new);
            }
        }

        boolean matchesAt(Tokens t, int i) {
            if (i + matchers.length > t.size()) {
                return false;
            }
            for (int k = 0; k < matchers.length; k++) {
                if (!matchers[k].matches(t, i + k)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<WorkflowRule> rules;
    private final List<CPattern> all = new ArrayList<>();
    private final Map<Integer, List<CPattern>> byFirstText = new HashMap<>();
    private final List<List<CPattern>> byFirstKind = new ArrayList<>(); // index: token kind; 0 = any kind
    private final boolean[] isSymbol;
    /** Per token kind, the lengths of exact first texts (up to 255): other tokens need no hash. */
    private final boolean[][] firstLength = new boolean[Tokens.OP + 1][256];
    private boolean longFirstText;

    /**
     * Compiles rules.
     *
     * @param rules the rules, in claim order
     */
    public RuleEngine(List<WorkflowRule> rules) {
        this.rules = List.copyOf(rules);
        this.isSymbol = new boolean[rules.size()];
        for (int k = 0; k <= Tokens.OP; k++) {
            byFirstKind.add(new ArrayList<>());
        }
        for (int r = 0; r < rules.size(); r++) {
            WorkflowRule rule = rules.get(r);
            if (rule.symbol() != null) {
                isSymbol[r] = true;
                continue;
            }
            for (TokenPattern p : rule.patterns()) {
                CPattern c = new CPattern(all.size(), r, p);
                all.add(c);
                CMatcher first = c.matchers[0];
                if (first.kind != 0 && first.texts != null) {
                    for (String text : first.texts) {
                        byFirstText.computeIfAbsent(key(first.kind, text), k -> new ArrayList<>()).add(c);
                        if (text.length() < 256) {
                            firstLength[first.kind][text.length()] = true;
                        } else {
                            longFirstText = true;
                        }
                    }
                } else {
                    byFirstKind.get(first.kind).add(c);
                }
            }
        }
    }

    /**
     * The rules, in claim order.
     *
     * @return the rules
     */
    public List<WorkflowRule> rules() {
        return rules;
    }

    private static int key(byte kind, CharSequence text) {
        return text.toString().hashCode() * 31 + kind;
    }

    private static int key(Tokens t, int i) {
        String s = t.source();
        int h = 0;
        for (int p = t.contentStart(i), e = t.contentEnd(i); p < e; p++) {
            h = 31 * h + s.charAt(p);
        }
        return h * 31 + t.kind(i);
    }

    /**
     * Matches every rule against one file's tokens.
     *
     * @param t the tokens
     * @return the hits, in source order
     */
    public List<Hit> match(Tokens t) {
        // One pass: every pattern match, by rule.
        List<List<int[]>> patternHits = new ArrayList<>(rules.size());
        for (int r = 0; r < rules.size(); r++) {
            patternHits.add(null);
        }
        List<CPattern> anyKind = byFirstKind.get(0);
        for (int i = 0, n = t.size(); i < n; i++) {
            int len = t.contentEnd(i) - t.contentStart(i);
            List<CPattern> exact = (len < 256 ? firstLength[t.kind(i)][len] : longFirstText) ? byFirstText.get(key(t, i)) : null;
            if (exact != null) {
                for (CPattern p : exact) {
                    collect(t, i, p, patternHits);
                }
            }
            for (CPattern p : byFirstKind.get(t.kind(i))) {
                collect(t, i, p, patternHits);
            }
            for (CPattern p : anyKind) {
                collect(t, i, p, patternHits);
            }
        }
        boolean[] claimed = new boolean[t.size()];
        List<Hit> hits = new ArrayList<>();
        Imports imports = null;
        for (int r = 0; r < rules.size(); r++) {
            if (isSymbol[r]) {
                if (imports == null) {
                    imports = Imports.parse(t);
                }
                symbolHits(t, r, imports, claimed, hits);
                continue;
            }
            List<int[]> found = patternHits.get(r);
            if (found == null) {
                continue;
            }
            found.sort(Comparator.comparingInt(a -> a[0]));
            for (int[] h : found) {
                patternHit(t, r, h[0], all.get(h[1]), claimed, hits);
            }
        }
        hits.sort(Comparator.comparingInt(Hit::start));
        return dropOverlaps(hits);
    }

    private void collect(Tokens t, int i, CPattern p, List<List<int[]>> hits) {
        if (!p.matchesAt(t, i)) {
            return;
        }
        List<int[]> list = hits.get(p.rule);
        if (list == null) {
            list = new ArrayList<>();
            hits.set(p.rule, list);
        }
        list.add(new int[] {i, p.id});
    }

    private void patternHit(Tokens t, int r, int first, CPattern p, boolean[] claimed, List<Hit> hits) {
        int last = first + p.matchers.length - 1;
        for (int k = first; k <= last; k++) {
            if (claimed[k]) {
                return;
            }
        }
        Arrays.fill(claimed, first, last + 1, true);
        WorkflowRule rule = rules.get(r);
        int start = t.start(first);
        int end = t.end(last);
        if (p.rewrite == null) {
            hits.add(new Hit(r, start, end, rule.replacement(), false, List.of()));
            return;
        }
        List<Edit> edits = new ArrayList<>();
        boolean valid = true;
        for (int k = 0; k < p.rewrite.length; k++) {
            if (p.rewrite[k] == null) {
                continue;
            }
            int i = first + k;
            String text = p.rewrite[k].expand(t, first);
            if (t.kind(i) == Tokens.STRING) {
                valid &= fitsInString(t, i, text);
                edits.add(new Edit(t.contentStart(i), t.contentEnd(i), text));
            } else {
                edits.add(new Edit(t.start(i), t.end(i), text));
            }
        }
        String replacement = apply(t.source(), start, end, edits);
        hits.add(valid ? new Hit(r, start, end, replacement, true, List.copyOf(edits))
                : new Hit(r, start, end, replacement, false, List.of()));
    }

    /**
     * A new string content must not end the literal early, escape anything, or open an f-string field; inside an
     * f-string field it must not hold the other quote either (Python before 3.12 ends the f-string there).
     */
    private static boolean fitsInString(Tokens t, int i, String content) {
        char quote = t.source().charAt(t.contentStart(i) - 1);
        boolean nested = t.is(i, Tokens.NESTED);
        boolean formatted = false;
        for (int p = t.start(i); p < t.contentStart(i); p++) {
            char c = Character.toLowerCase(t.source().charAt(p));
            formatted |= c == 'f' || c == 't';
        }
        for (int k = 0; k < content.length(); k++) {
            char c = content.charAt(k);
            if (c == quote || c == '\\' || c == '\n' || c == '\r' || formatted && (c == '{' || c == '}')
                    || nested && (c == '"' || c == '\'')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The text of {@code start..end} with edits applied (edits inside that span, in order).
     *
     * @param source the source
     * @param start  the span's start
     * @param end    the span's end
     * @param edits  the edits, sorted, not overlapping
     * @return the new text of the span
     */
    public static String apply(String source, int start, int end, List<Edit> edits) {
        StringBuilder b = new StringBuilder();
        int at = start;
        for (Edit e : edits) {
            b.append(source, at, e.start()).append(e.text());
            at = e.end();
        }
        return b.append(source, at, end).toString();
    }

    /** Mechanical hits whose edits overlap an earlier one's are reported, but not rewritten. */
    private static List<Hit> dropOverlaps(List<Hit> hits) {
        List<Hit> out = new ArrayList<>(hits.size());
        int lastEnd = -1;
        for (Hit h : hits) {
            if (!h.mechanical()) {
                out.add(h);
                continue;
            }
            int first = h.edits().get(0).start();
            if (first < lastEnd) {
                out.add(new Hit(h.rule(), h.start(), h.end(), h.replacement(), false, List.of()));
                continue;
            }
            lastEnd = h.edits().get(h.edits().size() - 1).end();
            out.add(h);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------ imported symbols

    private void symbolHits(Tokens t, int r, Imports imports, boolean[] claimed, List<Hit> hits) {
        WorkflowRule rule = rules.get(r);
        ImportedSymbol sym = rule.symbol();
        List<int[]> importSpans = new ArrayList<>(); // first, last token, mechanicalShape (1/0)
        Map<String, String[]> direct = new HashMap<>(); // local name -> []
        Map<String, String[]> viaModule = new HashMap<>(); // local name -> remaining path
        for (Imports.Statement st : imports.statements()) {
            boolean bindsHere = false;
            for (Imports.Binding b : st.bindings()) {
                for (String module : sym.modules()) {
                    String target = module + "." + sym.name();
                    if (b.star() && b.qualified().equals(module)) {
                        direct.put(sym.name(), new String[0]);
                        bindsHere = true;
                    } else if (!b.star() && b.qualified().equals(target)) {
                        direct.put(b.local(), new String[0]);
                        bindsHere = true;
                    } else if (!b.star() && target.startsWith(b.qualified() + ".")) {
                        viaModule.put(b.local(), target.substring(b.qualified().length() + 1).split("\\."));
                    }
                }
            }
            if (bindsHere) {
                boolean simple = st.fromImport() && st.bindings().size() == 1 && !st.bindings().get(0).star();
                importSpans.add(new int[] {st.first(), st.last(), simple ? 1 : 0});
            }
        }
        if (importSpans.isEmpty() && viaModule.isEmpty()) {
            return;
        }
        boolean mechanical = sym.rewritable();
        for (int[] s : importSpans) {
            mechanical &= s[2] == 1 && !anyClaimed(claimed, s[0], s[1]);
        }
        // Uses: names bound directly, and module aliases followed by the rest of the path.
        List<int[]> uses = new ArrayList<>(); // first, last token of the span, isCall, nameLast
        for (int i = 0, n = t.size(); i < n; i++) {
            if (t.kind(i) != Tokens.NAME || imports.inStatement(i) || t.isOp(i - 1, '.')) {
                continue;
            }
            int last;
            String name = t.content(i);
            if (direct.containsKey(name)) {
                if (i > 0 && (t.isName(i - 1, "def") || t.isName(i - 1, "class"))) {
                    continue;
                }
                last = i;
            } else if (viaModule.containsKey(name)) {
                String[] rest = viaModule.get(name);
                last = i;
                boolean ok = true;
                for (String part : rest) {
                    if (t.isOp(last + 1, '.') && t.isName(last + 2, part)) {
                        last += 2;
                    } else {
                        ok = false;
                        break;
                    }
                }
                if (!ok) {
                    continue;
                }
                mechanical = false; // a module alias stays bound to the rest of the module: not mechanical
            } else {
                continue;
            }
            int nameLast = last;
            boolean call = t.isOp(last + 1, '(') && t.partner(last + 1) > 0;
            if (call) {
                last = t.partner(last + 1);
                mechanical &= onlyDroppableArguments(t, nameLast + 1, last, sym.droppableKeywords());
            } else {
                mechanical = false;
            }
            mechanical &= !anyClaimed(claimed, i, last);
            uses.add(new int[] {i, last, call ? 1 : 0, nameLast});
        }
        for (int[] s : importSpans) {
            int start = t.start(s[0]);
            int end = t.end(s[1]);
            hits.add(mechanical ? new Hit(r, start, end, sym.rewriteImport(), true, List.of(new Edit(start, end, sym.rewriteImport())))
                    : new Hit(r, start, end, rule.replacement(), false, List.of()));
            Arrays.fill(claimed, s[0], s[1] + 1, true);
        }
        for (int[] u : uses) {
            int start = t.start(u[0]);
            int end = t.end(u[1]);
            hits.add(mechanical ? new Hit(r, start, end, sym.rewriteCall(), true, List.of(new Edit(start, end, sym.rewriteCall())))
                    : new Hit(r, start, end, rule.replacement(), false, List.of()));
            // A rewritten call drops its arguments: nothing inside is left to report.
            Arrays.fill(claimed, u[0], (mechanical ? u[1] : u[3]) + 1, true);
        }
    }

    private static boolean anyClaimed(boolean[] claimed, int first, int last) {
        for (int k = first; k <= last; k++) {
            if (claimed[k]) {
                return true;
            }
        }
        return false;
    }

    /** The arguments between {@code open} and {@code close} are none, or only keyword arguments in {@code allowed}. */
    private static boolean onlyDroppableArguments(Tokens t, int open, int close, List<String> allowed) {
        int i = open + 1;
        while (i < close) {
            if (t.kind(i) != Tokens.NAME || !allowed.contains(t.content(i)) || !t.isOp(i + 1, '=')) {
                return false;
            }
            i += 2;
            while (i < close && !t.isOp(i, ',')) {
                int p = t.partner(i);
                i = p > i ? p + 1 : i + 1;
            }
            i++; // past the comma
        }
        return true;
    }
}
