package com.proxylity.packetsource.core.session;

import java.util.List;

/**
 * Which sender tasks serve a Listener, and where each one's own egress API is: the heartbeats
 * the pipeline routes by. Scoped to one Listener like the session directory (the DynamoDB store
 * keeps them in the Sessions table under {@link #KEY_PREFIX}, beside the Listener's sessions and
 * flow records). Returned records may be dead; callers compare {@link SenderTask#liveAt}.
 */
public interface TaskDirectory {
    /** Prefix of task records' keys: cannot collide with a peer key (base64) or a flow key ({@code udp:}). */
    String KEY_PREFIX = "task:";
    /** How often a task rewrites its record. */
    long HEARTBEAT_SECONDS = 5;
    /** How long a record stays live: three beats, so one slow write does not drop a task. */
    long LIVE_SECONDS = 3 * HEARTBEAT_SECONDS;

    void announce(SenderTask task);

    /** Every record of the Listener, live or not, in task id order. */
    List<SenderTask> tasks(String listenerName);
}
