package com.proxylity.packetsource.core.pipeline;

/**
 * The Id of one entry as it crosses the states: {@code <sqsMessageId>/<entryIndex>}. A
 * message-level Id (a discard of a whole message, a control message) is the bare messageId.
 * SQS messageIds contain no '/', so the last '/' always separates the index.
 */
public final class EntryId {
    /** The Id of a record whose messageId cannot carry outcomes ({@link #usableMessageId}). */
    public static final String UNUSABLE_MESSAGE_ID = "-";
    /** Far above SQS's 36-character UUIDs; bounds what an Id can add to the state. */
    public static final int MAX_MESSAGE_ID_LENGTH = 128;

    private EntryId() {}

    /**
     * Whether a record's messageId can name its outcomes: present, bounded, printable, without
     * '/'. SQS's always can; a record whose id cannot ends as one discard under
     * {@link #UNUSABLE_MESSAGE_ID}, never an exception.
     */
    public static boolean usableMessageId(String messageId) {
        if (messageId == null || messageId.isEmpty() || messageId.length() > MAX_MESSAGE_ID_LENGTH
                || messageId.equals(UNUSABLE_MESSAGE_ID)) {
            return false;
        }
        for (int i = 0; i < messageId.length(); i++) {
            char c = messageId.charAt(i);
            if (c == '/' || c < 0x21 || c > 0x7e) return false;
        }
        return true;
    }

    /** The Id of entry {@code index} (0-based, in publish order) of SQS message {@code messageId}. */
    public static String of(String messageId, int index) {
        return messageId + "/" + index;
    }

    /** The SQS messageId an Id belongs to: the Id itself for a message-level Id. */
    public static String messageIdOf(String id) {
        int slash = id.lastIndexOf('/');
        return slash < 0 ? id : id.substring(0, slash);
    }

    /** Whether the Id names one entry rather than a whole message. */
    public static boolean isEntry(String id) {
        return id.lastIndexOf('/') >= 0;
    }

    /** The entry index of an Id; -1 for a message-level Id (or an index that is not a number). */
    public static int indexOf(String id) {
        int slash = id.lastIndexOf('/');
        if (slash < 0) return -1;
        try {
            return Integer.parseInt(id.substring(slash + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
