package com.proxylity.packetsource.local;

import com.proxylity.packetsource.core.session.PeerLocator;
import com.proxylity.packetsource.core.session.SenderTask;
import com.proxylity.packetsource.core.session.SessionDirectory;
import com.proxylity.packetsource.core.session.SessionRecord;
import com.proxylity.packetsource.core.session.TaskDirectory;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One task's view of the shared directories, which a kill cuts off at once: a task killed as by
 * SIGKILL (or an AZ failure) writes no last beat and does not retire its sessions, so its
 * records stay as they were until they lapse. Reads pass through; the session view stays a
 * {@link PeerLocator} when the directory is one, so the task still initiates to recover peers.
 */
public final class KillSwitch {
    private volatile boolean killed;

    /** From now on nothing this task writes reaches the directories. */
    public void kill() {
        killed = true;
    }

    /** A new start of the task writes again. */
    public void revive() {
        killed = false;
    }

    public boolean killed() {
        return killed;
    }

    public SessionDirectory sessions(SessionDirectory shared) {
        return shared instanceof PeerLocator locator ? new LocatingSessions(shared, locator) : new Sessions(shared);
    }

    public TaskDirectory tasks(TaskDirectory shared) {
        return new TaskDirectory() {
            @Override
            public void announce(SenderTask task) {
                if (!killed) shared.announce(task);
            }

            @Override
            public List<SenderTask> tasks(String listenerName) {
                return shared.tasks(listenerName);
            }
        };
    }

    private class Sessions implements SessionDirectory {
        final SessionDirectory shared;

        Sessions(SessionDirectory shared) {
            this.shared = shared;
        }

        @Override
        public void put(SessionRecord record) {
            if (!killed) shared.put(record);
        }

        @Override
        public Optional<SessionRecord> get(String listenerName, String peerKey) {
            return shared.get(listenerName, peerKey);
        }

        @Override
        public Map<String, SessionRecord> getAll(String listenerName, Collection<String> peerKeys) {
            return shared.getAll(listenerName, peerKeys);
        }

        @Override
        public void remove(String listenerName, String peerKey) {
            if (!killed) shared.remove(listenerName, peerKey);
        }
    }

    private final class LocatingSessions extends Sessions implements PeerLocator {
        private final PeerLocator locator;

        LocatingSessions(SessionDirectory shared, PeerLocator locator) {
            super(shared);
            this.locator = locator;
        }

        @Override
        public Map<String, String> peersByEndpoint(String listenerName) {
            return locator.peersByEndpoint(listenerName);
        }
    }
}
