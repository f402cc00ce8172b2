package dev.kaapanamigrate.kaapana.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** helm's and kubectl's JSON in the shapes they print (fields as documented, extra fields ignored). */
class ClusterSnapshotTest {

    @Test
    void helmReleasesWithChartVersions() {
        var releases = ClusterSnapshot.parseReleases("""
                [{"name":"kaapana-admin-chart","namespace":"default","revision":"3","updated":"2025-05-02 10:11:12.1 +0200 CEST",
                  "status":"deployed","chart":"kaapana-admin-chart-0.4.2","app_version":""},
                 {"name":"gpu-operator","namespace":"gpu-operator","revision":"1","updated":"x","status":"uninstalling",
                  "chart":"gpu-operator-v24.9.0","app_version":"v24.9.0"},
                 {"name":"site","namespace":"default","revision":"1","updated":"x","status":"deployed",
                  "chart":"kaapana-platform-chart-0.5.2-rc1","app_version":"0.5.2"}]
                """);
        assertThat(releases).extracting(ClusterSnapshot.Release::describe).containsExactly(
                "default/kaapana-admin-chart (kaapana-admin-chart-0.4.2, deployed)",
                "default/site (kaapana-platform-chart-0.5.2-rc1, deployed)",
                "gpu-operator/gpu-operator (gpu-operator-v24.9.0, uninstalling)");
        assertThat(releases.get(0).chartName()).isEqualTo("kaapana-admin-chart");
        assertThat(releases.get(0).chartMajorMinor()).hasValueSatisfying(v -> assertThat(v).containsExactly(0, 4));
        assertThat(releases.get(1).chartName()).isEqualTo("kaapana-platform-chart");
        assertThat(releases.get(1).chartVersion()).contains("0.5.2-rc1");
        assertThat(ClusterSnapshot.parseReleases("[]")).isEmpty();
        assertThat(ClusterSnapshot.parseReleases("")).isEmpty();
        assertThatThrownBy(() -> ClusterSnapshot.parseReleases("NAME NAMESPACE REVISION"))
                .hasMessageContaining("no valid JSON");
    }

    @Test
    void podStatusesAsKubectlShowsThem() {
        var pods = ClusterSnapshot.parsePods("""
                {"apiVersion":"v1","kind":"List","items":[
                 {"metadata":{"name":"a","namespace":"services"},"spec":{"containers":[{"name":"c"},{"name":"d"}]},
                  "status":{"phase":"Running","containerStatuses":[{"name":"c","ready":true,"state":{"running":{}}},
                                                                 {"name":"d","ready":false,"state":{"running":{}}}]}},
                 {"metadata":{"name":"b","namespace":"services","deletionTimestamp":"2025-01-01T00:00:00Z"},
                  "status":{"phase":"Running","containerStatuses":[{"name":"c","ready":true,"state":{"running":{}}}]}},
                 {"metadata":{"name":"c","namespace":"services"},
                  "status":{"phase":"Running","containerStatuses":[{"name":"c","ready":false,
                            "state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off 5m0s"}}}]}},
                 {"metadata":{"name":"d","namespace":"services","ownerReferences":[{"kind":"Job","name":"init"}]},
                  "status":{"phase":"Succeeded","containerStatuses":[{"name":"c","ready":false,
                            "state":{"terminated":{"reason":"Completed","exitCode":0}}}]}},
                 {"metadata":{"name":"e","namespace":"admin"},"spec":{"containers":[{"name":"c"}]},
                  "status":{"phase":"Pending"}}]}
                """);
        assertThat(pods).extracting(ClusterSnapshot.Pod::describe).containsExactly("admin/e (Pending)",
                "services/a (Running, 1/2 ready)", "services/b (Terminating)", "services/c (CrashLoopBackOff, 0/1 ready)",
                "services/d (Completed)");
        assertThat(pods).extracting(ClusterSnapshot.Pod::readyOrCompleted).containsExactly(false, false, false, false,
                true);
        assertThat(pods.get(4).job()).isEqualTo("init");
    }

    @Test
    void jobsCompleteFailedOrRunning() {
        var jobs = ClusterSnapshot.parseJobs("""
                {"items":[
                 {"metadata":{"name":"done","namespace":"services"},"spec":{"completions":1},
                  "status":{"succeeded":1,"conditions":[{"type":"Complete","status":"True"}]}},
                 {"metadata":{"name":"failed","namespace":"services"},"spec":{"completions":1},
                  "status":{"failed":6,"conditions":[{"type":"Failed","status":"True","reason":"BackoffLimitExceeded"}]}},
                 {"metadata":{"name":"running","namespace":"services"},"spec":{"completions":1},"status":{"active":1}}]}
                """);
        assertThat(jobs).extracting(ClusterSnapshot.Job::describe).containsExactly("services/done (complete)",
                "services/failed (failed after 6 failed pod(s))", "services/running (running)");
    }
}
