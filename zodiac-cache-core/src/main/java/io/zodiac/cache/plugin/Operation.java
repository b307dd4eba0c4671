package io.zodiac.cache.plugin;

/** The operations plugins see, the cache's own and the internal steps of {@code getOrSet}. */
public enum Operation {
    GET, MULTI_GET, SET, MULTI_SET, ADD, DELETE, EXISTS, INCREMENT, EXPIRE, TTL, KEYS, CLEAR,
    /** A whole {@code getOrSet} call; {@link OperationEvent#hit()} is true when this call did not run the producer. */
    GET_OR_SET,
    /** A lock attempt; the result is {@code true} when the lock was taken. */
    LOCK,
    /** A lock release; the result is {@code true} when the lock was still held by this caller. */
    UNLOCK,
    /** A wait for another caller's producer; the elapsed time is the time waited. */
    LOCK_WAIT,
    /** One run of a producer (the result is its value). */
    PRODUCE
}
