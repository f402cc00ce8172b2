package dev.kaapanamigrate.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.postgres.internal.VersionFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The version marker: detection from the file and from chart archives, and the atomic write of 0.5.2. */
class VersionStepsTest {

    @TempDir
    Path root;

    private Path fast() throws Exception {
        Path fast = root.resolve("fast");
        Files.createDirectories(fast.resolve("os/data"));
        return fast;
    }

    private static Path chart(Path fast, String version) throws Exception {
        Path f = fast.resolve("extensions").resolve("kaapana-platform-chart-" + version + ".tgz");
        Files.createDirectories(f.getParent());
        Files.write(f, new byte[] {31, -117, 8, 0});
        return f;
    }

    private static StepCheck detect(Path fast, MigrationContext ctx) {
        return new DetectVersionStep(fast).check(ctx);
    }

    private static StepCheck.Blocked blockedUnchanged(Path fast) throws Exception {
        String before = Files.exists(fast) ? Folders.digest(fast) : "absent";
        MigrationContext ctx = MigrationContext.standalone();
        StepCheck check = detect(fast, ctx);
        assertThat(check).isInstanceOf(StepCheck.Blocked.class);
        assertThat(check.changes()).isEmpty();
        assertThat(ctx.get(DetectVersionStep.DETECTED)).isEmpty();
        assertThat(new DetectVersionStep(fast).verify(ctx).passed()).isFalse();
        assertThat(Files.exists(fast) ? Folders.digest(fast) : "absent").isEqualTo(before);
        return (StepCheck.Blocked) check;
    }

    @Test
    void detectsA04InstallFromTheVersionFile() throws Exception {
        Path fast = fast();
        Files.writeString(fast.resolve("version"), "0.4.2\n");
        chart(fast, "0.3.1"); // the file wins
        MigrationContext ctx = MigrationContext.standalone();

        StepCheck check = detect(fast, ctx);

        assertThat(check).isInstanceOf(StepCheck.UpToDate.class);
        assertThat(((StepCheck.UpToDate) check).detail()).contains("Kaapana 0.4.2", "can be migrated to 0.5.2");
        DetectedVersion d = ctx.get(DetectVersionStep.DETECTED).orElseThrow();
        assertThat(d.version()).isEqualTo(KaapanaVersion.parse("0.4.2"));
        assertThat(d.source()).isEqualTo(fast.resolve("version").toString());
        assertThat(DetectVersionStep.detect(fast)).isEqualTo(d);
        assertThat(new DetectVersionStep(fast).verify(ctx).passed()).isTrue();
    }

    @Test
    void detectsFromOneChartArchive() throws Exception {
        Path fast = fast();
        Path c = chart(fast, "0.4.1");
        MigrationContext ctx = MigrationContext.standalone();

        assertThat(detect(fast, ctx)).isInstanceOf(StepCheck.UpToDate.class);

        DetectedVersion d = ctx.get(DetectVersionStep.DETECTED).orElseThrow();
        assertThat(d.version().format()).isEqualTo("0.4.1");
        assertThat(d.source()).isEqualTo(c.toString());
        assertThat(d.note()).isNull();
    }

    @Test
    void severalChartArchivesTakeTheHighestAndSaySo() throws Exception {
        Path fast = fast();
        chart(fast, "0.4.0");
        chart(fast, "0.4.10-rc1");
        Path best = chart(fast, "0.4.10");
        chart(fast, "0.4");
        chart(fast, "garbage");
        MigrationContext ctx = MigrationContext.standalone();

        StepCheck check = detect(fast, ctx);

        assertThat(check).isInstanceOf(StepCheck.UpToDate.class);
        DetectedVersion d = ctx.get(DetectVersionStep.DETECTED).orElseThrow();
        assertThat(d.version().format()).isEqualTo("0.4.10");
        assertThat(d.source()).isEqualTo(best.toString());
        assertThat(d.note()).contains("several platform chart archives", "kaapana-platform-chart-0.4.0.tgz",
                "kaapana-platform-chart-garbage.tgz", "the highest version 0.4.10 counts");
        assertThat(((StepCheck.UpToDate) check).detail()).contains("several platform chart archives");
    }

    @Test
    void an05InstallIsReportedAsAlreadyMigrated() throws Exception {
        Path fast = fast();
        Files.writeString(fast.resolve("version"), "0.5.2");
        MigrationContext ctx = MigrationContext.standalone();

        StepCheck check = detect(fast, ctx);

        assertThat(check).isInstanceOf(StepCheck.UpToDate.class);
        assertThat(((StepCheck.UpToDate) check).detail()).contains("already 0.5.x, nothing to migrate");
        assertThat(ctx.get(DetectVersionStep.DETECTED).orElseThrow().version()).isEqualTo(KaapanaVersion.TARGET);
    }

    @Test
    void blocksWhenFastIsMissingOrNoDirectory() throws Exception {
        assertThat(blockedUnchanged(root.resolve("nowhere")).problem().found()).contains("does not exist");
        Path file = root.resolve("file");
        Files.writeString(file, "x");
        assertThat(blockedUnchanged(file).problem().found()).contains("is not a directory");
    }

    @Test
    void blocksAFreshInstall() throws Exception {
        Path fast = Files.createDirectories(root.resolve("fresh"));
        StepCheck.Blocked b = blockedUnchanged(fast);
        assertThat(b.problem().found()).contains("is empty (a fresh install)");
        assertThat(b.problem().fix()).contains("nothing to migrate");
    }

    @Test
    void blocksWithoutAMarker() throws Exception {
        Path fast = fast();
        Files.createDirectories(fast.resolve("extensions"));
        Files.writeString(fast.resolve("extensions/other-chart-0.4.2.tgz"), "x");
        StepCheck.Blocked b = blockedUnchanged(fast);
        assertThat(b.problem().found()).contains("no version marker", "kaapana-platform-chart-<version>.tgz");
        assertThat(b.problem().fix()).contains("write the installed version");
    }

    @Test
    void blocksUnknownAndNewerVersions() throws Exception {
        Path fast = fast();
        for (String v : List.of("0.6.0", "1.0.0", "0.3.9", "0.10.1")) {
            Files.writeString(fast.resolve("version"), v + "\n");
            StepCheck.Blocked b = blockedUnchanged(fast);
            assertThat(b.problem().found()).contains("Kaapana " + v);
            assertThat(b.problem().expected()).contains("0.4.x");
        }
        Files.delete(fast.resolve("version"));
        chart(fast, "1.0");
        assertThat(blockedUnchanged(fast).problem().fix()).contains("must not be downgraded");
    }

    @Test
    void blocksAVersionFileWithoutPatchOrWithGarbage() throws Exception {
        Path fast = fast();
        Files.writeString(fast.resolve("version"), "0.5\n");
        StepCheck.Blocked b = blockedUnchanged(fast);
        assertThat(b.problem().found()).contains("'0.5' without a patch number");
        assertThat(b.problem().fix()).contains("write 0.5.2");

        Files.writeString(fast.resolve("version"), "hello world");
        assertThat(blockedUnchanged(fast).problem().found()).contains("'hello world', which is no version");

        Files.delete(fast.resolve("version"));
        Files.createDirectory(fast.resolve("version"));
        assertThat(blockedUnchanged(fast).problem().found()).contains("is not a regular file");
    }

    @Test
    void aVersionFileHolding10IsANewerReleaseNotAVersionWithoutPatch() throws Exception {
        Path fast = fast();
        Files.writeString(fast.resolve("version"), "1.0\n");

        StepCheck.Blocked b = blockedUnchanged(fast);

        assertThat(b.problem().code()).isEqualTo(dev.kaapanamigrate.core.CoreErrorCode.PRECONDITION_FAILED);
        assertThat(b.problem().found()).contains("Kaapana 1.0 (from " + fast.resolve("version") + ")", "nothing was changed")
                .doesNotContain("without a patch number");
        assertThat(b.problem().expected()).contains("Kaapana 0.4.x (to migrate) or 0.5.x (already migrated)");
        assertThat(b.problem().fix()).contains("must not be downgraded").doesNotContain("write", "0.4.2");

        Files.writeString(fast.resolve("version"), "0.3\n");
        assertThat(blockedUnchanged(fast).problem().fix()).contains("upgrade the installation to Kaapana 0.4.x first");
    }

    @Test
    void a052MarkerBesideFoldersStillAtTheir04NamesIsFlagged() throws Exception {
        Path fast = Folders.fast04(root);
        Files.writeString(fast.resolve("version"), "0.5.2\n");

        StepCheck.Blocked b = blockedUnchanged(fast);

        assertThat(b.problem().code()).isEqualTo(dev.kaapanamigrate.core.CoreErrorCode.PRECONDITION_FAILED);
        assertThat(b.problem().found()).contains("the version marker says Kaapana 0.5.2 (from " + fast.resolve("version")
                + "), but 5 PostgreSQL data folder(s) still have their 0.4 names", "postgres-backend", "keycloak/db-files",
                "nothing was changed");
        assertThat(b.problem().expected()).contains("their 0.5 names (", "kaapana-backend-postgres-data");
        assertThat(b.problem().fix()).contains("write its 0.4 version into " + fast.resolve("version") + " (for example "
                + "0.4.2)", "move them out of FAST_DATA_DIR");

        // once the folders have moved, the same marker is a migrated installation; an empty folder recreated under a
        // 0.4 name beside the moved data is the move step's finding, not the marker's
        for (dev.kaapanamigrate.domain.DataFolderMove m : dev.kaapanamigrate.domain.DataFolderMove.values()) {
            Files.move(fast.resolve(m.from()), fast.resolve(m.to()));
        }
        Files.createDirectory(fast.resolve(dev.kaapanamigrate.domain.DataFolderMove.BACKEND.from()));
        assertThat(detect(fast, MigrationContext.standalone())).isInstanceOf(StepCheck.UpToDate.class);
    }

    @Test
    void writeVersionIsExactIdempotentAndVerified() throws Exception {
        Path fast = fast();
        Path file = fast.resolve("version");
        Files.writeString(file, "0.4.2\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        WriteVersionStep step = new WriteVersionStep(fast);
        MigrationContext ctx = MigrationContext.standalone();

        StepCheck check = step.check(ctx);

        assertThat(check.changes()).containsExactly(Change.of(Change.Kind.UPDATE, file.toString(), "0.4.2", "0.5.2", 1));
        assertThat(Files.readString(file)).isEqualTo("0.4.2\n");
        assertThat(step.verify(ctx).passed()).isFalse();

        assertThat(step.apply(ctx)).isEqualTo(check.changes());

        assertThat(Files.readString(file)).isEqualTo("0.5.2\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
        assertThat(step.verify(ctx).passed()).isTrue();
        assertThat(step.check(ctx)).isInstanceOf(StepCheck.UpToDate.class);
        assertThat(step.apply(ctx)).isEmpty();
        try (var names = Files.list(fast)) {
            assertThat(names.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("os", "version");
        }
        assertThat(new DetectVersionStep(fast).check(ctx)).isInstanceOf(StepCheck.UpToDate.class);
    }

    @Test
    void writeVersionCreatesAMissingFileAndRefusesToDowngrade() throws Exception {
        Path fast = fast();
        WriteVersionStep step = new WriteVersionStep(fast);
        assertThat(step.check(MigrationContext.standalone()).changes())
                .containsExactly(Change.of(Change.Kind.CREATE, fast.resolve("version").toString(), null, "0.5.2", 1));

        Files.writeString(fast.resolve("version"), "0.6.0");
        StepCheck check = step.check(MigrationContext.standalone());
        assertThat(check).isInstanceOf(StepCheck.Blocked.class);
        assertThat(Files.readString(fast.resolve("version"))).isEqualTo("0.6.0");

        Files.writeString(fast.resolve("version"), "0.5.3");
        assertThat(step.check(MigrationContext.standalone())).isInstanceOf(StepCheck.UpToDate.class);
    }

    @Test
    void theOldContentIsNeverPartlyOverwritten() throws Exception {
        Path fast = fast();
        Path file = fast.resolve("version");
        Files.writeString(file, "0.4.2\n");
        AtomicBoolean stop = new AtomicBoolean();
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                try {
                    seen.add(Files.readString(file));
                } catch (Exception e) {
                    seen.add("ERROR " + e);
                }
            }
        });
        reader.start();
        try {
            for (int i = 0; i < 200; i++) {
                VersionFiles.writeMarker(fast, i % 2 == 0 ? "0.5.2" : "0.4.2");
            }
        } finally {
            stop.set(true);
            reader.join();
        }
        assertThat(seen).isNotEmpty().allMatch(s -> s.equals("0.4.2\n") || s.equals("0.5.2\n"));
        assertThat(fast.resolve(".version.kaapana-migrate.tmp")).doesNotExist();

        // a temporary file left by a crash before the rename does not matter: the old content is intact
        Files.writeString(fast.resolve(".version.kaapana-migrate.tmp"), "0.5");
        assertThat(Files.readString(file)).isEqualTo("0.4.2\n");
        new WriteVersionStep(fast).apply(MigrationContext.standalone());
        assertThat(Files.readString(file)).isEqualTo("0.5.2\n");
        assertThat(fast.resolve(".version.kaapana-migrate.tmp")).doesNotExist();
    }

    @Test
    void aDryRunOfThePlanChangesNothing() throws Exception {
        Path fast = fast();
        Files.writeString(fast.resolve("version"), "0.4.2\n");
        String before = Folders.digest(fast);
        MigrationPlan plan = MigrationPlan.builder()
                .step(new DetectVersionStep(fast))
                .step(new WriteVersionStep(fast))
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .stateDirectory(root.resolve("state"))
                .build();

        PlanPreview preview = plan.check();

        assertThat(preview.isBlocked()).isFalse();
        assertThat(preview.changes()).containsExactly(
                Change.of(Change.Kind.UPDATE, fast.resolve("version").toString(), "0.4.2", "0.5.2", 1));
        assertThat(Folders.digest(fast)).isEqualTo(before);

        MigrationResult result = plan.run();
        assertThat(result.status()).as(result.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        assertThat(Files.readString(fast.resolve("version"))).isEqualTo("0.5.2\n");
        assertThat(plan.check().isUpToDate()).isTrue();
    }
}
