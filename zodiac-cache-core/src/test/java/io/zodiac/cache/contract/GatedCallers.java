package io.zodiac.cache.contract;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * The caller threads of a child JVM in a multi-JVM test: they park on a gate, the child says
 * {@code READY}, the parent answers {@code GO} on stdin (to every child back to back), the gate
 * opens, and the lines the callers reported ({@code RESULT ...}, or {@code FAILED ...} for an
 * exception) are printed once they are done.
 */
final class GatedCallers {

    /** What one caller does once the gate opens; it reports its result lines. */
    @FunctionalInterface
    interface Caller {
        void call(Consumer<String> report) throws InterruptedException;
    }

    private GatedCallers() {
    }

    /** Runs {@code callers} threads of {@code caller} through the gate; the lines they reported, as printed. */
    static List<String> run(int callers, Caller caller) throws IOException, InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        List<String> results = new ArrayList<>();
        Consumer<String> report = line -> {
            synchronized (results) {
                results.add(line);
            }
        };
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                    caller.call(report);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    report.accept("FAILED " + e);
                }
            }, "caller-" + i);
            thread.start();
            threads.add(thread);
        }
        System.out.println("READY");
        System.out.flush();
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (!"GO".equals(stdin.readLine())) {
            System.out.println("FAILED no GO on stdin");
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        synchronized (results) {
            results.forEach(System.out::println);
            return List.copyOf(results);
        }
    }
}
