package dev.kaapanamigrate.workflows.internal;

import java.util.Arrays;
import java.util.Set;

/**
 * A Python 3 tokenizer good enough to tell code from comments and string literals: single, double and triple quotes,
 * the prefixes r/b/u/f (and combinations such as {@code rb}, {@code Rf}), escapes, f-string replacement fields (with
 * string literals nested in them, also the same quote as Python 3.12 allows), line continuations and bracket nesting.
 * It reports what Python itself would refuse and what makes the rest unreadable: an unterminated string, unbalanced
 * brackets, characters that cannot appear outside strings. It does not check the grammar beyond that.
 */
public final class PyTokenizer {

    /** The source cannot be tokenized; the message says what and where. */
    public static final class SyntaxProblem extends Exception {
        private static final long serialVersionUID = 1L;
        private final int line;

        SyntaxProblem(int line, String message) {
            super(message);
            this.line = line;
        }

        /**
         * The 1-based line of the problem.
         *
         * @return the line
         */
        public int line() {
            return line;
        }
    }

    /** Python's keywords: a parenthesis after one of these is no call. */
    private static final Set<String> KEYWORDS = Set.of("False", "None", "True", "and", "as", "assert", "async", "await",
            "break", "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if",
            "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with",
            "yield");

    private boolean isKeyword(int token) {
        int len = t.end(token) - t.start(token);
        char first = s.charAt(t.start(token));
        // keywords are 2 to 8 ASCII letters; most names are ruled out without building a string
        return len >= 2 && len <= 8 && (first >= 'a' && first <= 'z' || first == 'F' || first == 'N' || first == 'T')
                && KEYWORDS.contains(t.text(token));
    }

    private static final String[] OPS3 = {"**=", "//=", ">>=", "<<=", "..."};
    private static final String[] OPS2 = {"->", ":=", "==", "!=", "<=", ">=", "**", "//", "<<", ">>", "+=", "-=", "*=",
            "/=", "%=", "&=", "|=", "^=", "@="};
    private static final String OPS1 = "()[]{},:;.+-*/%&|^~<>=@";

    private final String s;
    private final int n;
    private final Tokens t;
    private final int[] lineStarts;
    private final int lineCount;
    private int pos;
    // The bracket stack: the bracket's token, its character and the callee of a call parenthesis.
    private int depth;
    private int[] stackToken = new int[32];
    private char[] stackChar = new char[32];
    private int[] stackCallee = new int[32];
    // The next significant token starts a statement.
    private boolean statementStart = true;
    // A run of string tokens that started a statement: a docstring unless something other than a newline follows.
    private int runStart = -1;
    private int runEnd = -1;

    private PyTokenizer(String source) {
        this.s = source;
        this.n = source.length();
        int[] starts = new int[Math.max(16, n / 32)];
        int count = 0;
        starts[count++] = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= n || s.charAt(i + 1) != '\n'))) {
                if (count == starts.length) {
                    starts = Arrays.copyOf(starts, count * 2);
                }
                starts[count++] = i + 1;
            }
        }
        this.lineStarts = starts;
        this.lineCount = count;
        this.t = new Tokens(source, starts, count);
    }

    /**
     * Tokenizes a source.
     *
     * @param source the decoded source
     * @return the tokens
     * @throws SyntaxProblem when the source is not tokenizable Python
     */
    public static Tokens tokenize(String source) throws SyntaxProblem {
        PyTokenizer z = new PyTokenizer(source);
        z.run();
        return z.t;
    }

    private int line(int offset) {
        return Tokens.lineOf(lineStarts, lineCount, offset);
    }

    private SyntaxProblem problem(int offset, String message) {
        return new SyntaxProblem(line(offset), message + " (line " + line(offset) + ")");
    }

    private void run() throws SyntaxProblem {
        if (n > 0 && s.charAt(0) == '\uFEFF') {
            pos = 1;
        }
        while (pos < n) {
            char c = s.charAt(pos);
            switch (c) {
                case ' ', '\t', '\f' -> pos++;
                case '\n', '\r' -> {
                    pos += (c == '\r' && pos + 1 < n && s.charAt(pos + 1) == '\n') ? 2 : 1;
                    if (depth == 0) {
                        endStatement();
                    }
                }
                case '#' -> {
                    while (pos < n && s.charAt(pos) != '\n' && s.charAt(pos) != '\r') {
                        pos++;
                    }
                }
                case '\\' -> {
                    int p = pos + 1;
                    if (p < n && s.charAt(p) == '\r') {
                        p++;
                    }
                    if (p < n && s.charAt(p) == '\n') {
                        p++;
                    } else if (p == pos + 1) {
                        throw problem(pos, "unexpected character after line continuation character");
                    }
                    pos = p;
                }
                case '\'', '"' -> string(pos, pos, false);
                default -> {
                    if (c >= '0' && c <= '9' || c == '.' && pos + 1 < n && isDigit(s.charAt(pos + 1))) {
                        number();
                    } else if (isIdentifierStart(c)) {
                        name();
                    } else {
                        operator(c);
                    }
                }
            }
        }
        if (depth > 0) {
            int open = t.start(stackToken[depth - 1]);
            throw problem(open, "'" + stackChar[depth - 1] + "' opened here is never closed");
        }
        endStatement();
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private boolean isIdentifierStart(char c) {
        if (c < 128) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
        }
        return Character.isUnicodeIdentifierStart(s.codePointAt(pos));
    }

    private boolean isIdentifierPart(int p) {
        char c = s.charAt(p);
        if (c < 128) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= '0' && c <= '9';
        }
        return Character.isUnicodeIdentifierPart(s.codePointAt(p));
    }

    /** A logical line ended (or a {@code ;}): a docstring run still open is standalone. */
    private void endStatement() {
        if (runStart >= 0) {
            for (int i = runStart; i <= runEnd; i++) {
                t.addFlag(i, Tokens.STANDALONE);
            }
            // Strings nested in f-strings of the run come right after it.
            for (int i = runEnd + 1; i < t.size() && t.is(i, Tokens.NESTED); i++) {
                t.addFlag(i, Tokens.STANDALONE);
            }
            runStart = -1;
        }
        statementStart = true;
    }

    private int calleeHere() {
        return depth > 0 && stackChar[depth - 1] == '(' ? stackCallee[depth - 1] : -1;
    }

    private int emit(byte kind, int start, int end) {
        int flag = statementStart ? Tokens.STATEMENT_START : 0;
        if (kind == Tokens.STRING) {
            if (statementStart) {
                runStart = t.size();
                runEnd = runStart;
            } else if (runStart >= 0 && runEnd == lastOuterToken()) {
                runEnd = t.size(); // implicit concatenation continues the run
            } else {
                runStart = -1;
            }
        } else {
            runStart = -1;
        }
        statementStart = false;
        return t.add(kind, start, end, flag, calleeHere());
    }

    /** The last token that is not a string nested in an f-string. */
    private int lastOuterToken() {
        int i = t.size() - 1;
        while (i >= 0 && t.is(i, Tokens.NESTED)) {
            i--;
        }
        return i;
    }

    private void number() {
        int start = pos;
        if (s.charAt(pos) == '0' && pos + 1 < n && "xXoObB".indexOf(s.charAt(pos + 1)) >= 0) {
            pos += 2;
            while (pos < n && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
                pos++;
            }
        } else {
            while (pos < n && (isDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
                pos++;
            }
            if (pos < n && s.charAt(pos) == '.') {
                pos++;
                while (pos < n && (isDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
                    pos++;
                }
            }
            if (pos < n && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                int q = pos + 1;
                if (q < n && (s.charAt(q) == '+' || s.charAt(q) == '-')) {
                    q++;
                }
                if (q < n && isDigit(s.charAt(q))) {
                    pos = q;
                    while (pos < n && (isDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
                        pos++;
                    }
                }
            }
            if (pos < n && (s.charAt(pos) == 'j' || s.charAt(pos) == 'J')) {
                pos++;
            }
        }
        emit(Tokens.NUMBER, start, pos);
    }

    private void name() throws SyntaxProblem {
        int start = pos;
        pos += Character.charCount(s.codePointAt(pos));
        while (pos < n && isIdentifierPart(pos)) {
            pos += Character.charCount(s.codePointAt(pos));
        }
        if (pos < n && (s.charAt(pos) == '"' || s.charAt(pos) == '\'') && isStringPrefix(start, pos)) {
            string(start, pos, false);
            return;
        }
        emit(Tokens.NAME, start, pos);
    }

    /** r, u, f, b, t and the two-letter combinations Python accepts, in any case. */
    private boolean isStringPrefix(int start, int end) {
        int len = end - start;
        if (len == 1) {
            return "rRuUfFbBtT".indexOf(s.charAt(start)) >= 0;
        }
        if (len == 2) {
            char a = Character.toLowerCase(s.charAt(start));
            char b = Character.toLowerCase(s.charAt(start + 1));
            return a == 'r' && (b == 'b' || b == 'f' || b == 't') || b == 'r' && (a == 'b' || a == 'f' || a == 't');
        }
        return false;
    }

    /**
     * A string literal whose prefix spans {@code start..quote}; the token is added before strings nested in its
     * replacement fields, which follow it.
     */
    private void string(int start, int quote, boolean nested) throws SyntaxProblem {
        boolean formatted = false;
        for (int i = start; i < quote; i++) {
            char c = Character.toLowerCase(s.charAt(i));
            formatted |= c == 'f' || c == 't';
        }
        char q = s.charAt(quote);
        boolean triple = quote + 2 < n && s.charAt(quote + 1) == q && s.charAt(quote + 2) == q;
        int contentStart = quote + (triple ? 3 : 1);
        int token = nested ? t.add(Tokens.STRING, start, start, Tokens.NESTED, calleeHere()) : emit(Tokens.STRING, start, start);
        int close = body(start, contentStart, q, triple, formatted);
        int end = close + (triple ? 3 : 1);
        t.setString(token, end, contentStart, close, triple ? Tokens.TRIPLE : 0);
        pos = end;
    }

    /** Scans a string's content from {@code p}; returns the offset of its closing quote. */
    private int body(int start, int p, char q, boolean triple, boolean formatted) throws SyntaxProblem {
        while (true) {
            if (p >= n) {
                throw unterminated(start, triple);
            }
            char c = s.charAt(p);
            if (c == '\\') {
                p += (p + 2 < n && s.charAt(p + 1) == '\r' && s.charAt(p + 2) == '\n') ? 3 : 2;
            } else if (c == q && (!triple || p + 2 < n && s.charAt(p + 1) == q && s.charAt(p + 2) == q)) {
                return p;
            } else if (c == '\n' || c == '\r') {
                if (!triple) {
                    throw unterminated(start, false);
                }
                p++;
            } else if (formatted && c == '{') {
                if (p + 1 < n && s.charAt(p + 1) == '{') {
                    p += 2;
                } else {
                    p = field(start, p + 1, q, triple);
                }
            } else {
                p++;
            }
        }
    }

    /** An f-string replacement field's expression from {@code p}; returns the offset after its closing brace. */
    private int field(int start, int p, char q, boolean triple) throws SyntaxProblem {
        int level = 0;
        while (true) {
            if (p >= n) {
                throw unterminated(start, triple);
            }
            char c = s.charAt(p);
            if (c == '\'' || c == '"') {
                pos = p;
                string(p, p, true);
                p = pos;
            } else if (c < 128 && (Character.isLetter(c) || c == '_')) {
                int e = p + 1;
                while (e < n && isIdentifierPart(e)) {
                    e++;
                }
                if (e < n && (s.charAt(e) == '\'' || s.charAt(e) == '"') && isStringPrefix(p, e)) {
                    pos = p;
                    string(p, e, true);
                    p = pos;
                } else {
                    p = e;
                }
            } else if (c == '(' || c == '[' || c == '{') {
                level++;
                p++;
            } else if (c == ')' || c == ']') {
                level--;
                p++;
            } else if (c == '}') {
                if (level == 0) {
                    return p + 1;
                }
                level--;
                p++;
            } else if (c == ':' && level == 0) {
                return formatSpec(start, p + 1, q, triple);
            } else if ((c == '\n' || c == '\r') && !triple) {
                throw unterminated(start, false);
            } else {
                p++;
            }
        }
    }

    private int formatSpec(int start, int p, char q, boolean triple) throws SyntaxProblem {
        while (true) {
            if (p >= n) {
                throw unterminated(start, triple);
            }
            char c = s.charAt(p);
            if (c == '{') {
                p = field(start, p + 1, q, triple);
            } else if (c == '}') {
                return p + 1;
            } else if (c == q || (c == '\n' || c == '\r') && !triple) {
                throw problem(p, "f-string: expecting '}' in the format specification of the string starting at line "
                        + line(start));
            } else {
                p++;
            }
        }
    }

    private SyntaxProblem unterminated(int start, boolean triple) {
        return new SyntaxProblem(line(start), (triple ? "unterminated triple-quoted string literal" : "unterminated string literal")
                + " starting at line " + line(start));
    }

    private void operator(char c) throws SyntaxProblem {
        int start = pos;
        int len = switch (c) {
            // delimiters that never start a longer operator
            case '(', ')', '[', ']', '{', '}', ',', ';', '~' -> 1;
            default -> longestOperator(c);
        };
        if (len == 0) {
            int cp = s.codePointAt(pos);
            throw problem(pos, "invalid character '" + new String(Character.toChars(cp)) + "' (U+"
                    + String.format("%04X", cp) + ") outside strings and comments");
        }
        pos += len;
        if (len == 1 && (c == '(' || c == '[' || c == '{')) {
            int callee = -1;
            int prev = t.size() - 1;
            if (c == '(' && prev >= 0 && t.kind(prev) == Tokens.NAME && !t.is(prev, Tokens.NESTED)
                    && !isKeyword(prev)) {
                callee = prev;
            }
            int token = emit(Tokens.OP, start, pos);
            push(token, c, callee);
        } else if (len == 1 && (c == ')' || c == ']' || c == '}')) {
            char open = c == ')' ? '(' : c == ']' ? '[' : '{';
            if (depth == 0) {
                throw problem(start, "unmatched '" + c + "'");
            }
            if (stackChar[depth - 1] != open) {
                throw problem(start, "closing '" + c + "' does not match '" + stackChar[depth - 1] + "' opened at line "
                        + line(t.start(stackToken[depth - 1])));
            }
            depth--;
            int token = emit(Tokens.OP, start, pos);
            t.pair(stackToken[depth], token);
        } else if (len == 1 && c == ';' && depth == 0) {
            endStatement(); // a string statement before the ';' is standalone
            emit(Tokens.OP, start, pos);
            statementStart = true;
        } else {
            emit(Tokens.OP, start, pos);
        }
    }

    /** The length of the operator at {@code pos}: three, two or one characters, or 0 for none. */
    private int longestOperator(char c) {
        for (String op : OPS3) {
            if (op.charAt(0) == c && s.startsWith(op, pos)) {
                return 3;
            }
        }
        for (String op : OPS2) {
            if (op.charAt(0) == c && s.startsWith(op, pos)) {
                return 2;
            }
        }
        return OPS1.indexOf(c) >= 0 ? 1 : 0;
    }

    private void push(int token, char c, int callee) {
        if (depth == stackToken.length) {
            stackToken = Arrays.copyOf(stackToken, depth * 2);
            stackChar = Arrays.copyOf(stackChar, depth * 2);
            stackCallee = Arrays.copyOf(stackCallee, depth * 2);
        }
        stackToken[depth] = token;
        stackChar[depth] = c;
        stackCallee[depth] = callee;
        depth++;
    }
}
