package dev.kaapanamigrate.examples;

import dev.kaapanamigrate.core.MigrationEvent;
import dev.kaapanamigrate.core.MigrationListener;
import java.io.PrintStream;

/** A listener that prints step starts and progress, for the example programs. */
public final class ConsoleProgress implements MigrationListener {

    private final PrintStream out;

    /**
     * Creates the listener.
     *
     * @param out where to print
     */
    public ConsoleProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void stepStarted(MigrationEvent.StepStarted event) {
        out.println("> " + event.stepId() + " (" + event.state() + ")");
    }

    @Override
    public void platformTransition(MigrationEvent.PlatformTransition event) {
        out.println("> platform: " + event.from() + " -> " + event.to());
    }

    @Override
    public void stepProgress(MigrationEvent.StepProgress event) {
        out.println("  " + event.done() + "/" + (event.total() < 0 ? "?" : event.total()) + " " + event.unit()
                + (event.item().isEmpty() ? "" : ": " + event.item()));
    }
}
