package dev.kaapanamigrate.testkit;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The content of a generated Kaapana 0.4.2 installation, derived deterministically from an
 * {@link InstallationSpec}. Small collections (projects, users, datasets, sites) are lists; large ones
 * (series, workflows, jobs) are computed per index, so any item can be produced on its own and generating
 * a million of them needs no memory.
 *
 * <pre>{@code
 * InstallationModel model = new InstallationModel(InstallationSpec.of(InstallationSize.SMALL));
 * InstallationModel.Series first = model.series(0);   // the phantom CT every install has
 * }</pre>
 */
public final class InstallationModel {

    /** Kaapana's default user. */
    public static final String DEFAULT_USER = "kaapana";
    /** The local site's instance name. */
    public static final String LOCAL_SITE = "central";
    /** The two DAG ids that 0.5 renamed, as 0.4 stores them. */
    public static final List<String> RENAMED_DAGS = List.of(
            "convert-nifitis-to-dicoms-and-import-to-pacs", "import-dicoms-in-zip-to-internal-pacs");
    /** An extension DAG that no 0.5 default software mapping covers. */
    public static final String EXTENSION_DAG = "my-extension-segmentation";
    /** DAG ids used by workflows and jobs, the renamed and the extension DAG included. */
    public static final List<String> DAGS = List.of("validate-dicoms", "generate-thumbnail", "tag-dataset", "send-dicom",
            "delete-series", "download-selected-files", "total-segmentator", "nnunet-training", "collect-metadata",
            RENAMED_DAGS.get(0), RENAMED_DAGS.get(1), EXTENSION_DAG);

    /** Upstream's phantom CT, sent to every fresh install (project admin, dataset phantom). */
    static final String PHANTOM_SERIES = "1.3.12.2.1107.5.1.4.73104.30000020081307523376400012735";
    static final String PHANTOM_STUDY = "1.3.12.2.1107.5.1.4.73104.30000020081307472119600000009";

    private static final List<String> PROJECT_NAMES = List.of("radiology", "oncology-trial", "neuro", "cardio-study",
            "lung-screening", "pediatrics", "liver-ai", "prostate-mri", "brain-mets", "covid-ct", "knee", "breast-screening");
    private static final List<String> DATASET_NAMES = List.of("Lung CT cohort", "Thorax – Überblick", "膝関節 MRI",
            "test-CT", "Follow-up 2023", "SEG review ✓", "Brain mets (train)", "Brain mets (test)", "Ça va dataset");
    private static final List<String> MODALITIES = List.of("CT", "CT", "CT", "MR", "MR", "SEG", "RTSTRUCT", "PT", "CR");
    private static final List<String> STATUSES = List.of("finished", "finished", "finished", "finished", "failed",
            "queued", "scheduled", "running");
    private static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");

    /**
     * A project as 0.4 stores it in the access-information database.
     *
     * @param id          the integer id (admin is 1)
     * @param name        the name
     * @param description the description
     * @param externalId  the external id, or {@code null}
     */
    public record Project(int id, String name, String description, String externalId) {
        /**
         * The Kubernetes namespace: {@code project-<name>}.
         *
         * @return the namespace
         */
        public String namespace() {
            return "project-" + name;
        }

        /**
         * The MinIO bucket: {@code project-<name>}.
         *
         * @return the bucket
         */
        public String bucket() {
            return "project-" + name;
        }

        /**
         * The OpenSearch index: {@code project_<name>}.
         *
         * @return the index
         */
        public String index() {
            return "project_" + name;
        }
    }

    /**
     * A user with the projects it has the admin role in.
     *
     * @param username   the user name
     * @param keycloakId the Keycloak id
     * @param projectIds the projects (integer ids)
     */
    public record User(String username, String keycloakId, List<Integer> projectIds) {
    }

    /**
     * A DICOM series.
     *
     * @param index      its index
     * @param uid        the SeriesInstanceUID
     * @param studyUid   the StudyInstanceUID
     * @param patientId  the PatientID
     * @param modality   the modality
     * @param projectId  the project it was sent to (integer id)
     * @param studyDate  the study date
     * @param tags       user tags
     * @param datasets   the names of the datasets it belongs to
     */
    public record Series(int index, String uid, String studyUid, String patientId, String modality, int projectId,
                         LocalDate studyDate, List<String> tags, List<String> datasets) {
    }

    /**
     * A dataset of the local site.
     *
     * @param name     the name (spaces and unicode included)
     * @param username who created it
     * @param created  when
     */
    public record Dataset(String name, String username, Instant created) {
    }

    /**
     * A registered site.
     *
     * @param id              the row id
     * @param name            the instance name
     * @param remote          whether it is a remote site
     * @param host            the host
     * @param allowedDags     DAG ids allowed for remote runs
     * @param allowedDatasets dataset names allowed for remote runs
     */
    public record Site(int id, String name, boolean remote, String host, List<String> allowedDags,
                       List<String> allowedDatasets) {
    }

    /**
     * A workflow.
     *
     * @param index      its index
     * @param workflowId the workflow id (6 characters)
     * @param name       the workflow name
     * @param dagId      the DAG id
     * @param username   who started it
     * @param created    when
     */
    public record Workflow(int index, String workflowId, String name, String dagId, String username, Instant created) {
    }

    /**
     * A job of a workflow.
     *
     * @param id          the row id (from 1)
     * @param workflow    its workflow
     * @param status      the status
     * @param runId       the Airflow run id
     * @param projectId   the project it ran in (integer id)
     * @param datasetName the dataset it ran on
     * @param identifiers the series it processed
     * @param withFormData whether its conf also carries the old {@code form_data} key
     * @param created     when
     */
    public record Job(int id, Workflow workflow, String status, String runId, int projectId, String datasetName,
                      List<String> identifiers, boolean withFormData, Instant created) {
    }

    private final InstallationSpec spec;
    private final List<Project> projects;
    private final List<User> users;
    private final List<Dataset> datasets;
    private final List<Site> sites;

    /**
     * Derives the model.
     *
     * @param spec what to generate
     */
    public InstallationModel(InstallationSpec spec) {
        this.spec = spec;
        this.projects = buildProjects();
        this.users = buildUsers();
        this.datasets = buildDatasets();
        this.sites = buildSites();
    }

    /**
     * The spec.
     *
     * @return the spec
     */
    public InstallationSpec spec() {
        return spec;
    }

    /**
     * The projects; the first is {@code admin} with id 1.
     *
     * @return the projects
     */
    public List<Project> projects() {
        return projects;
    }

    /**
     * A project by integer id.
     *
     * @param id the id
     * @return the project
     */
    public Project project(int id) {
        return projects.get(id - 1);
    }

    /**
     * The users; the first is {@code kaapana}.
     *
     * @return the users
     */
    public List<User> users() {
        return users;
    }

    /**
     * The datasets; the first is {@code phantom}.
     *
     * @return the datasets
     */
    public List<Dataset> datasets() {
        return datasets;
    }

    /**
     * The registered sites: the local one, then remote ones.
     *
     * @return the sites
     */
    public List<Site> sites() {
        return sites;
    }

    /**
     * The kaapana-backend's alembic revision: a random-looking 12-hex id, as the 0.4 boot-time autogenerate
     * leaves it.
     *
     * @return the revision
     */
    public String backendRevision() {
        return String.format("%012x", mix(spec.seed(), 0, 99) & 0xFFFF_FFFF_FFFFL);
    }

    /**
     * The series with this index; index 0 is the phantom CT.
     *
     * @param i the index, from 0 to {@code spec.series() - 1}
     * @return the series
     */
    public Series series(int i) {
        if (i == 0) {
            return new Series(0, PHANTOM_SERIES, PHANTOM_STUDY, "phantom", "CT", 1, LocalDate.of(2020, 8, 13),
                    List.of(), List.of("phantom"));
        }
        long r = mix(spec.seed(), i, 1);
        int study = i / 3;
        String root = "1.2.826.0.1.3680043.10.1561." + Math.floorMod(spec.seed(), 1_000_000);
        int project = (int) Long.remainderUnsigned(r, Math.max(1, projects.size() * 2L));
        int projectId = project >= projects.size() ? 1 : project + 1;   // about half the series stay in admin
        List<String> tags = switch ((int) Long.remainderUnsigned(r >>> 20, 7)) {
            case 0 -> List.of("reviewed");
            case 1 -> List.of("tumor", "Überprüft");
            default -> List.of();
        };
        return new Series(i, root + ".2." + i, root + ".1." + study, "KM-" + (study / 2),
                MODALITIES.get((int) Long.remainderUnsigned(r >>> 8, MODALITIES.size())), projectId,
                LocalDate.of(2019, 1, 1).plusDays(Long.remainderUnsigned(r >>> 32, 2000)), tags, datasetsOf(i, r));
    }

    private List<String> datasetsOf(int i, long r) {
        int others = datasets.size() - 1;                  // every dataset but phantom
        int first = 1 + i % others;
        if (Long.remainderUnsigned(r >>> 40, 3) == 0 && others > 1) {
            int second = 1 + (int) ((i * 7L + 3) % others);
            if (second != first) {
                return List.of(datasets.get(first).name(), datasets.get(second).name());
            }
        }
        return List.of(datasets.get(first).name());
    }

    /**
     * The workflow with this index.
     *
     * @param i the index, from 0 to {@code spec.workflows() - 1}
     * @return the workflow
     */
    public Workflow workflow(int i) {
        long r = mix(spec.seed(), i, 2);
        // A bijection on 24 bits makes the 6-character ids unique and random-looking.
        String id = String.format("%06x", (i * 0x9E3779L + (spec.seed() & 0xFFFFFF)) & 0xFFFFFF);
        String dag = i < RENAMED_DAGS.size() ? RENAMED_DAGS.get(i) : DAGS.get((int) Long.remainderUnsigned(r, DAGS.size()));
        String user = users.get((int) Long.remainderUnsigned(r >>> 16, users.size())).username();
        String name = truncate(dag + "-" + id, 64);
        return new Workflow(i, id, name, dag, user, EPOCH.plusSeconds(i * 3600L));
    }

    /**
     * The job with this row id.
     *
     * @param id the id, from 1 to {@code spec.jobs()}
     * @return the job
     */
    public Job job(int id) {
        long r = mix(spec.seed(), id, 3);
        Workflow workflow = workflow((id - 1) % spec.workflows());
        int projectId = 1 + (int) Long.remainderUnsigned(r, projects.size());
        Dataset dataset = datasets.get((int) Long.remainderUnsigned(r >>> 12, datasets.size()));
        int n = 1 + (int) Long.remainderUnsigned(r >>> 24, 3);
        List<String> identifiers = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            identifiers.add(series((int) Long.remainderUnsigned(mix(r, k, 4), spec.series())).uid());
        }
        Instant created = workflow.created().plusSeconds(id % 3600);
        String runId = truncate(workflow.dagId() + "-" + created.getEpochSecond() + "-" + id, 64);
        return new Job(id, workflow, STATUSES.get((int) Long.remainderUnsigned(r >>> 36, STATUSES.size())), runId,
                projectId, dataset.name(), identifiers, Long.remainderUnsigned(r >>> 44, 10) == 0, created);
    }

    /**
     * The saved workflow form defaults of a user, keyed by DAG id, as the backend's {@code settings} row
     * with key {@code workflows} holds them. The default user's include a renamed DAG.
     *
     * @param user the user
     * @return the settings value
     */
    public Map<String, Object> workflowSettings(User user) {
        // Insertion-ordered maps only: the column is json (not jsonb) and keeps the text as written.
        Map<String, Object> validate = new LinkedHashMap<>();
        validate.put("exit_on_error", false);
        validate.put("validator_algorithm", "dicom-validator");
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("validate-dicoms", validate);
        if (user.username().equals(DEFAULT_USER)) {
            value.put(RENAMED_DAGS.get(1), Map.of("delete_original_file", true));
            value.put(EXTENSION_DAG, Map.of("threshold", 0.5));
        }
        return value;
    }

    private List<Project> buildProjects() {
        List<Project> list = new ArrayList<>();
        list.add(new Project(1, "admin", "Initial admin project", null));
        for (int k = 1; k < spec.projects(); k++) {
            String name = k <= PROJECT_NAMES.size() ? PROJECT_NAMES.get(k - 1) : "study-" + k;
            list.add(new Project(k + 1, name, "Project " + name, k % 2 == 0 ? "ext-" + k : null));
        }
        return List.copyOf(list);
    }

    private List<User> buildUsers() {
        List<User> list = new ArrayList<>();
        list.add(new User(DEFAULT_USER, uuid(0, 5), List.of(1)));
        for (int k = 1; k <= spec.users(); k++) {
            int p = 1 + (int) Long.remainderUnsigned(mix(spec.seed(), k, 6), spec.projects());
            List<Integer> ids = p == 1 ? List.of(1) : List.of(1, p);
            list.add(new User("user" + k, uuid(k, 5), ids));
        }
        return List.copyOf(list);
    }

    private List<Dataset> buildDatasets() {
        List<Dataset> list = new ArrayList<>();
        list.add(new Dataset("phantom", DEFAULT_USER, EPOCH));
        for (int k = 1; k < spec.datasets(); k++) {
            String base = DATASET_NAMES.get((k - 1) % DATASET_NAMES.size());
            String name = k <= DATASET_NAMES.size() ? base : base + " " + ((k - 1) / DATASET_NAMES.size() + 1);
            list.add(new Dataset(name, k % 2 == 0 ? DEFAULT_USER : "user1", EPOCH.plusSeconds(86_400L * k)));
        }
        return List.copyOf(list);
    }

    private List<Site> buildSites() {
        String someDataset = datasets.get(1).name();
        return List.of(
                new Site(1, LOCAL_SITE, false, "kaapana.local", List.of(), List.of()),
                new Site(2, "remote-site-a", true, "site-a.example.org",
                        List.of(RENAMED_DAGS.get(1), "total-segmentator", EXTENSION_DAG), List.of(someDataset)),
                new Site(3, "remote-site-b", true, "site-b.example.org",
                        List.of(RENAMED_DAGS.get(0), "validate-dicoms"), List.of()));
    }

    private String uuid(long i, int salt) {
        long a = mix(spec.seed(), i, salt);
        long b = mix(spec.seed(), i, salt + 100);
        return new UUID((a & ~0xF000L) | 0x4000L, (b & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    /** SplitMix64 over (seed, index, salt): a fresh, independent random value per item. */
    static long mix(long seed, long index, int salt) {
        long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + salt * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
