package dev.kaapanamigrate.kaapana.internal;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepPreview;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.kaapana.KaapanaReport;
import dev.kaapanamigrate.kaapana.PlatformCommand;
import dev.kaapanamigrate.kaapana.StoreCount;
import java.time.Duration;
import java.util.List;

/**
 * Renders a {@link KaapanaReport} as one self-contained HTML page: inline style, no script, no font, a content security
 * policy that loads nothing. Elements carry {@code data-} attributes with the exact values (durations in
 * milliseconds, counts) so that programs and tests can read the page back.
 */
public final class ReportHtml {

    private static final String STYLE = """
            :root{--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--muted:#57606a;--line:#d0d7de;--bg:#f6f8fa}
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#fff}
            header{padding:16px 24px;background:var(--bg);border-bottom:1px solid var(--line)}
            main{padding:8px 24px 40px;max-width:1200px}
            h1{font-size:20px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid var(--line)}
            h3{font-size:15px;margin:18px 0 6px}
            dl.totals{display:flex;flex-wrap:wrap;gap:6px 24px;margin:8px 0}dl.totals div{min-width:120px}
            dt{color:var(--muted);font-size:12px}dd{margin:0;font-size:18px;font-weight:600}
            table{border-collapse:collapse;width:100%;margin:4px 0 8px}
            th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
            th{font-size:12px;color:var(--muted);font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
            .badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;background:var(--muted)}
            .ok{background:var(--ok)}.bad{background:var(--bad)}.warn{background:var(--warn)}
            .bar{display:inline-block;height:10px;background:#54aeff;border-radius:2px;vertical-align:middle}
            .barcell{width:28%}details{margin:2px 0 6px}summary{cursor:pointer;color:var(--muted)}
            pre{white-space:pre-wrap;word-break:break-all;background:var(--bg);padding:8px;border-radius:4px;margin:4px 0;font-size:12px}
            .fact-fail td{color:var(--bad)}.muted{color:var(--muted)}
            ul.plain{padding-left:18px}li{margin:3px 0}.problem{border-left:4px solid var(--bad);padding:4px 10px;margin:8px 0;background:#fff8f8}
            """;

    private ReportHtml() {
    }

    /**
     * The page.
     *
     * @param report the report
     * @return the HTML text
     */
    public static String render(KaapanaReport report) {
        StringBuilder h = new StringBuilder(64 * 1024);
        MigrationResult result = report.result().orElse(null);
        PlanPreview preview = report.preview().orElse(null);
        String title = result != null ? (result.operation() == MigrationResult.Operation.VERIFY ? "Verification"
                : "Migration run") : "Dry-run";
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                        + "style-src 'unsafe-inline'; img-src data:\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"kaapana-migrate\">\n")
                .append("<title>kaapana-migrate: ").append(esc(title)).append(' ')
                .append(esc(result != null ? result.status().name() : preview.isBlocked() ? "BLOCKED" : "nothing blocks"))
                .append("</title>\n<style>").append(STYLE).append("</style></head><body>\n");
        header(h, report, title, result, preview);
        h.append("<main>\n");
        problems(h, report);
        followUps(h, report);
        if (result != null) {
            timeline(h, result);
            counts(h, report.counts());
        } else {
            previewSteps(h, preview);
        }
        commands(h, report.commands());
        options(h, report.options());
        if (result != null && !result.notes().isEmpty()) {
            h.append("<section id=\"notes\"><h2>Notes</h2><ul class=\"plain\">");
            result.notes().forEach(n -> h.append("<li>").append(esc(n)).append("</li>"));
            h.append("</ul></section>\n");
        }
        h.append("</main></body></html>\n");
        return h.toString();
    }

    private static void header(StringBuilder h, KaapanaReport report, String title, MigrationResult result,
                               PlanPreview preview) {
        h.append("<header><h1>kaapana-migrate · ").append(esc(title)).append("</h1>\n<div class=\"muted\">");
        if (result != null) {
            h.append("run ").append(esc(result.runId().toString())).append(" · started ")
                    .append(esc(result.startedAt().toString())).append(" · finished ")
                    .append(esc(result.finishedAt().toString()));
        } else {
            h.append("dry-run ").append(esc(preview.runId().toString())).append(" · checked ")
                    .append(esc(preview.checkedAt().toString()));
        }
        h.append("</div>\n<section id=\"summary\"><dl class=\"totals\">");
        if (result != null) {
            String status = result.status().name();
            long changes = result.steps().stream().mapToLong(s -> s.changes().size()).sum();
            long done = result.steps().stream().filter(s -> s.status().isDone()).count();
            total(h, "status", "Status", "<span class=\"badge " + badge(status) + "\">" + status + "</span>",
                    "data-status=\"" + status + "\"");
            total(h, "duration", "Duration", esc(KaapanaReport.human(result.duration())),
                    "data-ms=\"" + result.duration().toMillis() + "\"");
            total(h, "step-count", "Steps", Integer.toString(result.steps().size()),
                    "data-value=\"" + result.steps().size() + "\"");
            total(h, "done-count", "Done", Long.toString(done), "data-value=\"" + done + "\"");
            total(h, "change-count", "Changes", Long.toString(changes), "data-value=\"" + changes + "\"");
            total(h, "platform", "Platform at the end", esc(KaapanaReport.stateName(report.platformState())),
                    "data-state=\"" + report.platformState() + "\"");
        } else {
            String status = preview.isBlocked() ? "BLOCKED" : "OK";
            total(h, "status", "Dry-run", "<span class=\"badge " + badge(status) + "\">"
                    + (preview.isBlocked() ? "BLOCKED" : "nothing blocks") + "</span>", "data-status=\"" + status + "\"");
            total(h, "step-count", "Steps", Integer.toString(preview.steps().size()),
                    "data-value=\"" + preview.steps().size() + "\"");
            total(h, "change-count", "Changes pending", Integer.toString(preview.changes().size()),
                    "data-value=\"" + preview.changes().size() + "\"");
            total(h, "platform", "Platform", esc(KaapanaReport.stateName(preview.platformState())),
                    "data-state=\"" + preview.platformState() + "\"");
        }
        h.append("</dl></section>\n<pre id=\"brief\">").append(esc(report.brief())).append("</pre></header>\n");
    }

    private static void total(StringBuilder h, String id, String label, String valueHtml, String attributes) {
        h.append("<div><dt>").append(esc(label)).append("</dt><dd id=\"").append(id).append("\" ").append(attributes)
                .append('>').append(valueHtml).append("</dd></div>");
    }

    private static void problems(StringBuilder h, KaapanaReport report) {
        List<KaapanaReport.Issue> issues = report.problems();
        h.append("<section id=\"problems\"><h2>Problems (").append(issues.size()).append(")</h2>\n");
        if (issues.isEmpty()) {
            h.append("<p class=\"muted\">None.</p>");
        }
        for (KaapanaReport.Issue i : issues) {
            h.append("<div class=\"problem\" data-step-id=\"").append(esc(i.stepId())).append("\" data-code=\"")
                    .append(esc(i.problem().code().code())).append("\"><b>")
                    .append(esc(i.stepId().isEmpty() ? "the plan" : i.stepId())).append("</b> <code>")
                    .append(esc(i.problem().code().code())).append("</code><br>Found: ").append(esc(i.problem().found()))
                    .append("<br>Expected: ").append(esc(i.problem().expected())).append("<br><b>Fix:</b> ")
                    .append(esc(i.problem().fix())).append("</div>\n");
        }
        h.append("</section>\n");
    }

    private static void followUps(StringBuilder h, KaapanaReport report) {
        List<String> todo = report.followUps();
        h.append("<section id=\"followups\"><h2>Still to do (").append(todo.size()).append(")</h2>\n");
        if (todo.isEmpty()) {
            h.append("<p class=\"muted\">Nothing.</p>");
        } else {
            h.append("<ul class=\"plain\">");
            todo.forEach(t -> h.append("<li class=\"followup\">").append(esc(t)).append("</li>"));
            h.append("</ul>");
        }
        h.append("</section>\n");
    }

    private static void timeline(StringBuilder h, MigrationResult result) {
        long max = Math.max(1, result.steps().stream().mapToLong(s -> s.duration().toMillis()).max().orElse(1));
        h.append("<section id=\"timeline\"><h2>Timeline by platform state</h2>\n");
        for (PlatformState state : PlatformState.values()) {
            List<StepResult> steps = result.steps().stream().filter(s -> s.state() == state).toList();
            if (steps.isEmpty()) {
                continue;
            }
            Duration sum = steps.stream().map(StepResult::duration).reduce(Duration.ZERO, Duration::plus);
            h.append("<h3 class=\"state\" data-state=\"").append(state).append("\" data-ms=\"").append(sum.toMillis())
                    .append("\">").append(esc(KaapanaReport.stateName(state))).append(" · ").append(steps.size())
                    .append(" steps · ").append(esc(KaapanaReport.human(sum))).append("</h3>\n")
                    .append("<table class=\"steps\"><thead><tr><th>step</th><th>status</th><th>duration</th>"
                            + "<th class=\"barcell\"></th><th>changes</th></tr></thead><tbody>\n");
            for (StepResult s : steps) {
                long ms = s.duration().toMillis();
                h.append("<tr class=\"step\" data-step-id=\"").append(esc(s.stepId())).append("\" data-state=\"")
                        .append(state).append("\" data-status=\"").append(s.status()).append("\" data-duration-ms=\"")
                        .append(ms).append("\" data-changes=\"").append(s.changes().size()).append("\"><td><code>")
                        .append(esc(s.stepId())).append("</code></td><td><span class=\"badge ")
                        .append(badge(s.status().name())).append("\">").append(s.status()).append("</span></td>")
                        .append("<td class=\"num duration\">").append(esc(KaapanaReport.human(s.duration())))
                        .append("</td><td class=\"barcell\"><span class=\"bar\" style=\"width:")
                        .append(Math.max(0.5, 100.0 * ms / max)).append("%\"></span></td><td class=\"num changes\">")
                        .append(s.changes().size()).append("</td></tr>\n");
                h.append("<tr class=\"step-detail\"><td colspan=\"5\"><details><summary>")
                        .append(esc(s.description() == null ? "" : s.description())).append("</summary>");
                if (s.message() != null) {
                    h.append("<p>").append(esc(s.message())).append("</p>");
                }
                changes(h, s.changes());
                if (s.verification() != null && !s.verification().facts().isEmpty()) {
                    h.append("<table class=\"facts\"><thead><tr><th>checked</th><th>expected</th><th>found</th>"
                            + "<th>basis</th></tr></thead><tbody>");
                    for (Verification.Fact f : s.verification().facts()) {
                        h.append("<tr class=\"fact").append(f.passed() ? "" : " fact-fail").append("\"><td>")
                                .append(esc(f.name())).append("</td><td>").append(esc(f.expected())).append("</td><td>")
                                .append(esc(f.actual())).append("</td><td>").append(f.basis()).append("</td></tr>");
                    }
                    h.append("</tbody></table>");
                }
                h.append("</details></td></tr>\n");
            }
            h.append("</tbody></table>\n");
        }
        h.append("</section>\n");
    }

    private static void changes(StringBuilder h, List<Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        h.append("<table class=\"changes\"><thead><tr><th>change</th><th>target</th><th>before</th><th>after</th>"
                + "<th>count</th></tr></thead><tbody>");
        for (Change c : changes) {
            h.append("<tr class=\"change\"><td>").append(c.kind()).append("</td><td>").append(esc(c.target()))
                    .append("</td><td>").append(esc(c.before() == null ? "" : c.before())).append("</td><td>")
                    .append(esc(c.after() == null ? "" : c.after())).append("</td><td class=\"num\">").append(c.count())
                    .append("</td></tr>");
        }
        h.append("</tbody></table>");
    }

    private static void counts(StringBuilder h, List<StoreCount> counts) {
        h.append("<section id=\"counts\"><h2>Before and after, per store and project</h2>\n");
        if (counts.isEmpty()) {
            h.append("<p class=\"muted\">No store was counted (no baseline was verified in this run).</p></section>\n");
            return;
        }
        String store = null;
        for (StoreCount c : counts) {
            if (!c.store().equals(store)) {
                if (store != null) {
                    h.append("</tbody></table>\n");
                }
                store = c.store();
                h.append("<h3>").append(esc(store)).append("</h3><table class=\"counts\"><thead><tr><th>project</th>"
                        + "<th>item</th><th>before</th><th>after</th><th></th><th>step</th></tr></thead><tbody>\n");
            }
            h.append("<tr class=\"count\" data-store=\"").append(esc(c.store())).append("\" data-project=\"")
                    .append(esc(c.project())).append("\" data-item=\"").append(esc(c.item())).append("\" data-before=\"")
                    .append(c.before() == null ? "" : c.before()).append("\" data-after=\"")
                    .append(c.after() == null ? "" : c.after()).append("\"><td>").append(esc(c.project()))
                    .append("</td><td><code>").append(esc(c.item())).append("</code></td><td class=\"num before\" title=\"")
                    .append(esc(c.beforeText())).append("\">").append(c.before() == null ? "–" : c.before() + " " + c.unit())
                    .append("</td><td class=\"num after\" title=\"").append(esc(c.afterText())).append("\">")
                    .append(c.after() == null ? "–" : c.after() + " " + c.unit()).append("</td><td><span class=\"badge ")
                    .append(c.passed() ? "ok\">kept" : "bad\">differs").append("</span></td><td><code>")
                    .append(esc(c.stepId())).append("</code></td></tr>\n");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void previewSteps(StringBuilder h, PlanPreview preview) {
        h.append("<section id=\"timeline\"><h2>Steps by platform state</h2>\n");
        for (PlatformState state : PlatformState.values()) {
            List<StepPreview> steps = preview.steps().stream().filter(s -> s.requiredState() == state).toList();
            if (steps.isEmpty()) {
                continue;
            }
            h.append("<h3 class=\"state\" data-state=\"").append(state).append("\">")
                    .append(esc(KaapanaReport.stateName(state))).append(" · ").append(steps.size()).append(" steps</h3>")
                    .append("<table class=\"steps\"><thead><tr><th>step</th><th>check</th><th>changes</th>"
                            + "<th>detail</th></tr></thead><tbody>\n");
            for (StepPreview s : steps) {
                StepCheck c = s.check();
                String outcome = outcome(c);
                List<Change> changes = c instanceof StepCheck.Pending p ? p.changes() : List.of();
                h.append("<tr class=\"step\" data-step-id=\"").append(esc(s.stepId())).append("\" data-state=\"")
                        .append(state).append("\" data-status=\"").append(outcome).append("\" data-changes=\"")
                        .append(changes.size()).append("\"><td><code>").append(esc(s.stepId()))
                        .append("</code></td><td><span class=\"badge ").append(badge(outcome)).append("\">")
                        .append(outcome).append("</span></td><td class=\"num changes\">").append(changes.size())
                        .append("</td><td>").append(esc(detail(c))).append("</td></tr>\n");
                if (!changes.isEmpty()) {
                    h.append("<tr class=\"step-detail\"><td colspan=\"4\"><details><summary>")
                            .append(esc(s.description() == null ? "" : s.description())).append("</summary>");
                    changes(h, changes);
                    h.append("</details></td></tr>\n");
                }
            }
            h.append("</tbody></table>\n");
        }
        h.append("</section>\n");
    }

    private static String outcome(StepCheck c) {
        if (c instanceof StepCheck.UpToDate) {
            return "UP_TO_DATE";
        } else if (c instanceof StepCheck.Pending) {
            return "PENDING";
        } else if (c instanceof StepCheck.Blocked) {
            return "BLOCKED";
        } else if (c instanceof StepCheck.Deferred) {
            return "DEFERRED";
        } else if (c instanceof StepCheck.Waiting) {
            return "WAITING";
        }
        return "SKIPPED";
    }

    private static String detail(StepCheck c) {
        if (c instanceof StepCheck.UpToDate u) {
            return u.detail();
        } else if (c instanceof StepCheck.Pending p) {
            return p.changes().size() + " changes";
        } else if (c instanceof StepCheck.Blocked b) {
            return b.problem().message();
        } else if (c instanceof StepCheck.Deferred d) {
            return "checked once the platform is " + KaapanaReport.stateName(d.state()) + ": " + d.reason();
        } else if (c instanceof StepCheck.Waiting w) {
            return "checked after " + String.join(", ", w.stepIds()) + ": " + w.reason();
        }
        return ((StepCheck.Skipped) c).reason();
    }

    private static void commands(StringBuilder h, List<PlatformCommand> commands) {
        if (commands.isEmpty()) {
            return;
        }
        h.append("<section id=\"commands\"><h2>Platform commands (").append(commands.size()).append(")</h2>\n")
                .append("<table class=\"commands\"><thead><tr><th>started</th><th>purpose</th><th>command</th>"
                        + "<th>exit</th><th>duration</th></tr></thead><tbody>\n");
        for (PlatformCommand c : commands) {
            h.append("<tr class=\"command\" data-exit=\"").append(c.exitCode()).append("\"><td>")
                    .append(esc(c.startedAt().toString())).append("</td><td>").append(esc(c.purpose()))
                    .append("</td><td><code>").append(esc(String.join(" ", c.commandLine()))).append("</code>");
            if (!c.output().isBlank()) {
                h.append("<details><summary>output</summary><pre>").append(esc(c.output())).append("</pre></details>");
            }
            h.append("</td><td><span class=\"badge ").append(c.succeeded() ? "ok" : "bad").append("\">")
                    .append(c.timedOut() ? "timed out" : Integer.toString(c.exitCode())).append("</span></td>")
                    .append("<td class=\"num\">").append(esc(KaapanaReport.human(c.duration()))).append("</td></tr>\n");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void options(StringBuilder h, java.util.Map<String, String> options) {
        if (options.isEmpty()) {
            return;
        }
        h.append("<section id=\"options\"><h2>Options</h2><table class=\"options\"><tbody>\n");
        options.forEach((name, value) -> h.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value))
                .append("</td></tr>\n"));
        h.append("</tbody></table></section>\n");
    }

    private static String badge(String status) {
        return switch (status) {
            case "SUCCEEDED", "APPLIED", "UP_TO_DATE", "VERIFIED", "VERIFIED_EARLIER", "OK", "PENDING" -> "ok";
            case "INCOMPLETE", "PAUSED", "SKIPPED", "DEFERRED", "WAITING" -> "warn";
            case "NOT_RUN" -> "";
            default -> "bad";
        };
    }

    /**
     * Escapes text for HTML content and attribute values.
     *
     * @param s the text
     * @return the escaped text
     */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
                        out.append("&#").append((int) c).append(';');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
