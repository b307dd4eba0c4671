package io.zodiac.cache.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A Lua script returning an integer, run with {@code EVALSHA} and, when the server does not know
 * it yet ({@code NOSCRIPT}: a new or restarted node, {@code SCRIPT FLUSH}), with {@code EVAL},
 * which also caches it there. In a cluster the script runs on the node of its first key.
 */
final class LuaScript {

    private final String source;
    private final String sha;

    LuaScript(String source) {
        this.source = source;
        this.sha = sha1(source);
    }

    /** Runs the script with {@code keys} as KEYS and {@code args} as ARGV. */
    CompletableFuture<Long> run(RedisClusterAsyncCommands<String, byte[]> redis, String[] keys, byte[]... args) {
        CompletableFuture<Long> cached = redis.<Long>evalsha(sha, ScriptOutputType.INTEGER, keys, args).toCompletableFuture();
        return cached.handle((result, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(result);
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof RedisNoScriptException) {
                return redis.<Long>eval(source, ScriptOutputType.INTEGER, keys, args).toCompletableFuture();
            }
            return CompletableFuture.<Long>failedFuture(cause);
        }).thenCompose(result -> result);
    }

    private static String sha1(String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is not available", e);
        }
    }
}
