package dev.kaapanamigrate.core.internal;

import dev.kaapanamigrate.core.MigrationEvent;
import dev.kaapanamigrate.core.MigrationListener;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the plan's listeners. Whatever a listener throws (errors included, except those of the
 * virtual machine itself) is logged and never breaks a run.
 */
public final class SafeListener implements MigrationListener {

    private static final Logger LOG = LoggerFactory.getLogger(SafeListener.class);

    private final List<MigrationListener> listeners;

    /**
     * Wraps listeners.
     *
     * @param listeners the listeners, called in order
     */
    public SafeListener(List<MigrationListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    private void each(String event, Consumer<MigrationListener> call) {
        for (MigrationListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                LOG.warn("Listener {} threw on {}; the run goes on", listener.getClass().getName(), event, e);
            }
        }
    }

    @Override
    public void planStarted(MigrationEvent.PlanStarted event) {
        each("planStarted", l -> l.planStarted(event));
    }

    @Override
    public void planFinished(MigrationEvent.PlanFinished event) {
        each("planFinished", l -> l.planFinished(event));
    }

    @Override
    public void stepStarted(MigrationEvent.StepStarted event) {
        each("stepStarted", l -> l.stepStarted(event));
    }

    @Override
    public void stepFinished(MigrationEvent.StepFinished event) {
        each("stepFinished", l -> l.stepFinished(event));
    }

    @Override
    public void stepProgress(MigrationEvent.StepProgress event) {
        each("stepProgress", l -> l.stepProgress(event));
    }

    @Override
    public void platformTransition(MigrationEvent.PlatformTransition event) {
        each("platformTransition", l -> l.platformTransition(event));
    }
}
