package dev.kaapanamigrate.kaapana;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.IdSource;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StandaloneContext;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepRunner;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.core.Verification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PACS folder inventory ({@link PacsInventoryStep}) and its verification ({@link PacsVerifyStep}): unchanged folders
 * pass; a changed, a removed and an added file are each named; with 0.5 running only the DICOM files are compared and
 * additions are allowed.
 */
class PacsFoldersTest {

    @TempDir
    Path root;
    Path fast;
    Path slow;

    @BeforeEach
    void folders() throws Exception {
        fast = Files.createDirectories(root.resolve("fast"));
        slow = Files.createDirectories(root.resolve("slow"));
        Path db = Files.createDirectories(fast.resolve("postgres-dcm4che"));
        Files.writeString(db.resolve("PG_VERSION"), "17\n");
        Files.createDirectories(db.resolve("base/1"));
        Files.write(db.resolve("base/1/1259"), new byte[8192]);
        Files.writeString(Files.createDirectories(fast.resolve("ldap")).resolve("data.mdb"), "ldap");
        Files.createDirectories(fast.resolve("slapd.d"));
        Path dicom = Files.createDirectories(slow.resolve("dcm4che/dicom_data/2024/01/01"));
        for (int i = 1; i <= 3; i++) {
            Files.write(dicom.resolve("IM" + i), ("DICM instance " + i).getBytes());
        }
        Files.createDirectories(slow.resolve("dcm4che/server_data"));
        Files.setLastModifiedTime(dicom.resolve("IM2"), FileTime.from(Instant.parse("2024-01-01T00:00:00Z")));
    }

    private static StandaloneContext context(PlatformState state) {
        return MigrationContext.standalone(Clock.systemUTC(), IdSource.random(), state, false);
    }

    @Test
    void unchangedFoldersPassAndAChangedARemovedAndAnAddedFileAreEachNamed() throws Exception {
        try (StandaloneContext ctx = context(PlatformState.UNDEPLOYED)) {
            StepResult taken = StepRunner.run(new PacsInventoryStep(fast, slow, false), ctx);
            assertThat(taken.status()).as(taken.message()).isEqualTo(StepStatus.APPLIED);
            PacsInventory inventory = ctx.require(PacsInventory.KEY);
            assertThat(inventory.folders()).extracting(PacsInventory.Folder::name).containsExactly(
                    "FAST/ldap", "FAST/postgres-dcm4che", "FAST/slapd.d", "SLOW/dcm4che/dicom_data",
                    "SLOW/dcm4che/server_data");
            assertThat(inventory.files()).isEqualTo(6);

            StepResult same = StepRunner.verify(new PacsVerifyStep(fast, slow), ctx);
            assertThat(same.verification().passed()).as(same.verification().toString()).isTrue();

            Path dicom = slow.resolve("dcm4che/dicom_data/2024/01/01");
            Files.write(dicom.resolve("IM2"), "DICM instance 2, rewritten".getBytes());
            Files.delete(dicom.resolve("IM3"));
            Files.write(dicom.resolve("IM4"), "DICM new".getBytes());
            StepResult after = StepRunner.verify(new PacsVerifyStep(fast, slow), ctx);

            assertThat(after.status()).isEqualTo(StepStatus.VERIFICATION_FAILED);
            assertThat(after.verification().failures()).singleElement().satisfies(f -> {
                assertThat(f.basis()).isEqualTo(Verification.Basis.BASELINE);
                assertThat(f.actual())
                        .contains("1 removed: SLOW/dcm4che/dicom_data/2024/01/01/IM3")
                        .contains("1 changed: SLOW/dcm4che/dicom_data/2024/01/01/IM2")
                        .contains("1 added: SLOW/dcm4che/dicom_data/2024/01/01/IM4")
                        .doesNotContain("IM1");
            });
        }
    }

    @Test
    void digestsFindAContentChangeThatKeptSizeAndTime() throws Exception {
        Path im1 = slow.resolve("dcm4che/dicom_data/2024/01/01/IM1");
        try (StandaloneContext ctx = context(PlatformState.UNDEPLOYED)) {
            StepRunner.run(new PacsInventoryStep(fast, slow, true), ctx);
            FileTime time = Files.getLastModifiedTime(im1);
            Files.write(im1, "DICM instance X".getBytes());
            Files.setLastModifiedTime(im1, time);
            StepResult after = StepRunner.verify(new PacsVerifyStep(fast, slow), ctx);
            assertThat(after.verification().failures()).singleElement().satisfies(f ->
                    assertThat(f.actual()).startsWith("1 changed: SLOW/dcm4che/dicom_data/2024/01/01/IM1"));
        }
    }

    @Test
    void withZeroFiveRunningTheDatabaseFoldersMayChangeAndNewDicomFilesAppearButNoneMayGo() throws Exception {
        try (StandaloneContext before = context(PlatformState.UNDEPLOYED)) {
            StepRunner.run(new PacsInventoryStep(fast, slow, false), before);
            PacsInventory inventory = before.require(PacsInventory.KEY);
            try (StandaloneContext running = context(PlatformState.TARGET_RUNNING)) {
                running.put(PacsInventory.KEY, inventory);
                Files.write(fast.resolve("postgres-dcm4che/base/1/1259"), new byte[16384]);
                Files.write(fast.resolve("ldap/data.mdb"), "ldap, written by the running PACS".getBytes());
                Files.write(slow.resolve("dcm4che/dicom_data/2024/01/01/IM9"), "DICM stored by 0.5".getBytes());
                StepResult ok = StepRunner.verify(new PacsVerifyStep(fast, slow), running);
                assertThat(ok.verification().passed()).as(ok.verification().toString()).isTrue();

                Files.delete(slow.resolve("dcm4che/dicom_data/2024/01/01/IM1"));
                StepResult lost = StepRunner.verify(new PacsVerifyStep(fast, slow), running);
                assertThat(lost.verification().failures()).singleElement().satisfies(f -> assertThat(f.actual())
                        .contains("1 removed: SLOW/dcm4che/dicom_data/2024/01/01/IM1").doesNotContain("1259"));
            }
        }
    }

    @Test
    void anInventoryTakenElsewhereIsNotProvenRatherThanPassed() {
        try (StandaloneContext ctx = context(PlatformState.UNDEPLOYED)) {
            StepResult r = StepRunner.verify(new PacsVerifyStep(fast, slow), ctx);
            assertThat(r.verification().facts()).singleElement().satisfies(f ->
                    assertThat(f.basis()).isEqualTo(Verification.Basis.NOT_PROVEN));
        }
    }
}
