package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.ErrorCode;

/**
 * The error codes of {@code migration-kaapana}: the platform control ({@link KaapanaPlatformControl}), the backup
 * and restore ({@link BackupStep}, {@link KaapanaBackup}), the orphaned folders ({@link OrphanedFoldersStep}), the
 * consistency check ({@link DatabaseSnapshotStep}, {@link ConsistencyStep}), the PACS folders
 * ({@link PacsInventoryStep}) and the follow-up workflows ({@link FollowUpWorkflowsStep}). Their code strings carry the
 * prefix {@code KAAPANA_}.
 *
 * <pre>{@code
 * catch (MigrationException e) {
 *     if (e.code() == KaapanaErrorCode.PLATFORM_TIMEOUT) { ... the message names what is still there ... }
 * }
 * }</pre>
 */
public enum KaapanaErrorCode implements ErrorCode {
    /** A program the platform control runs (helm, kubectl, a deploy script) cannot be found or started. */
    TOOL_MISSING("A program the platform control runs (helm, kubectl or a deploy script) cannot be found or started.",
            "Install it, or configure its path on KaapanaPlatformControl.Builder; the message says where it was looked for."),
    /** helm or kubectl cannot reach the Kubernetes cluster. */
    CLUSTER_UNREACHABLE("The Kubernetes cluster cannot be reached with helm or kubectl.",
            "Check that the cluster runs (microk8s status) and that the kubeconfig named in the message points at it."),
    /** helm or kubectl failed for another reason, or printed something that is not the output asked for. */
    CLUSTER_QUERY_FAILED("helm or kubectl failed, or printed output that is not what was asked for.",
            "Run the command named in the message by hand and fix what it reports."),
    /** Kaapana's deploy_platform.sh ended with an error or did not end in time. */
    DEPLOY_SCRIPT_FAILED("Kaapana's deploy_platform.sh ended with an error or did not end in time.",
            "Read the script's output in the message and the run report, fix the cause, then run again."),
    /** A deploy would not deploy what the migration prepared (another version than FAST/version says). */
    DEPLOY_REFUSED("The 0.5 deploy was not started: it would not deploy the version the migration prepared.",
            "Configure the deploy script of the version written to FAST/version, as the message says."),
    /** The platform did not reach the awaited state in time. */
    PLATFORM_TIMEOUT("The platform did not reach the awaited state in time.",
            "The message names the releases, pods and jobs still in the way; look at them with kubectl, then run again."),
    /** The backup target is missing, inside FAST_DATA_DIR, or otherwise unusable. */
    BACKUP_TARGET_INVALID("The backup target cannot hold the backup (missing, inside FAST_DATA_DIR, not a folder).",
            "Configure an existing folder outside FAST_DATA_DIR, on a disk with room for the backup."),
    /** The backup target has too little free space. */
    BACKUP_SPACE("The backup target has too little free space for the backup.",
            "Free space there or configure another target; the message gives the numbers."),
    /** A backup exists at the target but does not match the installation as it is now. */
    BACKUP_STALE("A backup exists at the target but belongs to another installation or an earlier state of it.",
            "Move the old backup aside (the message names it); the next run takes a new one."),
    /** A backup's content differs from its manifest. */
    BACKUP_CORRUPT("A backup's files differ from its manifest.",
            "Do not restore from it; the message names the files. Take a new backup while the data is still as it was."),
    /** A backup's manifest is missing, damaged or of an unknown format. */
    BACKUP_MANIFEST_INVALID("A backup's manifest is missing, damaged or of an unknown format.",
            "Do not restore from this backup; the manifest proves what the backup must hold."),
    /** Writing or reading a backup failed. */
    BACKUP_IO("Writing or reading a backup failed.",
            "Read the cause in the message (space, permissions, the disk); the half-written copy is removed and the next "
                    + "run copies again."),
    /** A restore was not started because a precondition does not hold; nothing was changed. */
    RESTORE_REFUSED("A restore was not started; nothing was changed.",
            "Do what the message says (undeploy the platform, free space), then restore again."),
    /** A restore failed after it started changing FAST_DATA_DIR. */
    RESTORE_FAILED("A restore failed after it started.",
            "The message says what is where; nothing was deleted: the folders it replaced are in the folder it names."),
    /** The orphaned folders cannot be archived where configured. */
    ARCHIVE_INVALID("The orphaned folders cannot be archived where configured.",
            "Configure an archive folder on the same file system as FAST_DATA_DIR that does not hold them yet."),
    /** Reading the databases for the consistency check failed. */
    CONSISTENCY_DATABASE("Reading the databases for the consistency check failed.",
            "Run the check after the database migrations; the message names the database and the cause."),
    /** An input of the consistency check is missing or unreadable (the database snapshot, its files). */
    CONSISTENCY_INPUT("An input of the consistency check is missing or cannot be read.",
            "Add the step the message names to the plan before the check, or give the check its own database connections."),
    /** The PACS's DICOMweb (QIDO-RS) endpoint could not be searched. */
    DICOMWEB_FAILED("The PACS's DICOMweb (QIDO-RS) endpoint could not be searched.",
            "Check the endpoint, the token and the TLS trust named in the message, then run again."),
    /** The platform's workflow API refused a request, answered with an error, or could not be reached. */
    WORKFLOW_API_FAILED("The platform's workflow API refused a request or could not be reached.",
            "Check the base URL, the access token's user (realm role admin) and the TLS trust named in the message."),
    /** A follow-up workflow did not finish in time. */
    FOLLOW_UP_TIMEOUT("A follow-up workflow did not finish in time.",
            "Look at the workflows the message names in the platform's workflow list; run again to wait longer (nothing "
                    + "is started twice), or raise the timeout."),
    /** What the follow-up workflows need is missing (the series to process, the admin project). */
    FOLLOW_UP_INPUT("What the follow-up workflows need is missing.",
            "Add the consistency check before the follow-ups, or give its report; the message names what is missing."),
    /** A PACS folder cannot be inventoried or compared. */
    PACS_FOLDER("A PACS folder cannot be inventoried or compared.",
            "Read the cause in the message (a missing folder, permissions, space in the state directory).");

    private final String summary;
    private final String remedy;

    KaapanaErrorCode(String summary, String remedy) {
        this.summary = summary;
        this.remedy = remedy;
    }

    /**
     * The code string: {@code KAAPANA_} and the constant's name.
     *
     * @return for example {@code KAAPANA_PLATFORM_TIMEOUT}
     */
    @Override
    public String code() {
        return "KAAPANA_" + name();
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public String remedy() {
        return remedy;
    }

    /** Registers these codes with {@link ErrorCode#of(String)}. */
    public static final class Catalog implements ErrorCode.Catalog {
        /** Creates the catalog (for {@link java.util.ServiceLoader}). */
        public Catalog() {
        }

        @Override
        public java.util.Collection<? extends ErrorCode> codes() {
            return java.util.List.of(values());
        }
    }
}
