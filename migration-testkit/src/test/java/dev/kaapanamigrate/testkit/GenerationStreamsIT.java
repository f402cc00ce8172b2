package dev.kaapanamigrate.testkit;

import dev.kaapanamigrate.pgserver.os.FileTrees;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Generation streams: loading 100k series and 100k jobs (about 400k rows) succeeds in a JVM with a 48 MB
 * heap, and its peak heap is no larger than for 10k (heap flat in the size of the data).
 */
class GenerationStreamsIT {

    Path temp;

    @BeforeEach
    void folder() throws Exception {
        temp = Files.createTempDirectory("streams-");
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void clean() {
        FileTrees.deleteRecursively(temp);
    }

    @Test
    void heapStaysFlatFrom10kTo100kItems() throws Exception {
        long small = peakHeap(10_000);
        long large = peakHeap(100_000);
        System.out.printf("generation peak heap: 10k items %.1f MiB, 100k items %.1f MiB (ratio %.2f)%n",
                small / 1048576.0, large / 1048576.0, (double) large / small);
        assertThat(large).as("peak heap for 100k items vs %d bytes for 10k", small).isLessThan(small * 2);
    }

    private long peakHeap(int items) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = temp.resolve("load-" + items + ".log");
        Process child = new ProcessBuilder(java, "-Xmx48m", "-XX:+UseSerialGC", "-cp", classpath,
                StreamingLoadMain.class.getName(), temp.resolve("pg-" + items).toString(), Integer.toString(items),
                Integer.toString(items)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(child.waitFor(300, TimeUnit.SECONDS)).as("load of %d items finished", items).isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as("load of %d items in a 48 MB heap; output:%n%s", items, output).isZero();
        Matcher m = Pattern.compile("PEAK_HEAP_BYTES=(\\d+)").matcher(output);
        assertThat(m.find()).as(output).isTrue();
        return Long.parseLong(m.group(1));
    }
}
