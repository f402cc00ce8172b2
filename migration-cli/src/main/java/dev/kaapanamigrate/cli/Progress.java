package dev.kaapanamigrate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kaapanamigrate.core.MigrationEvent;
import dev.kaapanamigrate.core.MigrationListener;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.kaapana.KaapanaReport;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Prints a run's events as plain lines: one per step start, finish and platform move, progress lines at most once per
 * step and ten per cent. {@link #of} picks JSON lines for {@code --json} and nothing for {@code --quiet}.
 */
final class Progress implements MigrationListener {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintWriter out;
    private String progressStep = "";
    private long lastTenth = -1;

    private Progress(PrintWriter out) {
        this.out = out;
    }

    /** The listener the output options ask for: JSON lines, nothing ({@code --quiet}), or plain lines. */
    static MigrationListener of(PrintWriter out, OutputOptions options) {
        if (options.json) {
            return new MigrationListener() {
                @Override
                public void onEvent(MigrationEvent event) {
                    json(out, event);
                }
            };
        }
        return options.quiet ? MigrationListener.NONE : new Progress(out);
    }

    @Override
    public void stepStarted(MigrationEvent.StepStarted event) {
        out.println("> " + event.stepId() + " (" + KaapanaReport.stateName(event.state()) + ")");
        out.flush();
    }

    @Override
    public void stepFinished(MigrationEvent.StepFinished event) {
        StepResult r = event.result();
        out.println("  " + r.status() + " " + r.stepId() + " in " + KaapanaReport.human(r.duration())
                + (r.changes().isEmpty() ? "" : ", " + r.changes().size() + " changes")
                + (r.message() == null || r.status().isDone() ? "" : ": " + r.message()));
        out.flush();
    }

    @Override
    public void stepChecked(MigrationEvent.StepChecked event) {
        StepCheck check = event.preview().check();
        String outcome = check instanceof StepCheck.Pending p ? p.changes().size() + " changes"
                : check.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        out.println("  checked " + event.preview().stepId() + ": " + outcome);
        out.flush();
    }

    @Override
    public void platformTransition(MigrationEvent.PlatformTransition event) {
        out.println("> platform: " + KaapanaReport.stateName(event.from()) + " -> "
                + KaapanaReport.stateName(event.to()));
        out.flush();
    }

    @Override
    public void stepProgress(MigrationEvent.StepProgress event) {
        long tenth = event.total() > 0 ? event.done() * 10 / event.total() : -1;
        if (!event.stepId().equals(progressStep)) {
            progressStep = event.stepId();
            lastTenth = -1;
        }
        if (tenth >= 0 && tenth == lastTenth) {
            return;
        }
        lastTenth = tenth;
        out.println("  " + event.done() + "/" + (event.total() < 0 ? "?" : event.total()) + " " + event.unit()
                + (event.item() == null || event.item().isEmpty() ? "" : ": " + event.item()));
        out.flush();
    }

    private static void json(PrintWriter out, MigrationEvent event) {
        ObjectNode n = JSON.createObjectNode();
        n.put("event", event.getClass().getSimpleName());
        if (event instanceof MigrationEvent.StepStarted e) {
            n.put("stepId", e.stepId()).put("state", e.state().name()).put("at", e.at().toString());
        } else if (event instanceof MigrationEvent.StepFinished e) {
            n.put("stepId", e.result().stepId()).put("status", e.result().status().name())
                    .put("durationMillis", e.result().duration().toMillis()).put("changes", e.result().changes().size());
            if (e.result().errorCode() != null) {
                n.put("errorCode", e.result().errorCode().code());
            }
        } else if (event instanceof MigrationEvent.StepProgress e) {
            n.put("stepId", e.stepId()).put("done", e.done()).put("total", e.total()).put("unit", e.unit());
        } else if (event instanceof MigrationEvent.PlatformTransition e) {
            n.put("from", e.from().name()).put("to", e.to().name());
        } else if (event instanceof MigrationEvent.StepChecked e) {
            n.put("stepId", e.preview().stepId()).put("check", e.preview().check().getClass().getSimpleName());
        } else if (event instanceof MigrationEvent.PlanFinished e) {
            n.put("status", e.result().status().name());
        } else if (event instanceof MigrationEvent.PreviewFinished e) {
            n.put("blocked", e.preview().isBlocked());
        }
        out.println(n.toString());
        out.flush();
    }
}
