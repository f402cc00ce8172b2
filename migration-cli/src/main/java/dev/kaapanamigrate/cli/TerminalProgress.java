package dev.kaapanamigrate.cli;

import dev.kaapanamigrate.core.MigrationEvent;
import dev.kaapanamigrate.core.MigrationListener;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.kaapana.KaapanaReport;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Status;

/**
 * The live view on a terminal (JLine): one coloured line per finished step and a status line at the bottom with a
 * progress bar of the running step. Used only when standard output is a terminal and neither {@code --json} nor
 * {@code --quiet} is given; {@link Progress} prints plain lines otherwise.
 */
final class TerminalProgress implements MigrationListener, AutoCloseable {

    private static final int BAR = 30;

    private final Terminal terminal;
    private final Status status;
    private String running = "";

    private TerminalProgress(Terminal terminal, Status status) {
        this.terminal = terminal;
        this.status = status;
    }

    /** The live view, when standard output is a terminal that can hold a status line. */
    static Optional<TerminalProgress> open(OutputOptions options) {
        if (options.json || options.quiet || System.console() == null) {
            return Optional.empty();
        }
        Terminal terminal = null;
        try {
            terminal = TerminalBuilder.builder().system(true).dumb(true).build();
            Status status = Terminal.TYPE_DUMB.equals(terminal.getType())
                    || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType()) ? null : Status.getStatus(terminal);
            if (status == null) {
                terminal.close();
                return Optional.empty();
            }
            return Optional.of(new TerminalProgress(terminal, status));
        } catch (IOException | RuntimeException e) {
            if (terminal != null) {
                try {
                    terminal.close();
                } catch (IOException ignored) {
                    // plain lines instead
                }
            }
            return Optional.empty();
        }
    }

    @Override
    public synchronized void stepStarted(MigrationEvent.StepStarted event) {
        running = event.stepId();
        show(new AttributedStringBuilder().style(AttributedStyle.BOLD).append(running).style(AttributedStyle.DEFAULT)
                .append(" (").append(KaapanaReport.stateName(event.state())).append(")").toAttributedString());
    }

    @Override
    public synchronized void stepProgress(MigrationEvent.StepProgress event) {
        AttributedStringBuilder line = new AttributedStringBuilder();
        if (event.total() > 0) {
            int filled = (int) Math.min(BAR, event.done() * BAR / event.total());
            line.append("[").style(AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN))
                    .append("#".repeat(filled)).style(AttributedStyle.DEFAULT).append(".".repeat(BAR - filled))
                    .append(String.format(Locale.ROOT, "] %3d%% ", event.done() * 100 / event.total()));
        }
        line.append(event.stepId()).append("  ").append(String.format(Locale.ROOT, "%,d", event.done()))
                .append(event.total() > 0 ? String.format(Locale.ROOT, "/%,d", event.total()) : "").append(' ')
                .append(event.unit());
        show(line.toAttributedString());
    }

    @Override
    public synchronized void stepFinished(MigrationEvent.StepFinished event) {
        StepResult r = event.result();
        AttributedStyle colour = r.status().isDone() ? AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN)
                : r.status() == StepStatus.SKIPPED || r.status() == StepStatus.NOT_RUN
                ? AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW)
                : AttributedStyle.DEFAULT.foreground(AttributedStyle.RED).bold();
        AttributedString line = new AttributedStringBuilder().style(colour).append(String.format(Locale.ROOT, "%-17s",
                r.status())).style(AttributedStyle.DEFAULT).append(r.stepId()).append("  ")
                .append(KaapanaReport.human(r.duration()))
                .append(r.changes().isEmpty() ? "" : ", " + r.changes().size() + " changes").toAttributedString();
        print(line);
        show(AttributedString.EMPTY);
    }

    @Override
    public synchronized void platformTransition(MigrationEvent.PlatformTransition event) {
        print(new AttributedStringBuilder().style(AttributedStyle.BOLD).append("platform: ")
                .append(KaapanaReport.stateName(event.from())).append(" -> ").append(KaapanaReport.stateName(event.to()))
                .toAttributedString());
    }

    private void show(AttributedString line) {
        status.update(List.of(line.columnSubSequence(0, Math.max(10, terminal.getSize().getColumns() - 1))));
    }

    private void print(AttributedString line) {
        status.suspend();
        terminal.writer().println(line.toAnsi(terminal));
        terminal.writer().flush();
        status.restore();
    }

    @Override
    public synchronized void close() {
        status.close();
        try {
            terminal.close();
        } catch (IOException ignored) {
            // the run is over; nothing to keep
        }
    }
}
