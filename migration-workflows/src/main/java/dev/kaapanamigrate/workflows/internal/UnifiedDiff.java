package dev.kaapanamigrate.workflows.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff built from the edits themselves (we know exactly which lines change, so no diff algorithm is needed):
 * 3 lines of context, hunks closer than 6 lines merged, {@code \ No newline at end of file} where it applies, so that
 * {@code patch -p1} and {@code git apply} take it.
 */
public final class UnifiedDiff {

    /** Lines of context around each change. */
    public static final int CONTEXT = 3;

    private UnifiedDiff() {
    }

    /** One line without its terminator, and whether it had one. */
    private record Line(String text, boolean terminated) {
    }

    /** Changed old lines {@code a..b} (0-based, inclusive) and what replaces them. */
    private record Group(int a, int b, List<Line> replacement) {
    }

    /**
     * The diff of applying {@code edits} to {@code text}.
     *
     * @param path  the file's path as shown after {@code a/} and {@code b/}
     * @param text  the old text
     * @param edits the edits, sorted and not overlapping
     * @return the unified diff, or {@code ""} when nothing changes
     */
    public static String diff(String path, String text, List<RuleEngine.Edit> edits) {
        List<Integer> starts = lineStarts(text);
        List<Line> old = split(text, 0, text.length());
        List<Group> groups = new ArrayList<>();
        int i = 0;
        while (i < edits.size()) {
            int a = lineOf(starts, edits.get(i).start());
            int b = lineOf(starts, Math.max(edits.get(i).start(), edits.get(i).end() - 1));
            int j = i + 1;
            while (j < edits.size() && lineOf(starts, edits.get(j).start()) <= b) {
                b = Math.max(b, lineOf(starts, Math.max(edits.get(j).start(), edits.get(j).end() - 1)));
                j++;
            }
            int from = starts.get(a);
            int to = b + 1 < starts.size() ? starts.get(b + 1) : text.length();
            String replaced = RuleEngine.apply(text, from, to, edits.subList(i, j));
            List<Line> lines = split(replaced, 0, replaced.length());
            if (!lines.equals(old.subList(a, b + 1))) {
                groups.add(new Group(a, b, lines));
            }
            i = j;
        }
        if (groups.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("--- a/").append(path).append('\n').append("+++ b/").append(path).append('\n');
        int delta = 0; // new line number minus old line number, before the current hunk
        int g = 0;
        while (g < groups.size()) {
            int h = g;
            while (h + 1 < groups.size() && groups.get(h + 1).a() - groups.get(h).b() - 1 <= 2 * CONTEXT) {
                h++;
            }
            int oldFrom = Math.max(0, groups.get(g).a() - CONTEXT);
            int oldTo = Math.min(old.size() - 1, groups.get(h).b() + CONTEXT);
            StringBuilder body = new StringBuilder();
            int newCount = 0;
            int at = oldFrom;
            int hunkDelta = 0;
            for (int k = g; k <= h; k++) {
                Group gr = groups.get(k);
                for (; at < gr.a(); at++) {
                    line(body, ' ', old.get(at));
                    newCount++;
                }
                for (int x = gr.a(); x <= gr.b(); x++) {
                    line(body, '-', old.get(x));
                }
                for (Line l : gr.replacement()) {
                    line(body, '+', l);
                    newCount++;
                }
                hunkDelta += gr.replacement().size() - (gr.b() - gr.a() + 1);
                at = gr.b() + 1;
            }
            for (; at <= oldTo; at++) {
                line(body, ' ', old.get(at));
                newCount++;
            }
            int oldCount = oldTo - oldFrom + 1;
            out.append("@@ -").append(range(oldFrom + 1, oldCount)).append(" +")
                    .append(range(oldFrom + 1 + delta, newCount)).append(" @@\n").append(body);
            delta += hunkDelta;
            g = h + 1;
        }
        return out.toString();
    }

    private static String range(int start, int count) {
        if (count == 1) {
            return String.valueOf(start);
        }
        return (count == 0 ? start - 1 : start) + "," + count;
    }

    private static void line(StringBuilder b, char prefix, Line l) {
        b.append(prefix).append(l.text()).append('\n');
        if (!l.terminated()) {
            b.append("\\ No newline at end of file\n");
        }
    }

    private static List<Integer> lineStarts(String text) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int k = 0; k < text.length(); k++) {
            if (text.charAt(k) == '\n' && k + 1 < text.length()) {
                starts.add(k + 1);
            }
        }
        return starts;
    }

    private static int lineOf(List<Integer> starts, int offset) {
        int lo = 0;
        int hi = starts.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts.get(mid) <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Lines split at {@code \n} ({@code \r} stays in the text, as diff tools expect for CRLF files). */
    private static List<Line> split(String text, int from, int to) {
        List<Line> lines = new ArrayList<>();
        int s = from;
        for (int k = from; k < to; k++) {
            if (text.charAt(k) == '\n') {
                lines.add(new Line(text.substring(s, k), true));
                s = k + 1;
            }
        }
        if (s < to) {
            lines.add(new Line(text.substring(s, to), false));
        }
        return lines;
    }
}
