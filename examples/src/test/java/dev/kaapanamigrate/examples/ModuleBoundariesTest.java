package dev.kaapanamigrate.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The boundaries between the modules, read from the sources of the whole reactor: every {@code internal} package
 * says it is not API, and no module's main code uses another module's {@code internal} package.
 */
class ModuleBoundariesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern PACKAGE = Pattern.compile("^package (dev\\.kaapanamigrate\\.[a-z]+)[.;]",
            Pattern.MULTILINE);
    private static final Pattern INTERNAL_USE = Pattern.compile("dev\\.kaapanamigrate\\.([a-z]+)\\.internal\\b");

    @Test
    void everyInternalPackageSaysItIsNotApi() throws IOException {
        List<Path> internals = mainSources().map(Path::getParent).filter(d -> d.endsWith("internal")).distinct()
                .toList();
        assertThat(internals).as("internal packages found").hasSizeGreaterThanOrEqualTo(4);

        for (Path dir : internals) {
            Path info = dir.resolve("package-info.java");
            assertThat(info).as("every internal package has a package-info").exists();
            assertThat(Files.readString(info).toLowerCase(Locale.ROOT)).as(ROOT.relativize(info).toString())
                    .contains("not api");
        }
    }

    @Test
    void noModulesMainCodeUsesAnotherModulesInternals() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> sources = mainSources()) {
            for (Path source : (Iterable<Path>) sources::iterator) {
                String text = Files.readString(source);
                Matcher own = PACKAGE.matcher(text);
                String ownPrefix = own.find() ? own.group(1) : "";
                Matcher use = INTERNAL_USE.matcher(text);
                while (use.find()) {
                    if (!("dev.kaapanamigrate." + use.group(1)).equals(ownPrefix)) {
                        violations.add(ROOT.relativize(source) + " uses " + use.group());
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    /** The Java sources under every module's {@code src/main/java}. */
    private static Stream<Path> mainSources() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path main : (Iterable<Path>) modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory)
                    ::iterator) {
                try (Stream<Path> tree = Files.walk(main)) {
                    tree.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
                }
            }
        }
        return files.stream();
    }
}
