package dev.kaapanamigrate.examples;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * An example step: rewrites the two DAG ids that Kaapana 0.5 renamed in every {@code .json} file of a
 * folder. Each file is replaced atomically, so a crash leaves every file either old or new, and a new run
 * rewrites only what is left.
 */
public final class RewriteDagIdsStep implements MigrationStep {

    /** The DAG ids Kaapana 0.5 renamed, old to new. */
    public static final SortedMap<String, String> RENAMED_DAGS = Collections.unmodifiableSortedMap(new TreeMap<>(Map.of(
            "convert-nifitis-to-dicoms-and-import-to-pacs", "import-niftis-from-data-upload",
            "import-dicoms-in-zip-to-internal-pacs", "import-dicoms-from-data-upload")));

    private final Path folder;

    /**
     * Creates the step.
     *
     * @param folder the folder whose JSON files hold DAG ids
     */
    public RewriteDagIdsStep(Path folder) {
        this.folder = folder;
    }

    @Override
    public String id() {
        return "example.rewrite-dag-ids";
    }

    @Override
    public String description() {
        return "Rewrite renamed DAG ids in " + folder.getFileName() + "/*.json";
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        if (!Files.isDirectory(folder)) {
            return StepCheck.waitingFor(List.of(RenameFolderStep.ID), folder.getFileName()
                    + " does not exist until the folder is renamed");
        }
        List<Change> changes = new ArrayList<>();
        for (Path file : jsonFiles()) {
            String text = read(file);
            RENAMED_DAGS.forEach((old, renamed) -> {
                int n = occurrences(text, '"' + old + '"');
                if (n > 0) {
                    changes.add(Change.of(Change.Kind.UPDATE, file.getFileName().toString(), old, renamed, n));
                }
            });
        }
        return StepCheck.pending(changes);
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        List<Change> changes = check(ctx).changes();
        List<Path> files = jsonFiles();
        int done = 0;
        for (Path file : files) {
            String text = read(file);
            String rewritten = text;
            for (Map.Entry<String, String> e : RENAMED_DAGS.entrySet()) {
                rewritten = rewritten.replace('"' + e.getKey() + '"', '"' + e.getValue() + '"');
            }
            if (!rewritten.equals(text)) {
                writeAtomically(file, rewritten);
            }
            ctx.progress(++done, files.size(), "files");
        }
        return changes;
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Verification.Builder v = Verification.builder();
        for (Path file : jsonFiles()) {
            String text = read(file);
            long left = RENAMED_DAGS.keySet().stream().mapToLong(old -> occurrences(text, '"' + old + '"')).sum();
            v.expect("old DAG ids left in " + file.getFileName(), 0L, left);
        }
        return v.build();
    }

    private List<Path> jsonFiles() {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int occurrences(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeAtomically(Path file, String text) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                channel.force(true); // the new content is on disk before the rename makes it visible
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
