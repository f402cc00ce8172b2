package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.ConfigurationException;
import dev.kaapanamigrate.core.MigrationListener;
import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.domain.DataFolderMove;
import dev.kaapanamigrate.kaapana.internal.StoresNotCheckedStep;
import dev.kaapanamigrate.minio.CheckPoliciesStep;
import dev.kaapanamigrate.minio.MinioSteps;
import dev.kaapanamigrate.minio.VerifyObjectsStep;
import dev.kaapanamigrate.opensearch.CheckSecurityStep;
import dev.kaapanamigrate.opensearch.OpenSearchSteps;
import dev.kaapanamigrate.opensearch.VerifyDocumentsStep;
import dev.kaapanamigrate.postgres.BackendReferencesOptions;
import dev.kaapanamigrate.postgres.BackendReferencesStep;
import dev.kaapanamigrate.postgres.DatabaseConnections;
import dev.kaapanamigrate.postgres.DatabaseMigrationOptions;
import dev.kaapanamigrate.postgres.DetectVersionStep;
import dev.kaapanamigrate.postgres.MigrateAccessInformationStep;
import dev.kaapanamigrate.postgres.MigrateBackendStep;
import dev.kaapanamigrate.postgres.MigrateDicomWebFilterStep;
import dev.kaapanamigrate.postgres.PreflightStep;
import dev.kaapanamigrate.postgres.RenameDataFoldersStep;
import dev.kaapanamigrate.postgres.ReportExtensionDagsStep;
import dev.kaapanamigrate.postgres.RolePasswordOptions;
import dev.kaapanamigrate.postgres.RolePasswordStep;
import dev.kaapanamigrate.postgres.StopTemporaryServersStep;
import dev.kaapanamigrate.postgres.TemporaryServers;
import dev.kaapanamigrate.postgres.WriteVersionStep;
import dev.kaapanamigrate.workflows.RewriteWorkflowsStep;
import dev.kaapanamigrate.workflows.ScanWorkflowsStep;
import dev.kaapanamigrate.workflows.WorkflowScanner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The Kaapana 0.4.x → 0.5.2 migration plan across the platform's states. While 0.4 runs: the object-store and index
 * baselines (when their clients are given). Undeployed: detect the installed version, the offline inventories of the
 * object and index data folders, preflight the PostgreSQL data folders, move them to their 0.5 names, check the
 * access-information/dicom-web-filter role password 0.5 uses (after an optional verified backup), migrate the three service databases to their exact
 * 0.5.2 schemas (project UUIDs shared), rewrite the backend's stored references, report extension DAGs, scan the
 * site's workflow code (and rewrite what is mechanical, on request), stop leftover temporary servers, prove the index
 * data folder unchanged, and write the full target version to {@code FAST/version} last (0.5.2's deploy migrates by
 * itself when the marker is missing). Once 0.5 runs: verify objects, documents, policies and roles against the
 * baselines. A store whose client is not given is reported as not checked: the run ends
 * {@link dev.kaapanamigrate.core.PlanStatus#INCOMPLETE}, never silently successful.
 *
 * <p>With {@link #slowDataDir} the PACS's folders, which stay in place, are inventoried before anything changes
 * ({@link PacsInventoryStep}) and proven unchanged at the end of the undeployed state ({@link PacsVerifyStep}). With a
 * store the plan also checks that the stores agree with each other ({@link DatabaseSnapshotStep} while undeployed,
 * {@link ConsistencyStep} once 0.5 runs; {@link #consistency}, {@link #dicomWeb}) and ends with the guide's follow-up
 * workflows, listed as instructions ({@link FollowUps}) or started through the workflow API
 * ({@link #followUpWorkflows}).
 *
 * <pre>{@code
 * KaapanaMigration.configure(fast).slowDataDir(slow).platformControl(control)
 *         .objectStore(MinioSteps.of(store)).searchIndex(OpenSearchSteps.of(openSearch))
 *         .dicomWeb(DicomWebSeries.of(URI.create("https://kaapana.example/dcm4chee-arc/aets/KAAPANA/rs"), tokens::get))
 *         .followUpWorkflows(WorkflowApi.of(URI.create("https://kaapana.example"), tokens::get),
 *                 FollowUpOptions.defaults().withBatchSize(200))
 *         .plan();
 * }</pre>
 *
 * <p>The database steps connect through {@link TemporaryServers} on the moved folders by default (embedded
 * musl-built PostgreSQL 17.2); callers who run their own servers pass {@link #databaseConnections}.
 *
 * <pre>{@code
 * MigrationPlan plan = KaapanaMigration.configure(Path.of("/home/kaapana"))
 *         .slowDataDir(Path.of("/home/kaapana-slow"))
 *         .objectStore(MinioSteps.of(MinioStore.of(minio, "https://kaapana.example/minio")))
 *         .searchIndex(OpenSearchSteps.of(openSearch))
 *         .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
 *         .plan();
 * PlanPreview preview = plan.check();        // dry-run: database steps rehearse on copies of the folders
 * MigrationResult result = plan.run();       // journal and lock in FAST_DATA_DIR/.kaapana-migrate
 *
 * // every plan setting (clock, ids, timeouts, more steps) through the plan builder:
 * MigrationPlan seeded = KaapanaMigration.configure(fast).platformControl(control)
 *         .planBuilder().idSource(IdSource.seeded(42)).build();
 * }</pre>
 */
public final class KaapanaMigration {

    /** The name of the state directory (journal and lock) created in FAST_DATA_DIR by default. */
    public static final String STATE_DIRECTORY = DetectVersionStep.STATE_DIRECTORY;

    private final Path fastDataDir;
    private Path stateDirectory;
    private BackupOptions backup;
    private Path orphanArchive;
    private Path slowDataDir;
    private PlatformControl platformControl;
    private List<MigrationListener> listeners;
    private DatabaseConnections connections;
    private DatabaseMigrationOptions databaseOptions;
    private BackendReferencesOptions referenceOptions;
    private RolePasswordOptions passwordOptions;
    private MinioSteps objectStore;
    private OpenSearchSteps searchIndex;
    private WorkflowScanner workflowScanner;
    private boolean rewriteWorkflows;
    private ConsistencyOptions consistency;
    private DicomWebSeries dicomWeb;
    private boolean pacsDigests;
    private FollowUpWorkflowsStep followUps;
    private boolean restoreOnFailure;
    private UnaryOperator<MigrationPlan.Builder> customization = UnaryOperator.identity();
    private List<AddedStep> addedSteps = List.of();

    /** A step of the caller and the ids of the steps it runs after. */
    private record AddedStep(MigrationStep step, List<String> after) {
    }

    private KaapanaMigration(Path fastDataDir) {
        this.fastDataDir = fastDataDir;
        this.stateDirectory = fastDataDir.resolve(STATE_DIRECTORY);
        this.listeners = List.of();
        this.databaseOptions = DatabaseMigrationOptions.defaults();
        this.referenceOptions = BackendReferencesOptions.defaults();
        this.passwordOptions = RolePasswordOptions.defaults();
        this.consistency = ConsistencyOptions.defaults();
    }

    /** A copy with one change; the instance the caller holds never changes. */
    private KaapanaMigration with(Consumer<KaapanaMigration> change) {
        KaapanaMigration c = new KaapanaMigration(fastDataDir);
        c.stateDirectory = stateDirectory;
        c.backup = backup;
        c.orphanArchive = orphanArchive;
        c.slowDataDir = slowDataDir;
        c.platformControl = platformControl;
        c.listeners = listeners;
        c.connections = connections;
        c.databaseOptions = databaseOptions;
        c.referenceOptions = referenceOptions;
        c.passwordOptions = passwordOptions;
        c.objectStore = objectStore;
        c.searchIndex = searchIndex;
        c.workflowScanner = workflowScanner;
        c.rewriteWorkflows = rewriteWorkflows;
        c.consistency = consistency;
        c.dicomWeb = dicomWeb;
        c.pacsDigests = pacsDigests;
        c.followUps = followUps;
        c.restoreOnFailure = restoreOnFailure;
        c.customization = customization;
        c.addedSteps = addedSteps;
        change.accept(c);
        return c;
    }

    /**
     * Starts configuring a migration of the installation in {@code fastDataDir}.
     *
     * @param fastDataDir Kaapana's FAST_DATA_DIR
     * @return an immutable configuration; every method returns a new one
     */
    public static KaapanaMigration configure(Path fastDataDir) {
        return new KaapanaMigration(Objects.requireNonNull(fastDataDir, "fastDataDir"));
    }

    /**
     * Kaapana's SLOW_DATA_DIR (MinIO's data, the PACS files): with an object store configured, its MinIO folder is
     * inventoried while the platform is undeployed.
     *
     * @param dir SLOW_DATA_DIR
     * @return a new configuration
     */
    public KaapanaMigration slowDataDir(Path dir) {
        Objects.requireNonNull(dir, "dir");
        return with(c -> c.slowDataDir = dir);
    }

    /**
     * The MinIO steps on the caller's own client: baseline while 0.4 runs, verify, policy check (and the opt-in
     * cleanups) once 0.5 runs; with {@link #slowDataDir} also the offline inventory while undeployed. Without it the
     * object store is reported as not checked.
     *
     * @param steps the configured MinIO steps, for example {@code MinioSteps.of(MinioStore.of(client, endpoint))}
     * @return a new configuration
     */
    public KaapanaMigration objectStore(MinioSteps steps) {
        Objects.requireNonNull(steps, "steps");
        return with(c -> c.objectStore = steps);
    }

    /**
     * The OpenSearch steps on the caller's own client: baseline while 0.4 runs, the offline inventory of
     * {@code FAST/os/data} while undeployed, verify and security check once 0.5 runs. Without it the index is reported
     * as not checked.
     *
     * @param steps the configured OpenSearch steps, for example {@code OpenSearchSteps.of(client)}
     * @return a new configuration
     */
    public KaapanaMigration searchIndex(OpenSearchSteps steps) {
        Objects.requireNonNull(steps, "steps");
        return with(c -> c.searchIndex = steps);
    }

    /**
     * Which workflow code the scan reads and with which rules; default
     * {@code WorkflowScanner.forKaapana(fastDataDir).build()} ({@code FAST/workflows}).
     *
     * @param scanner the scanner
     * @return a new configuration
     */
    public KaapanaMigration workflowScanner(WorkflowScanner scanner) {
        Objects.requireNonNull(scanner, "scanner");
        return with(c -> c.workflowScanner = scanner);
    }

    /**
     * Whether the mechanical findings of the workflow scan are rewritten while undeployed (originals kept beside the
     * files); off by default: the scan only reports.
     *
     * @param on whether to rewrite
     * @return a new configuration
     */
    public KaapanaMigration rewriteWorkflows(boolean on) {
        return with(c -> c.rewriteWorkflows = on);
    }

    /**
     * How the cross-store consistency check reports. It is in the plan whenever a store is ({@link #objectStore},
     * {@link #searchIndex} or {@link #dicomWeb}): {@link DatabaseSnapshotStep} reads the migrated databases while
     * undeployed, {@link ConsistencyStep} joins them with the indices (through the {@link #searchIndex} client), the
     * object store's findings and the PACS once 0.5 runs. A plan without any store ends before 0.5 runs and has none.
     *
     * @param options the options; default {@link ConsistencyOptions#defaults()}
     * @return a new configuration
     */
    public KaapanaMigration consistency(ConsistencyOptions options) {
        Objects.requireNonNull(options, "options");
        return with(c -> c.consistency = options);
    }

    /**
     * Leaves the cross-store consistency check out of the plan (and with it the series lists the follow-up workflows
     * are started for: they then run on the field counts of {@code opensearch.verify}, as instructions only).
     *
     * @return a new configuration
     */
    public KaapanaMigration withoutConsistencyCheck() {
        return with(c -> c.consistency = null);
    }

    /**
     * Also compares the PACS itself with the series mappings and {@code project_admin} once 0.5 runs, through its
     * DICOMweb series search.
     *
     * @param series the PACS's QIDO-RS series search (base URL, token supplier, HTTP client)
     * @return a new configuration
     */
    public KaapanaMigration dicomWeb(DicomWebSeries series) {
        Objects.requireNonNull(series, "series");
        return with(c -> c.dicomWeb = series);
    }

    /**
     * Whether the PACS folder inventory (taken with {@link #slowDataDir}) reads every file for its SHA-256 (proves the
     * content; reads all DICOM data twice); off by default: path, size and modification time.
     *
     * @param on whether to digest
     * @return a new configuration
     */
    public KaapanaMigration pacsDigests(boolean on) {
        return with(c -> c.pacsDigests = on);
    }

    /**
     * Starts the guide's follow-up workflows ({@code clear-validation-results}, {@code validate-dicoms},
     * {@code generate-thumbnail}) through the platform's workflow API once 0.5 runs, and waits for them. By default, in
     * a plan that reaches 0.5 (one with a store), they are only listed as instructions ({@link FollowUps} in the
     * journal, and the step's verification facts).
     *
     * @param api     the platform's workflow API (base URL, token supplier, HTTP client)
     * @param options batches, timeouts, the DAGs
     * @return a new configuration
     */
    public KaapanaMigration followUpWorkflows(WorkflowApi api, FollowUpOptions options) {
        FollowUpWorkflowsStep step = FollowUpWorkflowsStep.start(api, options);
        return with(c -> c.followUps = step);
    }

    /**
     * Lists the follow-up workflows as instructions only once 0.5 runs, with these options (which DAGs, batch size);
     * the default in a plan with a store, and the way to have them in a plan without one (the plan then deploys 0.5, or
     * pauses before it when the platform control cannot).
     *
     * @param options the options
     * @return a new configuration
     */
    public KaapanaMigration followUpInstructions(FollowUpOptions options) {
        FollowUpWorkflowsStep step = FollowUpWorkflowsStep.instructionsOnly(options);
        return with(c -> c.followUps = step);
    }

    /**
     * How the database steps reach the access-information, dicom-web-filter and backend databases. Default:
     * {@code TemporaryServers.builder(fastDataDir).build()}, temporary servers on the moved folders; pass a
     * configured {@link TemporaryServers} (binary directory, folder libc, rehearsal directory) or your own
     * {@code DatabaseConnections.of(...)}.
     *
     * @param connections the connections
     * @return a new configuration
     */
    public KaapanaMigration databaseConnections(DatabaseConnections connections) {
        Objects.requireNonNull(connections, "connections");
        return with(c -> c.connections = connections);
    }

    /**
     * Decisions the database migrations cannot take alone (admin project, series mapped to unknown projects).
     *
     * @param options the options; default {@link DatabaseMigrationOptions#defaults()}
     * @return a new configuration
     */
    public KaapanaMigration databaseOptions(DatabaseMigrationOptions options) {
        Objects.requireNonNull(options, "options");
        return with(c -> c.databaseOptions = options);
    }

    /**
     * Which stored references of the backend are rewritten.
     *
     * @param options the options; default {@link BackendReferencesOptions#defaults()}
     * @return a new configuration
     */
    public KaapanaMigration backendReferences(BackendReferencesOptions options) {
        Objects.requireNonNull(options, "options");
        return with(c -> c.referenceOptions = options);
    }

    /**
     * Whether a role password 0.5 cannot use is reset (default: reported, the run blocks before any database
     * changes). The step runs right after the folder moves.
     *
     * @param options the options
     * @return a new configuration
     */
    public KaapanaMigration rolePasswords(RolePasswordOptions options) {
        Objects.requireNonNull(options, "options");
        return with(c -> c.passwordOptions = options);
    }

    /**
     * Where the journal and lock live; {@code FAST_DATA_DIR/.kaapana-migrate} by default, beside the data.
     *
     * @param dir the state directory
     * @return a new configuration
     */
    public KaapanaMigration stateDirectory(Path dir) {
        Objects.requireNonNull(dir, "dir");
        return with(c -> c.stateDirectory = dir);
    }

    /**
     * Takes a verified backup of the database folders into this existing folder before the folder moves
     * ({@code kaapana.backup}; {@code backup(BackupOptions.to(dir))}).
     *
     * @param dir the folder that receives the backup (outside FAST_DATA_DIR)
     * @return a new configuration
     */
    public KaapanaMigration backupDirectory(Path dir) {
        return backup(BackupOptions.to(Objects.requireNonNull(dir, "dir")));
    }

    /**
     * Takes a verified backup before anything changes ({@code kaapana.backup}, right after the preflight, before the
     * folder moves and the workflow rewrites): a copy keeping owners, modes, times and links, a SHA-256 manifest proven
     * after writing, reused on a re-run; {@link KaapanaBackup#restore} puts it back. Without it the plan takes none.
     *
     * @param options where and what to back up
     * @return a new configuration
     */
    public KaapanaMigration backup(BackupOptions options) {
        Objects.requireNonNull(options, "options");
        return with(c -> c.backup = options);
    }

    /**
     * Whether {@link #run()} restores FAST_DATA_DIR from the run's verified backup when the run fails after changing
     * the installation and before 0.5 was deployed (after deploy 0.5 has written to the data: the result then says to
     * undeploy first). The restore is proven byte-identical to the backup's manifest and moves the journal aside, so
     * a later run starts fresh. Off by default; needs {@link #backup}.
     *
     * @param on whether to restore automatically
     * @return a new configuration
     */
    public KaapanaMigration restoreOnFailure(boolean on) {
        return with(c -> c.restoreOnFailure = on);
    }

    /**
     * Adds a step of the caller to the plan, after the given steps. A step of the undeployed state also runs before
     * the version marker ({@code kaapana.write-version}, the last step while undeployed: 0.5.2's deploy migrates by
     * itself when the marker is missing), so its work is in place before 0.5 may start.
     *
     * <pre>{@code
     * KaapanaMigration m = KaapanaMigration.configure(fast).platformControl(control)
     *         .step(new SiteSpecificCleanupStep(), MigrateBackendStep.ID);
     * }</pre>
     *
     * @param step  the step
     * @param after the ids of the steps it runs after (Kaapana's, or the caller's added earlier)
     * @return a new configuration
     */
    public KaapanaMigration step(MigrationStep step, String... after) {
        Objects.requireNonNull(step, "step");
        List<AddedStep> more = new ArrayList<>(addedSteps);
        more.add(new AddedStep(step, List.of(after)));
        return with(c -> c.addedSteps = List.copyOf(more));
    }

    /**
     * Changes the plan builder ({@link #planBuilder()}, and so {@link #plan()} and {@link #run()}): the clock, the id
     * source, the platform timeout, listeners (steps of your own: {@link #step}). Replaces an earlier customization.
     *
     * <pre>{@code
     * KaapanaRun run = KaapanaMigration.configure(fast).platformControl(control)
     *         .customizePlan(b -> b.platformTimeout(Duration.ofMinutes(30)))
     *         .run();
     * }</pre>
     *
     * @param change receives the builder with the Kaapana steps and returns the builder to build
     * @return a new configuration
     */
    public KaapanaMigration customizePlan(UnaryOperator<MigrationPlan.Builder> change) {
        Objects.requireNonNull(change, "change");
        return with(c -> c.customization = change);
    }

    /**
     * Moves the folders 0.5 no longer uses ({@code alembic}, {@code os/security-backup}) into this archive folder on
     * FAST_DATA_DIR's file system; by default they are only reported ({@code kaapana.orphaned-folders}).
     *
     * @param dir the archive folder
     * @return a new configuration
     */
    public KaapanaMigration archiveOrphanedFolders(Path dir) {
        Objects.requireNonNull(dir, "dir");
        return with(c -> c.orphanArchive = dir);
    }

    /**
     * How the plan learns and changes the platform state. Required.
     *
     * @param control the control
     * @return a new configuration
     */
    public KaapanaMigration platformControl(PlatformControl control) {
        Objects.requireNonNull(control, "control");
        return with(c -> c.platformControl = control);
    }

    /**
     * Adds a listener.
     *
     * @param listener the listener
     * @return a new configuration
     */
    public KaapanaMigration listener(MigrationListener listener) {
        Objects.requireNonNull(listener, "listener");
        List<MigrationListener> more = new ArrayList<>(listeners);
        more.add(listener);
        return with(c -> c.listeners = List.copyOf(more));
    }

    /**
     * A plan builder holding the Kaapana steps, wired in the order the guide needs, the state directory (bound to
     * FAST_DATA_DIR), the platform control and the listeners: add steps of your own, or set the clock, the id source or
     * the platform timeout, then {@code build()}. Each call creates new steps; with the default connections, new
     * temporary servers. The {@link #customizePlan} change is applied last.
     *
     * @return the builder
     * @throws ConfigurationException when FAST_DATA_DIR does not exist, or the state directory lies in a data folder
     */
    public MigrationPlan.Builder planBuilder() {
        checkFolders();
        DatabaseConnections conns = connections != null ? connections : TemporaryServers.builder(fastDataDir).build();
        WorkflowScanner scanner = workflowScanner != null ? workflowScanner : WorkflowScanner.forKaapana(fastDataDir).build();
        MigrationPlan.Builder b = MigrationPlan.builder().step(new DetectVersionStep(fastDataDir));
        // The stores' steps early: their offline baselines come first in the undeployed state, so that the index
        // folder's offline verification, wired after the database work, proves the migration left it untouched.
        if (objectStore != null) {
            b = (slowDataDir != null ? objectStore.offline(slowDataDir) : objectStore).addTo(b);
        }
        OpenSearchSteps index = searchIndex == null ? null : searchIndex.offline(fastDataDir)
                .offlineVerifyAfter(ReportExtensionDagsStep.ID, MigrateDicomWebFilterStep.ID);
        if (index != null) {
            b = index.addTo(b);
        }
        // the backup step checks its own free space, exactly
        b = b.step(new PreflightStep(fastDataDir, null), DetectVersionStep.ID);
        String beforeChanges = PreflightStep.ID;
        if (slowDataDir != null) {
            // the PACS keeps its folders in place: their inventory before anything changes, proven at the end
            b = b.step(new PacsInventoryStep(fastDataDir, slowDataDir, pacsDigests), PreflightStep.ID);
            beforeChanges = PacsInventoryStep.ID;
        }
        if (backup != null) {
            b = b.step(new BackupStep(fastDataDir, backup.withStateDirectory(stateDirectory)), beforeChanges);
            beforeChanges = BackupStep.ID;
        }
        b = b.step(new RenameDataFoldersStep(fastDataDir), beforeChanges)
                .step(new RolePasswordStep(conns, passwordOptions), RenameDataFoldersStep.ID)
                .step(new MigrateAccessInformationStep(conns, databaseOptions), RolePasswordStep.ID)
                .step(new MigrateDicomWebFilterStep(conns, databaseOptions), MigrateAccessInformationStep.ID)
                .step(new MigrateBackendStep(conns), MigrateAccessInformationStep.ID)
                .step(new BackendReferencesStep(conns, referenceOptions), MigrateBackendStep.ID)
                .step(new ReportExtensionDagsStep(conns), BackendReferencesStep.ID)
                // The scan reads files only; in the undeployed state it runs whichever state a run starts in, and a
                // dry-run while 0.4 runs shows its findings all the same.
                .step(new ScanWorkflowsStep(scanner, dev.kaapanamigrate.core.PlatformState.UNDEPLOYED),
                        DetectVersionStep.ID);
        b = b.step(orphanArchive == null ? OrphanedFoldersStep.report(fastDataDir)
                : OrphanedFoldersStep.archiveTo(fastDataDir, orphanArchive), RenameDataFoldersStep.ID);
        List<String> beforeVersion = new ArrayList<>(List.of(ReportExtensionDagsStep.ID, MigrateDicomWebFilterStep.ID,
                ScanWorkflowsStep.ID, OrphanedFoldersStep.ID));
        if (rewriteWorkflows) {
            b = b.step(new RewriteWorkflowsStep(scanner), ScanWorkflowsStep.ID, beforeChanges);
            beforeVersion.add(RewriteWorkflowsStep.ID);
        }
        List<String> databaseWork = new ArrayList<>(List.of(ReportExtensionDagsStep.ID, MigrateDicomWebFilterStep.ID));
        // Steps once 0.5 runs only when the plan reaches 0.5 anyway (a store to verify) or the caller asks for them: a
        // plan without them ends undeployed, leaving 0.5's deploy to the caller.
        boolean reachesTarget = objectStore != null || searchIndex != null || dicomWeb != null;
        boolean checkConsistency = consistency != null && reachesTarget;
        FollowUpWorkflowsStep followUpStep = followUps != null ? followUps
                : reachesTarget ? FollowUpWorkflowsStep.instructionsOnly(FollowUpOptions.defaults()) : null;
        if (checkConsistency) {
            // the databases are reachable only now (temporary servers): their side of the check, saved sorted
            b = b.step(new DatabaseSnapshotStep(conns, consistency), BackendReferencesStep.ID,
                    MigrateDicomWebFilterStep.ID);
            databaseWork.add(DatabaseSnapshotStep.ID);
            beforeVersion.add(DatabaseSnapshotStep.ID);
        }
        if (conns instanceof TemporaryServers servers) {
            b = b.step(new StopTemporaryServersStep(servers), databaseWork.toArray(String[]::new));
            beforeVersion.add(StopTemporaryServersStep.ID);
        }
        if (index != null) {
            index.lastUndeployedStep().ifPresent(beforeVersion::add);
        }
        List<String> notChecked = new ArrayList<>();
        if (objectStore == null) {
            notChecked.add("objects, buckets and policies of the MinIO store");
        }
        if (searchIndex == null) {
            notChecked.add("documents, indices and security roles of OpenSearch");
        }
        if (!notChecked.isEmpty()) {
            b = b.step(new StoresNotCheckedStep(notChecked), DetectVersionStep.ID);
            beforeVersion.add(StoresNotCheckedStep.ID);
        }
        for (AddedStep added : addedSteps) {
            b = b.step(added.step(), added.after().toArray(String[]::new));
            if (added.step().requiredState() == dev.kaapanamigrate.core.PlatformState.UNDEPLOYED) {
                beforeVersion.add(added.step().id());
            }
        }
        if (slowDataDir != null) {
            // after every other undeployed step: nothing the migration did touched the PACS folders
            b = b.step(new PacsVerifyStep(fastDataDir, slowDataDir), beforeVersion.toArray(String[]::new));
            beforeVersion.add(PacsVerifyStep.ID);
        }
        // The version marker last in the undeployed state: 0.5.2's deploy migrates by itself when FAST/version is missing.
        b = b.step(new WriteVersionStep(fastDataDir), beforeVersion.toArray(String[]::new))
                .stateDirectory(stateDirectory)
                .installationRoot(fastDataDir);
        // Once 0.5 runs: the stores' own verifications, then the consistency across them, then the follow-ups.
        List<String> storeChecks = new ArrayList<>(List.of(WriteVersionStep.ID));
        if (objectStore != null) {
            storeChecks.addAll(List.of(VerifyObjectsStep.ID, CheckPoliciesStep.ID));
        }
        if (searchIndex != null) {
            storeChecks.addAll(List.of(VerifyDocumentsStep.ID, CheckSecurityStep.ID));
        }
        String beforeFollowUps = WriteVersionStep.ID;
        if (checkConsistency) {
            ConsistencyStep.Builder check = ConsistencyStep.builder().options(searchIndex == null ? consistency
                    : consistency.withSearchOptions(searchIndex.options()));
            if (searchIndex != null) {
                check = check.searchIndex(searchIndex.client());
            }
            if (dicomWeb != null) {
                check = check.dicomWeb(dicomWeb);
            }
            storeChecks.add(DatabaseSnapshotStep.ID);
            b = b.step(check.build(), storeChecks.toArray(String[]::new));
            beforeFollowUps = ConsistencyStep.ID;
        }
        if (followUpStep != null) {
            b = b.step(followUpStep, beforeFollowUps);
        }
        if (platformControl != null) {
            b = b.platformControl(platformControl);
        }
        for (MigrationListener listener : listeners) {
            b = b.listener(listener);
        }
        return Objects.requireNonNull(customization.apply(b), "customizePlan returned null instead of the builder");
    }

    private void checkFolders() {
        if (!Files.isDirectory(fastDataDir)) {
            throw new ConfigurationException("FAST_DATA_DIR " + fastDataDir + (Files.exists(fastDataDir)
                    ? " is not a folder" : " does not exist") + "; expected Kaapana's data folder (FAST_DATA_DIR of the "
                    + "platform's deploy script). Check the path for a typo; nothing was created.");
        }
        if (slowDataDir != null && !Files.isDirectory(slowDataDir)) {
            throw new ConfigurationException("SLOW_DATA_DIR " + slowDataDir + (Files.exists(slowDataDir)
                    ? " is not a folder" : " does not exist") + "; expected Kaapana's SLOW_DATA_DIR (MinIO's data and the "
                    + "PACS files). Check the path for a typo; nothing was created.");
        }
        Path state = stateDirectory.toAbsolutePath().normalize();
        for (DataFolderMove move : DataFolderMove.values()) {
            for (String name : List.of(move.from(), move.to())) {
                Path folder = fastDataDir.toAbsolutePath().normalize().resolve(name);
                if (state.startsWith(folder)) {
                    throw new ConfigurationException("The state directory " + stateDirectory + " lies in the data "
                            + "folder " + folder + ", which the migration moves (the journal would move with it); "
                            + "expected a state directory outside the five PostgreSQL data folders, for example "
                            + fastDataDir.resolve(STATE_DIRECTORY) + " (the default).");
                }
            }
        }
    }

    /**
     * Builds the plan: {@code planBuilder().build()}.
     *
     * @return the plan
     * @throws ConfigurationException when no platform control was given, FAST_DATA_DIR does not exist, or the state
     *                                directory lies in a data folder
     */
    public MigrationPlan plan() {
        return planBuilder().build();
    }

    /**
     * Runs the whole plan ({@code plan().run()}) and judges what it left: the state the installation is in, how to
     * finish or undo, and, with {@link #restoreOnFailure}, the proven restore of a run that failed before deploy.
     *
     * <pre>{@code
     * KaapanaRun run = KaapanaMigration.configure(Path.of("/home/kaapana"))
     *         .backupDirectory(Path.of("/mnt/backup")).restoreOnFailure(true)
     *         .platformControl(KaapanaPlatformControl.builder()...build())
     *         .run();
     * log.info("{}", run.summary());
     * }</pre>
     *
     * @return what the run did and what state it left the installation in
     * @throws ConfigurationException as {@link #plan()}, or when {@link #restoreOnFailure} is on without a backup
     */
    public KaapanaRun run() {
        if (restoreOnFailure && backup == null) {
            throw new ConfigurationException("restoreOnFailure(true) needs a backup to restore from, and none is "
                    + "configured; expected backup(BackupOptions.to(dir)) or backupDirectory(dir) as well, or "
                    + "restoreOnFailure(false).");
        }
        MigrationResult result = plan().run();
        return new RunAssessor(fastDataDir, stateDirectory, backup == null ? null
                : backup.withStateDirectory(stateDirectory), restoreOnFailure, platformControl).assess(result);
    }
}
