package dev.kaapanamigrate.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.IdSource;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StandaloneContext;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepRunner;
import dev.kaapanamigrate.core.StepStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline inventory of FAST_DATA_DIR/os/data and its comparison at the end of the undeployed part. */
class OfflineStepsTest {

    @Test
    void aChangedRemovedOrAddedFileIsNamedAndDigestsCatchWhatSizeAndTimeMiss(@TempDir Path fast) throws Exception {
        Path data = Files.createDirectories(fast.resolve("os/data/nodes/0/indices/abc/0/index"));
        Path seg = Files.writeString(data.resolve("_0.cfs"), "segment zero");
        Path si = Files.writeString(data.resolve("_0.si"), "segment info");
        OpenSearchOptions options = OpenSearchOptions.defaults().withFileDigests(true);
        try (StandaloneContext ctx = MigrationContext.standalone(Clock.systemUTC(), IdSource.seeded(1),
                PlatformState.UNDEPLOYED, false)) {
            OfflineBaselineStep baseline = new OfflineBaselineStep(fast, options);
            assertThat(StepRunner.check(baseline, ctx).changes()).singleElement()
                    .satisfies(c -> assertThat(c.count()).isEqualTo(2));
            assertThat(StepRunner.run(baseline, ctx).status()).isEqualTo(StepStatus.APPLIED);
            assertThat(ctx.require(DataFolderInventory.KEY).files()).isEqualTo(2);
            OfflineVerifyStep verify = new OfflineVerifyStep(options);
            assertThat(StepRunner.run(verify, ctx).status()).isEqualTo(StepStatus.UP_TO_DATE);

            FileTime time = Files.getLastModifiedTime(seg);
            Files.writeString(seg, "segment 0ne!"); // same size
            Files.setLastModifiedTime(seg, time);   // same time: only the digest sees it
            Files.delete(si);
            Files.writeString(data.resolve("_1.cfs"), "new");
            StepResult result = StepRunner.run(verify, ctx);
            assertThat(result.status()).isEqualTo(StepStatus.VERIFICATION_FAILED);
            assertThat(result.verification().facts().get(0).actual())
                    .contains("missing 1 (nodes/0/indices/abc/0/index/_0.si)")
                    .contains("changed 1 (nodes/0/indices/abc/0/index/_0.cfs)")
                    .contains("added 1 (nodes/0/indices/abc/0/index/_1.cfs)");
        }
    }

    @Test
    void aMissingDataFolderIsCodedAndOtherStatesDefer(@TempDir Path fast) {
        try (StandaloneContext ctx = MigrationContext.standalone(Clock.systemUTC(), IdSource.seeded(1),
                PlatformState.UNDEPLOYED, false)) {
            StepCheck check = StepRunner.check(new OfflineBaselineStep(fast, OpenSearchOptions.defaults()), ctx);
            assertThat(check).isInstanceOfSatisfying(StepCheck.Blocked.class, b -> {
                assertThat(b.problem().code()).isEqualTo(OpenSearchErrorCode.DATA_FOLDER);
                assertThat(b.problem().found()).contains(fast.resolve("os/data").toString());
            });
        }
        try (StandaloneContext ctx = MigrationContext.standalone(Clock.systemUTC(), IdSource.seeded(1),
                PlatformState.TARGET_RUNNING, false)) {
            assertThat(StepRunner.check(new OfflineBaselineStep(fast, OpenSearchOptions.defaults()), ctx))
                    .isInstanceOf(StepCheck.Deferred.class);
        }
    }
}
