package io.zodiac.cache.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * What one phase of the demo measured, in one process or merged over several.
 *
 * @param requests the requests the clients completed
 * @param errors the requests that failed
 * @param firstError the first failure's message, or {@code null}
 * @param elapsedNanos the phase's wall-clock time
 * @param latency every request's latency in nanoseconds
 * @param sourceCalls per key index, how many times the slow source was called (loaded keys only)
 * @param coldCallers per key index, how many requests asked for the key before any request for it
 *     had been answered: the callers that piled up on the key while it was cold
 */
record PhaseResult(long requests, long errors, String firstError, long elapsedNanos, Histogram latency,
        Map<Integer, Integer> sourceCalls, Map<Integer, Integer> coldCallers) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The slow source's calls over all keys. */
    long sourceCallsTotal() {
        return sourceCalls.values().stream().mapToLong(Integer::longValue).sum();
    }

    /** The share of requests answered without calling the source. */
    double hitRatio() {
        return requests == 0 ? 0 : Math.max(0, requests - sourceCallsTotal()) / (double) requests;
    }

    /** The most calls of the source for any one key: 1 when every cold key was loaded once. */
    int maxCallsPerKey() {
        return sourceCalls.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /**
     * The requests that asked for a key while its first load was running and waited for that load
     * instead of calling the source themselves: per key, the cold callers beyond the source calls.
     */
    long waitedForALoad() {
        return coldCallers.entrySet().stream()
                .mapToLong(entry -> Math.max(0, entry.getValue() - sourceCalls.getOrDefault(entry.getKey(), 0)))
                .sum();
    }

    /** The key index with the most {@linkplain #coldCallers() cold callers} (the hottest on a tie), or -1. */
    int busiestColdKey() {
        int busiest = -1;
        int most = 0;
        for (Map.Entry<Integer, Integer> entry : new TreeMap<>(coldCallers).entrySet()) {
            if (entry.getValue() > most) {
                busiest = entry.getKey();
                most = entry.getValue();
            }
        }
        return busiest;
    }

    /** Requests per second. */
    double throughput() {
        return elapsedNanos == 0 ? 0 : requests * 1e9 / elapsedNanos;
    }

    /** This phase and {@code other}, run side by side: counts added, the longer time kept. */
    PhaseResult merge(PhaseResult other) {
        Histogram merged = latency.copy();
        merged.add(other.latency);
        return new PhaseResult(requests + other.requests, errors + other.errors,
                firstError != null ? firstError : other.firstError, Math.max(elapsedNanos, other.elapsedNanos), merged,
                sum(sourceCalls, other.sourceCalls), sum(coldCallers, other.coldCallers));
    }

    private static Map<Integer, Integer> sum(Map<Integer, Integer> a, Map<Integer, Integer> b) {
        Map<Integer, Integer> total = new TreeMap<>(a);
        b.forEach((key, count) -> total.merge(key, count, Integer::sum));
        return total;
    }

    /** The form a worker process prints on one line of its stdout. */
    private record Wire(long requests, long errors, String firstError, long elapsedNanos, String latency,
            Map<Integer, Integer> sourceCalls, Map<Integer, Integer> coldCallers) {
    }

    /** This result as one line of JSON. */
    String encode() {
        ByteBuffer buffer = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
        latency.encodeIntoCompressedByteBuffer(buffer);
        byte[] histogram = new byte[buffer.position()];
        buffer.flip().get(histogram);
        try {
            return JSON.writeValueAsString(new Wire(requests, errors, firstError, elapsedNanos,
                    Base64.getEncoder().encodeToString(histogram), sourceCalls, coldCallers));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the result: " + e.getOriginalMessage(), e);
        }
    }

    /** The result {@link #encode()} wrote. */
    static PhaseResult decode(String line) {
        try {
            Wire wire = JSON.readValue(line, Wire.class);
            Histogram latency = Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(wire.latency())), 0);
            return new PhaseResult(wire.requests(), wire.errors(), wire.firstError(), wire.elapsedNanos(), latency,
                    new TreeMap<>(wire.sourceCalls()), new TreeMap<>(wire.coldCallers()));
        } catch (JsonProcessingException | DataFormatException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a demo result: " + CliException.describe(e), e);
        }
    }
}
