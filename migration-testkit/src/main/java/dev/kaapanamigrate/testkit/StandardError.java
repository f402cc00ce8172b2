package dev.kaapanamigrate.testkit;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * What a test reads of the library's log when slf4j-simple writes it to standard error: for example, that a step said
 * why it took a path, or that no secret was logged.
 *
 * <pre>{@code
 * String log = StandardError.capturing(() -> step.apply(ctx));
 * assertThat(log).contains("counted again");
 * }</pre>
 */
public final class StandardError {

    private StandardError() {
    }

    /**
     * Runs the work with standard error captured; what was captured is passed on to the real standard error too.
     *
     * @param work the work
     * @return what it wrote to standard error
     * @throws Exception what the work threw
     */
    public static String capturing(Callable<?> work) throws Exception {
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
