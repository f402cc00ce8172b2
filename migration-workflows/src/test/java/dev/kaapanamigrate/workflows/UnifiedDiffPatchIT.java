package dev.kaapanamigrate.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dry-run's diffs are real patches: {@code patch -p1} turns the originals into exactly what apply writes. */
class UnifiedDiffPatchIT {

    @TempDir
    Path tmp;

    @Test
    void patchingTheOriginalsWithTheDryRunsDiffsGivesTheRewrittenFiles() throws Exception {
        assumeTrue(new File("/usr/bin/patch").canExecute() || new File("/bin/patch").canExecute(),
                "GNU patch is not installed here: the diffs cannot be applied with it");
        Path fast = Corpus.install(tmp.resolve("fast"));
        Path copy = Corpus.install(tmp.resolve("copy")).resolve("workflows");
        WorkflowRewriter rewriter = WorkflowRewriter.of(WorkflowScanner.forKaapana(fast).build());
        RewritePlan plan = rewriter.plan();

        for (FileRewrite f : plan.files()) {
            Path patchFile = tmp.resolve("p-" + f.file().replace('/', '_') + ".diff");
            Files.write(patchFile, f.diff().getBytes(Charset.forName(f.encoding())));
            Process p = new ProcessBuilder("patch", "-p1", "--batch", "--forward", "-i", patchFile.toString())
                    .directory(copy.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(f.file() + ": " + out).isZero();
        }
        rewriter.apply();
        for (FileRewrite f : plan.files()) {
            assertThat(copy.resolve(f.file())).as(f.file()).hasSameBinaryContentAs(fast.resolve("workflows").resolve(f.file()));
        }
    }
}
