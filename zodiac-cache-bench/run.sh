#!/usr/bin/env bash
# Runs every zodiac-cache benchmark against its peers and writes BENCHMARKS.md at the repository root.
#
#   zodiac-cache-bench/run.sh            # build, run everything (~22 min on 2 cores), write BENCHMARKS.md
#   FAULTS_ONLY=1 zodiac-cache-bench/run.sh  # only the fault harness; its section replaces the one in BENCHMARKS.md
#   REFRESH_ONLY=1 zodiac-cache-bench/run.sh # only the refresh-ahead harness (~3 min); likewise
#   NEAR_ONLY=1 zodiac-cache-bench/run.sh    # only the near cache (JMH hit, invalidation lag, tracking modes); its section replaces the one in BENCHMARKS.md
#   KEYS_ONLY=1 zodiac-cache-bench/run.sh    # only key building (JMH KeyBenchmark, ~6 min); likewise
#   BUILD=0 zodiac-cache-bench/run.sh    # reuse zodiac-cache-bench/target/benchmarks.jar
#   QUICK=1 zodiac-cache-bench/run.sh    # smoke run (1 fork, 1 s iterations, 100k entries): proves the set works, figures are noise
#
# Needs a JDK 17+ and Maven; the Redis benchmarks need redis-server (and redis-benchmark for the
# server's ceiling; Debian: apt-get install redis-server redis-tools). Run it on an idle machine:
# the load average before and after is recorded in the report.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAR=$ROOT/zodiac-cache-bench/target/benchmarks.jar
RESULTS=$ROOT/zodiac-cache-bench/target/results
COMMAND="zodiac-cache-bench/run.sh${QUICK:+ (QUICK=$QUICK)}"
START=$(date +%s)

if [ "${BUILD:-1}" != 0 ]; then
  mvn -q -B -pl zodiac-cache-bench -am package -DskipTests
fi
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

if [ "${QUICK:-0}" != 0 ]; then
  JMH_OPTS=(-wi 1 -w 1s -i 1 -r 1s)
  FORKS=1
  ENTRIES=100000
  ROUNDS=3
  REDIS_ROUNDS=2
  REDIS_FORKS=1
  CACHED_FORKS=1
  REQUESTS=20000
  REFRESH_RUN_MILLIS=7000
  TRACKING_ARGS=(10000 4 100 5000 1000 1)
else
  # 2 forks x (3 warm-up + 5 measured 1-second iterations) per benchmark and parameter; 3 forks for Redis,
  # whose client, I/O thread and server share the cores and vary most from fork to fork, and for the
  # @Cached benchmark, whose forks differ by how the JIT compiled the proxies' call chains
  JMH_OPTS=(-wi 3 -w 1s -i 5 -r 1s)
  FORKS=2
  REDIS_FORKS=3
  CACHED_FORKS=3
  ENTRIES=1000000
  ROUNDS=20
  REDIS_ROUNDS=10
  REQUESTS=100000
  REFRESH_RUN_MILLIS=14000
  # keys, readers, hot keys per reader, measured writes, warm-up writes, rounds (the modes alternate): ~45 s
  TRACKING_ARGS=(10000 4 100 20000 2000 3)
fi
JAVA=(java -Xms1g -Xmx1g)
JMH=("${JAVA[@]}" -jar "$JAR" "${JMH_OPTS[@]}" -jvmArgs "-Xms1g -Xmx1g")

load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime | sed 's/.*load average[s]*: //'; }

{
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || uname -p)"
  echo "nproc=$(nproc)"
  echo "memory=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null)"
  echo "jdk=$(java -version 2>&1 | head -2 | tail -1)"
  echo "os=$( (. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME") || uname -sr), kernel $(uname -r)"
  echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "date=$(date -u '+%Y-%m-%d %H:%M')"
  echo "command=$COMMAND"
  echo "loadBefore=$(load)"
} > "$RESULTS/env.properties"
echo "load before: $(load)"

# refresh-ahead: 4 kinds of values at once; latency from 1 JVM with 4 callers per kind, producer runs across 4 JVMs
# with 1 caller per kind each; one call per 20 ms per caller (800 calls/s in all, far from saturating the CPU);
# a 50 ms producer, TTL 1000 ms, refreshAfter 700 ms, for REFRESH_RUN_MILLIS (14 TTLs in a full run)
refresh_harness() {
  "${JAVA[@]}" -cp "$JAR" io.zodiac.cache.bench.RefreshHarness "$RESULTS/refresh.json" 4 4 20000 50 1000 700 "$REFRESH_RUN_MILLIS"
}

if [ "${REFRESH_ONLY:-0}" != 0 ]; then
  refresh_harness
  java -cp "$JAR" io.zodiac.cache.bench.Report --section refresh "$RESULTS" "$ROOT/BENCHMARKS.md"
  exit 0
fi

if [ "${FAULTS_ONLY:-0}" != 0 ]; then
  "${JAVA[@]}" -cp "$JAR" io.zodiac.cache.bench.FaultHarness "$RESULTS/faults.json" 200
  java -cp "$JAR" io.zodiac.cache.bench.Report --section faults "$RESULTS" "$ROOT/BENCHMARKS.md"
  exit 0
fi

jmh() {  # jmh NAME REGEX [JMH options...]
  local name=$1 regex=$2
  shift 2
  echo "== JMH $name"
  "${JMH[@]}" "$regex" "$@" -rf json -rff "$RESULTS/$name.json" > "$RESULTS/$name.log" 2>&1 \
    || { tail -40 "$RESULTS/$name.log"; echo "JMH $name failed (log: $RESULTS/$name.log)"; exit 1; }
  grep -A1000 '^Benchmark' "$RESULTS/$name.log" | grep -v -e 'gc.alloc.rate ' -e 'gc.count' -e 'gc.time' -e 'churn' || true
}

near_cache() {  # the near cache: its hit against Caffeine, Redis and Lettuce, and its invalidation lag across JVMs
  jmh near-hit 'io.zodiac.cache.bench.NearCacheBenchmark' -f "$FORKS" -t 1 -prof gc
  echo "== near-cache invalidation lag, writes from a second JVM"
  "${JAVA[@]}" -cp "$JAR" io.zodiac.cache.bench.NearCacheHarness "$RESULTS/near.json" 2000
  echo "== CLIENT TRACKING default mode against BCAST PREFIX, 4 tracking readers and a writer on one server"
  "${JAVA[@]}" -cp "$JAR" io.zodiac.cache.bench.TrackingModeHarness "$RESULTS/tracking.json" "${TRACKING_ARGS[@]}"
}

if [ "${NEAR_ONLY:-0}" != 0 ]; then
  near_cache
  java -cp "$JAR" io.zodiac.cache.bench.Report --section near "$RESULTS" "$ROOT/BENCHMARKS.md"
  exit 0
fi

keys() {
  jmh keys 'io.zodiac.cache.bench.KeyBenchmark' -f "$FORKS" -t 1 -prof gc
}

if [ "${KEYS_ONLY:-0}" != 0 ]; then
  keys
  java -cp "$JAR" io.zodiac.cache.bench.Report --section keys "$RESULTS" "$ROOT/BENCHMARKS.md"
  exit 0
fi

jmh hit-t1 'io.zodiac.cache.bench.HitBenchmark' -f "$FORKS" -t 1 -prof gc
jmh hit-t2 'io.zodiac.cache.bench.HitBenchmark' -f "$FORKS" -t 2 -prof gc
jmh cached 'io.zodiac.cache.bench.CachedBenchmark' -f "$CACHED_FORKS" -t 1 -prof gc
keys
if command -v redis-server > /dev/null; then
  # One fork at a time, each method in turn, the order rotating from run to run: a slow stretch of the
  # shared machine then falls on every side of the comparison, not on one. The Report pools the forks.
  REDIS_METHODS=(lettuce_get zodiac_getOrSet zodiac_get)
  for run in $(seq "$REDIS_FORKS"); do
    for i in 0 1 2; do
      method=${REDIS_METHODS[$(( (run - 1 + i) % 3 ))]}
      jmh "redis-$run-$method" "io.zodiac.cache.bench.RedisBenchmark.$method\$" -f 1 -prof gc
    done
  done
  jmh batch 'io.zodiac.cache.bench.BatchBenchmark' -f "$FORKS" -prof gc
  near_cache
else
  echo "redis-server is not installed: the Redis benchmarks are left out"
fi

if command -v redis-server > /dev/null && command -v redis-benchmark > /dev/null; then
  echo "== redis-benchmark (the server's ceiling)"
  for attempt in 1 2 3 4 5; do
    PORT=$((20000 + RANDOM % 20000))
    redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no > "$RESULTS/redis-server.log" 2>&1 &
    REDIS_PID=$!
    for _ in $(seq 50); do
      redis-cli -p "$PORT" ping > /dev/null 2>&1 && break
      sleep 0.1
    done
    if redis-cli -p "$PORT" ping > /dev/null 2>&1; then break; fi
    kill "$REDIS_PID" 2> /dev/null || true
    wait "$REDIS_PID" 2> /dev/null || true
    REDIS_PID=
  done
  if [ -n "${REDIS_PID:-}" ]; then
    # the GET test reads key:__rand_int__, which the SET test stores with the same 100 bytes as the JMH benchmark
    redis-benchmark -p "$PORT" -t set -n 1000 -d 100 -q > /dev/null
    for c in 1 16 64; do
      echo "c=$c $(redis-benchmark -p "$PORT" -t get -n "$REQUESTS" -c "$c" -d 100 -q | tr '\r' '\n' | grep '^GET' | tail -1)" \
        | tee -a "$RESULTS/redis-benchmark.txt"
    done
    kill "$REDIS_PID"
    wait "$REDIS_PID" 2> /dev/null || true
  else
    echo "could not start redis-server for redis-benchmark"
  fi
else
  echo "redis-benchmark is not installed: the server's ceiling is left out"
fi

echo "== stampede harness"
"${JAVA[@]}" -cp "$JAR" io.zodiac.cache.bench.StampedeHarness "$RESULTS/stampede.json" 200 "$ROUNDS" 50
if command -v redis-server > /dev/null; then
  echo "== stampede harness, 4 JVMs on Redis"
  "${JAVA[@]}" -cp "$JAR" io.zodiac.cache.bench.RedisStampedeHarness "$RESULTS/redis-stampede.json" 4 50 "$REDIS_ROUNDS" 50
  echo "== refresh-ahead harness, a hot key across TTL expiries, 4 JVMs on Redis and 1 in memory"
  refresh_harness
fi
if command -v redis-server > /dev/null && command -v memcached > /dev/null; then
  echo "== fault harness (Redis and Memcached paused and killed under load)"
  "${JAVA[@]}" -cp "$JAR" io.zodiac.cache.bench.FaultHarness "$RESULTS/faults.json" 200
else
  echo "redis-server or memcached is not installed: the fault harness is left out"
fi
echo "== memory harness"
java -Xms4g -Xmx4g --add-exports java.base/jdk.internal.vm.annotation=ALL-UNNAMED -Djdk.attach.allowAttachSelf=true \
  -cp "$JAR" io.zodiac.cache.bench.MemoryFootprint "$ENTRIES" "$RESULTS/memory.json"

echo "loadAfter=$(load)" >> "$RESULTS/env.properties"
echo "duration=$(( ($(date +%s) - START) / 60 )) min $(( ($(date +%s) - START) % 60 )) s" >> "$RESULTS/env.properties"
echo "load after: $(load)"
java -cp "$JAR" io.zodiac.cache.bench.Report "$RESULTS" "$ROOT/BENCHMARKS.md" "$ROOT/zodiac-cache-bench/analysis.md"
