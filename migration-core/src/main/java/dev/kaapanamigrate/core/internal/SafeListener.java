package dev.kaapanamigrate.core.internal;

import dev.kaapanamigrate.core.MigrationEvent;
import dev.kaapanamigrate.core.MigrationListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the plan's listeners through their typed methods. Whatever a listener throws (errors included,
 * except those of the virtual machine itself) is logged and never breaks a run.
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

    @Override
    public void onEvent(MigrationEvent event) {
        for (MigrationListener listener : listeners) {
            try {
                MigrationListener.dispatch(listener, event);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                LOG.warn("Listener {} threw on {}; the run goes on", listener.getClass().getName(),
                        event.getClass().getSimpleName(), e);
            }
        }
    }
}
