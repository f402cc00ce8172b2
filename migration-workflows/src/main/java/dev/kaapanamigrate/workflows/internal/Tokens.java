package dev.kaapanamigrate.workflows.internal;

import java.util.Arrays;

/**
 * The significant tokens of one Python source (names, numbers, strings, operators; comments and newlines are not
 * tokens), held in parallel arrays so that scanning thousands of files allocates little.
 */
public final class Tokens {

    /** An identifier or keyword. */
    public static final byte NAME = 1;
    /** A numeric literal. */
    public static final byte NUMBER = 2;
    /** A string literal, with its prefix and quotes; its content range excludes them. */
    public static final byte STRING = 3;
    /** An operator or delimiter. */
    public static final byte OP = 4;

    /** A string literal that is a statement of its own: a docstring or a string used as a comment. */
    public static final int STANDALONE = 1;
    /** The first token of a statement. */
    public static final int STATEMENT_START = 2;
    /** A string literal inside a replacement field of an f-string. */
    public static final int NESTED = 4;
    /** A triple-quoted string literal. */
    public static final int TRIPLE = 8;

    private final String source;
    private final int[] lineStarts;
    private final int lineCount;
    private int size;
    private byte[] kind = new byte[256];
    private int[] start = new int[256];
    private int[] end = new int[256];
    private int[] contentStart = new int[256];
    private int[] contentEnd = new int[256];
    private int[] flags = new int[256];
    private int[] callee = new int[256];
    private int[] partner = new int[256];

    Tokens(String source, int[] lineStarts, int lineCount) {
        this.source = source;
        this.lineStarts = lineStarts;
        this.lineCount = lineCount;
    }

    int add(byte k, int s, int e, int flag, int calleeToken) {
        if (size == kind.length) {
            int n = size * 2;
            kind = Arrays.copyOf(kind, n);
            start = Arrays.copyOf(start, n);
            end = Arrays.copyOf(end, n);
            contentStart = Arrays.copyOf(contentStart, n);
            contentEnd = Arrays.copyOf(contentEnd, n);
            flags = Arrays.copyOf(flags, n);
            callee = Arrays.copyOf(callee, n);
            partner = Arrays.copyOf(partner, n);
        }
        kind[size] = k;
        start[size] = s;
        end[size] = e;
        contentStart[size] = s;
        contentEnd[size] = e;
        flags[size] = flag;
        callee[size] = calleeToken;
        partner[size] = -1;
        return size++;
    }

    void setString(int i, int e, int cs, int ce, int flag) {
        end[i] = e;
        contentStart[i] = cs;
        contentEnd[i] = ce;
        flags[i] |= flag;
    }

    void addFlag(int i, int flag) {
        flags[i] |= flag;
    }

    void pair(int open, int close) {
        partner[open] = close;
        partner[close] = open;
    }

    /**
     * The source text.
     *
     * @return the source
     */
    public String source() {
        return source;
    }

    /**
     * The number of tokens.
     *
     * @return the count
     */
    public int size() {
        return size;
    }

    /**
     * A token's kind.
     *
     * @param i the token
     * @return {@link #NAME}, {@link #NUMBER}, {@link #STRING} or {@link #OP}
     */
    public byte kind(int i) {
        return kind[i];
    }

    /**
     * Where a token starts in the source.
     *
     * @param i the token
     * @return the offset
     */
    public int start(int i) {
        return start[i];
    }

    /**
     * Where a token ends in the source (exclusive).
     *
     * @param i the token
     * @return the offset
     */
    public int end(int i) {
        return end[i];
    }

    /**
     * Where a string's content starts (after prefix and opening quotes); the token start for other kinds.
     *
     * @param i the token
     * @return the offset
     */
    public int contentStart(int i) {
        return contentStart[i];
    }

    /**
     * Where a string's content ends (before the closing quotes); the token end for other kinds.
     *
     * @param i the token
     * @return the offset
     */
    public int contentEnd(int i) {
        return contentEnd[i];
    }

    /**
     * Whether a token has a flag.
     *
     * @param i    the token
     * @param flag one of the flag constants
     * @return whether it has it
     */
    public boolean is(int i, int flag) {
        return (flags[i] & flag) != 0;
    }

    /**
     * The NAME token right before the call parenthesis that directly encloses this token, as in
     * {@code DAG(dag_id="x")} for the string, or -1 when the innermost bracket is no call of a name.
     *
     * @param i the token
     * @return the callee token or -1
     */
    public int callee(int i) {
        return callee[i];
    }

    /**
     * The matching bracket of a bracket token.
     *
     * @param i the token
     * @return the partner token or -1
     */
    public int partner(int i) {
        return partner[i];
    }

    /**
     * A token's source text (strings with prefix and quotes).
     *
     * @param i the token
     * @return the text
     */
    public String text(int i) {
        return source.substring(start[i], end[i]);
    }

    /**
     * A string's content as written between the quotes (escapes not decoded); the text for other kinds.
     *
     * @param i the token
     * @return the content
     */
    public String content(int i) {
        return source.substring(contentStart[i], contentEnd[i]);
    }

    /**
     * Whether a token's content (a string's content, else its text) equals {@code s}, without allocating.
     *
     * @param i the token
     * @param s the text
     * @return whether equal
     */
    public boolean contentEquals(int i, String s) {
        int len = contentEnd[i] - contentStart[i];
        return len == s.length() && source.regionMatches(contentStart[i], s, 0, len);
    }

    /**
     * Whether a token's content (a string's content, else its text) contains {@code s}, without allocating.
     *
     * @param i the token
     * @param s the text
     * @return whether it occurs
     */
    public boolean contentContains(int i, String s) {
        int len = s.length();
        if (len == 0) {
            return true;
        }
        char first = s.charAt(0);
        for (int p = contentStart[i], last = contentEnd[i] - len; p <= last; p++) {
            if (source.charAt(p) == first && source.regionMatches(p, s, 0, len)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether an OP token is exactly {@code c}.
     *
     * @param i the token
     * @param c the operator character
     * @return whether it is that one-character operator
     */
    public boolean isOp(int i, char c) {
        return i >= 0 && i < size && kind[i] == OP && end[i] - start[i] == 1 && source.charAt(start[i]) == c;
    }

    /**
     * Whether a NAME token is exactly {@code s}.
     *
     * @param i the token
     * @param s the name
     * @return whether it is that name
     */
    public boolean isName(int i, String s) {
        return i >= 0 && i < size && kind[i] == NAME && contentEquals(i, s);
    }

    /**
     * The 1-based line of a source offset.
     *
     * @param offset the offset
     * @return the line
     */
    public int line(int offset) {
        return lineOf(lineStarts, lineCount, offset);
    }

    /**
     * The 1-based column of a source offset, in code points.
     *
     * @param offset the offset
     * @return the column
     */
    public int column(int offset) {
        int lineStart = lineStarts[line(offset) - 1];
        return source.codePointCount(lineStart, offset) + 1;
    }

    static int lineOf(int[] lineStarts, int lineCount, int offset) {
        int i = Arrays.binarySearch(lineStarts, 0, lineCount, offset);
        return i >= 0 ? i + 1 : -i - 1;
    }
}
