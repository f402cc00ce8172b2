package dev.kaapanamigrate.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's code comes from compiled sources: every code line of a marked snippet appears in the README, in order. */
class ReadmeSnippetsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theReadmeShowsTheCompiledExamples() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertInOrder(readme, "examples/src/main/java/dev/kaapanamigrate/examples/InstallerExample.java",
                "USE-CASE-INSTALLER");
        assertInOrder(readme, "examples/src/main/java/dev/kaapanamigrate/examples/KaapanaInstallerExample.java",
                "USE-CASE-KAAPANA-INSTALLER");
        assertInOrder(readme, "examples/src/test/java/dev/kaapanamigrate/examples/MigrationIntegrationTestExampleIT.java",
                "USE-CASE-INTEGRATION-TEST");
        assertInOrder(readme, "examples/src/main/java/dev/kaapanamigrate/examples/CustomToolExample.java",
                "USE-CASE-CUSTOM-TOOL");
    }

    private static void assertInOrder(String readme, String source, String marker) throws IOException {
        List<String> lines = codeLines(Files.readString(ROOT.resolve(source)), marker);
        assertThat(lines).as(marker).hasSizeGreaterThan(5);
        int at = 0;
        for (String line : lines) {
            int found = readme.indexOf(line, at);
            assertThat(found).as("README line of " + marker + ": " + line).isGreaterThanOrEqualTo(0);
            at = found + line.length();
        }
    }

    /** The trimmed lines of the method body between the markers. */
    private static List<String> codeLines(String source, String marker) {
        String block = source.substring(source.indexOf("// " + marker + "-START"), source.indexOf("// " + marker + "-END"));
        List<String> lines = new ArrayList<>();
        boolean inBody = false;
        for (String line : block.split("\n")) {
            String t = line.strip();
            if (!inBody) {
                inBody = t.endsWith("{") && t.contains("(");
                continue;
            }
            if (line.startsWith("    }")) {
                break;
            }
            if (!t.isEmpty()) {
                lines.add(t);
            }
        }
        return lines;
    }
}
