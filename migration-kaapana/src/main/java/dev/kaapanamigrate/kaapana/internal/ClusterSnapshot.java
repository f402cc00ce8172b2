package dev.kaapanamigrate.kaapana.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code helm list --all-namespaces --all --output json}, {@code kubectl get pods --all-namespaces --output json}
 * and {@code kubectl get jobs --all-namespaces --output json} report, reduced to what the platform control decides on.
 * Pod specifications (which hold environment values, passwords among them) are never kept.
 *
 * @param releases the Helm releases
 * @param pods     the pods
 * @param jobs     the jobs
 */
public record ClusterSnapshot(List<Release> releases, List<Pod> pods, List<Job> jobs) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CHART_VERSION = Pattern.compile("^(.*)-v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?(-[^\\s]*)?$");

    /**
     * Copies the lists.
     *
     * @param releases the releases
     * @param pods     the pods
     * @param jobs     the jobs
     */
    public ClusterSnapshot {
        releases = List.copyOf(releases);
        pods = List.copyOf(pods);
        jobs = List.copyOf(jobs);
    }

    /**
     * A Helm release.
     *
     * @param namespace  its namespace
     * @param name       its name
     * @param status     helm's status ({@code deployed}, {@code uninstalling}, {@code pending-install}, ...)
     * @param chart      the chart and its version as helm prints them, e.g. {@code kaapana-admin-chart-0.5.2}
     * @param appVersion the app version, possibly empty
     */
    public record Release(String namespace, String name, String status, String chart, String appVersion) {
        /**
         * The chart's name without its version.
         *
         * @return e.g. {@code kaapana-admin-chart}
         */
        public String chartName() {
            Matcher m = CHART_VERSION.matcher(chart);
            return m.matches() ? m.group(1) : chart;
        }

        /**
         * The chart's major and minor version.
         *
         * @return e.g. {@code [0, 5]}, or empty when the chart has no version in its name
         */
        public Optional<int[]> chartMajorMinor() {
            Matcher m = CHART_VERSION.matcher(chart);
            return m.matches() ? Optional.of(new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))})
                    : Optional.empty();
        }

        /**
         * The chart's version.
         *
         * @return e.g. {@code 0.5.2}, or empty
         */
        public Optional<String> chartVersion() {
            Matcher m = CHART_VERSION.matcher(chart);
            if (!m.matches()) {
                return Optional.empty();
            }
            return Optional.of(m.group(2) + "." + m.group(3) + (m.group(4) == null ? "" : "." + m.group(4))
                    + (m.group(5) == null ? "" : m.group(5)));
        }

        /**
         * For messages.
         *
         * @return e.g. {@code default/kaapana-admin-chart (kaapana-admin-chart-0.4.2, uninstalling)}
         */
        public String describe() {
            return namespace + "/" + name + " (" + chart + ", " + status + ")";
        }
    }

    /**
     * A pod.
     *
     * @param namespace   its namespace
     * @param name        its name
     * @param phase       {@code Pending}, {@code Running}, {@code Succeeded}, {@code Failed} or {@code Unknown}
     * @param ready       containers ready
     * @param containers  containers in all
     * @param terminating whether it is being deleted
     * @param reason      the first container's waiting or terminated reason ({@code CrashLoopBackOff}, ...), or empty
     * @param job         the job that owns it, or empty
     */
    public record Pod(String namespace, String name, String phase, int ready, int containers, boolean terminating,
                      String reason, String job) {
        /**
         * Whether it runs with every container ready, or has completed.
         *
         * @return {@code true} when Running and ready, or Succeeded
         */
        public boolean readyOrCompleted() {
            return !terminating && ("Succeeded".equals(phase)
                    || ("Running".equals(phase) && containers > 0 && ready == containers));
        }

        /**
         * Its status as {@code kubectl get pods} shows it.
         *
         * @return e.g. {@code Running}, {@code Completed}, {@code Terminating}, {@code CrashLoopBackOff}
         */
        public String status() {
            if (terminating) {
                return "Terminating";
            }
            if (!reason.isEmpty()) {
                return reason;
            }
            return "Succeeded".equals(phase) ? "Completed" : phase;
        }

        /**
         * For messages.
         *
         * @return e.g. {@code services/airflow-0 (Running, 1/2 ready)}
         */
        public String describe() {
            return namespace + "/" + name + " (" + status() + ("Running".equals(phase) && !terminating
                    ? ", " + ready + "/" + containers + " ready" : "") + ")";
        }
    }

    /**
     * A job.
     *
     * @param namespace its namespace
     * @param name      its name
     * @param complete  whether it completed
     * @param failed    whether it failed for good (condition {@code Failed})
     * @param failures  how many of its pods failed
     */
    public record Job(String namespace, String name, boolean complete, boolean failed, int failures) {
        /**
         * For messages.
         *
         * @return e.g. {@code services/init-projects (running)}
         */
        public String describe() {
            return namespace + "/" + name + " (" + (complete ? "complete" : failed ? "failed after " + failures
                    + " failed pod(s)" : "running") + ")";
        }
    }

    /**
     * Reads helm's JSON list.
     *
     * @param json the output of {@code helm list --output json}
     * @return the releases
     * @throws IllegalArgumentException when it is not a JSON list of releases
     */
    public static List<Release> parseReleases(String json) {
        JsonNode root = read(json, "helm list");
        if (root.isNull() || root.isMissingNode()) {
            return List.of();
        }
        if (!root.isArray()) {
            throw new IllegalArgumentException("helm list printed " + root.getNodeType() + " instead of a JSON list");
        }
        List<Release> out = new ArrayList<>();
        for (JsonNode r : root) {
            out.add(new Release(text(r, "namespace"), text(r, "name"), text(r, "status"), text(r, "chart"),
                    text(r, "app_version")));
        }
        out.sort(Comparator.comparing(Release::namespace).thenComparing(Release::name));
        return out;
    }

    /**
     * Reads kubectl's pod list.
     *
     * @param json the output of {@code kubectl get pods --output json}
     * @return the pods
     * @throws IllegalArgumentException when it is not a JSON list of pods
     */
    public static List<Pod> parsePods(String json) {
        List<Pod> out = new ArrayList<>();
        for (JsonNode p : items(json, "kubectl get pods")) {
            JsonNode meta = p.path("metadata");
            JsonNode status = p.path("status");
            int ready = 0;
            int containers = 0;
            String reason = "";
            for (JsonNode c : status.path("containerStatuses")) {
                containers++;
                if (c.path("ready").asBoolean(false)) {
                    ready++;
                }
                if (reason.isEmpty()) {
                    reason = c.path("state").path("waiting").path("reason").asText("");
                }
            }
            if (containers == 0) {
                containers = p.path("spec").path("containers").size();
            }
            String job = "";
            for (JsonNode owner : meta.path("ownerReferences")) {
                if ("Job".equals(owner.path("kind").asText())) {
                    job = owner.path("name").asText("");
                }
            }
            out.add(new Pod(meta.path("namespace").asText(""), meta.path("name").asText(""),
                    status.path("phase").asText("Unknown"), ready, containers,
                    meta.hasNonNull("deletionTimestamp"), reason, job));
        }
        out.sort(Comparator.comparing(Pod::namespace).thenComparing(Pod::name));
        return out;
    }

    /**
     * Reads kubectl's job list.
     *
     * @param json the output of {@code kubectl get jobs --output json}
     * @return the jobs
     * @throws IllegalArgumentException when it is not a JSON list of jobs
     */
    public static List<Job> parseJobs(String json) {
        List<Job> out = new ArrayList<>();
        for (JsonNode j : items(json, "kubectl get jobs")) {
            JsonNode status = j.path("status");
            boolean complete = false;
            boolean failed = false;
            for (JsonNode c : status.path("conditions")) {
                boolean isTrue = "True".equals(c.path("status").asText());
                complete |= isTrue && "Complete".equals(c.path("type").asText());
                failed |= isTrue && "Failed".equals(c.path("type").asText());
            }
            int completions = j.path("spec").path("completions").asInt(1);
            complete |= status.path("succeeded").asInt(0) >= Math.max(1, completions);
            out.add(new Job(j.path("metadata").path("namespace").asText(""), j.path("metadata").path("name").asText(""),
                    complete, failed && !complete, status.path("failed").asInt(0)));
        }
        out.sort(Comparator.comparing(Job::namespace).thenComparing(Job::name));
        return out;
    }

    private static Iterable<JsonNode> items(String json, String what) {
        JsonNode root = read(json, what);
        JsonNode items = root.path("items");
        if (!root.isObject() || !(items.isArray() || items.isMissingNode() || items.isNull())) {
            throw new IllegalArgumentException(what + " printed no JSON object with an 'items' list");
        }
        return items.isArray() ? items : List.of();
    }

    private static JsonNode read(String json, String what) {
        try {
            JsonNode node = JSON.readTree(json.isBlank() ? "null" : json);
            return node == null ? JSON.nullNode() : node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " printed no valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).asText("");
    }
}
