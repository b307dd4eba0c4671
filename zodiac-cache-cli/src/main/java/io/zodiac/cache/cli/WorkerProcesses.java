package io.zodiac.cache.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs the cached phase of the demo in child JVMs of this same program ({@link DemoWorkerCommand})
 * and merges what they measured. The children connect first; once every one is ready they all
 * get the start signal together, so that they ask for the same cold keys at the same time.
 */
final class WorkerProcesses {

    /** How long the children may take to start a JVM and connect. */
    private static final long START_TIMEOUT_SECONDS = 60;

    private WorkerProcesses() {
    }

    /** One child per argument list; returns the merged result, or throws a backend error naming the child that failed. */
    static PhaseResult run(List<List<String>> arguments, ProgressSink progress) throws IOException, InterruptedException {
        CountDownLatch ready = new CountDownLatch(arguments.size());
        CountDownLatch finished = new CountDownLatch(arguments.size());
        List<Worker> workers = new ArrayList<>();
        try {
            for (List<String> workerArguments : arguments) {
                workers.add(new Worker(workers.size() + 1, workerArguments, ready, finished));
            }
            if (!ready.await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw CliException.backend("the worker processes did not start within " + START_TIMEOUT_SECONDS + " s", null);
            }
            for (Worker worker : workers) {
                worker.requireReady();
            }
            long start = System.nanoTime();
            for (Worker worker : workers) {
                worker.go();
            }
            progress.follow(finished, start,
                    () -> workers.stream().mapToLong(worker -> worker.requests).sum(),
                    () -> workers.stream().mapToLong(worker -> worker.sourceCalls).sum());
            PhaseResult merged = null;
            for (Worker worker : workers) {
                PhaseResult result = worker.result();
                merged = merged == null ? result : merged.merge(result);
            }
            return merged;
        } finally {
            workers.forEach(Worker::destroy);
        }
    }

    /** One child process and the thread that reads its stdout. */
    private static final class Worker {
        private final int number;
        private final Process process;
        private final CountDownLatch ready;
        private final CountDownLatch finished;
        private volatile boolean isReady;
        /** Read and written by the reader thread only. */
        private boolean reported;
        private volatile long requests;
        private volatile long sourceCalls;
        private volatile PhaseResult result;
        private volatile String problem;

        Worker(int number, List<String> arguments, CountDownLatch ready, CountDownLatch finished) throws IOException {
            this.number = number;
            this.ready = ready;
            this.finished = finished;
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(Main.nativeAccess());
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
            command.addAll(arguments);
            this.process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Thread reader = new Thread(this::read, "demo-worker-" + number + "-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        /** Follows the child's stdout; the child counts as finished at its result line, or when it is gone. */
        private void read() {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    accept(line);
                }
            } catch (IOException | RuntimeException e) {
                problem = CliException.describe(e);
            } finally {
                if (!isReady) {
                    ready.countDown();
                }
                finished();
            }
        }

        private void accept(String line) {
            String[] words = line.split(" ", 3);
            switch (words[0]) {
                case DemoWorkerCommand.READY -> {
                    isReady = true;
                    ready.countDown();
                }
                case DemoWorkerCommand.PROGRESS -> {
                    requests = Long.parseLong(words[1]);
                    sourceCalls = Long.parseLong(words[2]);
                }
                case DemoWorkerCommand.RESULT -> {
                    result = PhaseResult.decode(line.substring(words[0].length() + 1));
                    finished();
                }
                default -> problem = "unexpected output: " + line;
            }
        }

        private void finished() {
            if (!reported) {
                reported = true;
                finished.countDown();
            }
        }

        void requireReady() {
            if (!isReady) {
                throw failure("did not start");
            }
        }

        void go() throws IOException {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write((DemoWorkerCommand.GO + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }

        PhaseResult result() throws InterruptedException {
            process.waitFor();
            if (result == null || process.exitValue() != 0) {
                throw failure("failed");
            }
            return result;
        }

        private CliException failure(String what) {
            String exit = process.isAlive() ? "" : ", exit code " + process.exitValue();
            return CliException.backend("worker process " + number + " " + what + exit
                    + (problem == null ? "" : ": " + problem), null);
        }

        void destroy() {
            process.destroyForcibly();
        }
    }
}
