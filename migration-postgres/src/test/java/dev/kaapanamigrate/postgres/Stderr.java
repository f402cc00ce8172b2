package dev.kaapanamigrate.postgres;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** What tests read of the steps' log: slf4j-simple writes to stderr. */
final class Stderr {

    private Stderr() {
    }

    /**
     * Runs the work with stderr captured; what was captured is passed on to the real stderr too.
     *
     * @param work the work
     * @return what it wrote to stderr
     * @throws Exception what the work threw
     */
    static String capturing(Callable<?> work) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            work.call();
        } finally {
            System.setErr(original);
        }
        String captured = bytes.toString(StandardCharsets.UTF_8);
        original.print(captured);
        return captured;
    }
}
